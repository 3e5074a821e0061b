import type { MaintenanceWindow } from "../config/schema";
import type { HotState } from "../decide/hot-state";
import { type ActionResult, acknowledge, type ManualIncident, openManual, postUpdate, resolveByHand } from "../incidents/admin-actions";
import { type AlertmanagerWebhook, applyAlertmanagerWebhook } from "../incidents/alertmanager-alerts";
import type { Incident, IncidentEvent } from "../incidents/types";
import { planNotifications } from "../notify/plan";
import { publishLatest, saveIncidents } from "./publish";
import { loadState, type WriterDeps } from "./writer-deps";

/** What the admin API and the Alertmanager receiver ask the writer to change. */
export type Change =
  | { kind: "acknowledge"; id: string; by: string }
  | { kind: "resolve"; id: string; by: string; message?: string | undefined }
  | { kind: "update"; id: string; status: "investigating" | "identified" | "monitoring" | "update"; message: string }
  | { kind: "open"; incident: ManualIncident }
  | { kind: "alertmanager"; payload: AlertmanagerWebhook }
  | { kind: "add-maintenance"; window: MaintenanceWindow }
  | { kind: "delete-maintenance"; id: string };

export type ChangeResult =
  | { ok: true; incident?: Incident; changed?: { id: string; status: Incident["status"] }[]; ignored?: number; window?: MaintenanceWindow }
  | { ok: false; status: 404 | 409; error: string };

type Applied =
  | { ok: true; state: HotState; changed: Incident[]; events: IncidentEvent[]; result: ChangeResult }
  | { ok: false; status: 404 | 409; error: string };

function fromAction(state: HotState, done: ActionResult): Applied {
  if (!done.ok) return done;
  return {
    ok: true,
    state: { ...state, incidents: done.state },
    changed: [done.incident],
    events: [done.event],
    result: { ok: true, incident: done.incident },
  };
}

function apply(deps: WriterDeps, state: HotState, change: Change, nowMs: number): Applied {
  const incidents = state.incidents;
  switch (change.kind) {
    case "acknowledge":
      return fromAction(state, acknowledge(incidents, change.id, change.by, nowMs));
    case "resolve":
      return fromAction(state, resolveByHand(incidents, change.id, change.by, change.message, nowMs));
    case "update":
      return fromAction(state, postUpdate(incidents, change.id, change.status, change.message, nowMs));
    case "open":
      return fromAction(state, openManual(incidents, deps.config, change.incident, nowMs));
    case "alertmanager": {
      const done = applyAlertmanagerWebhook(incidents, deps.config, change.payload, nowMs);
      const result: ChangeResult = { ok: true, changed: done.changed.map((i) => ({ id: i.id, status: i.status })), ignored: done.ignored };
      return { ok: true, state: { ...state, incidents: done.state }, changed: done.changed, events: done.events, result };
    }
    case "add-maintenance": {
      if (state.meta.adminMaintenance.some((w) => w.id === change.window.id))
        return { ok: false, status: 409, error: `window ${change.window.id} already exists` };
      const meta = { ...state.meta, adminMaintenance: [...state.meta.adminMaintenance, change.window] };
      return { ok: true, state: { ...state, meta }, changed: [], events: [], result: { ok: true, window: change.window } };
    }
    case "delete-maintenance": {
      if (!state.meta.adminMaintenance.some((w) => w.id === change.id))
        return { ok: false, status: 404, error: `no maintenance window ${change.id} created through this API` };
      const meta = { ...state.meta, adminMaintenance: state.meta.adminMaintenance.filter((w) => w.id !== change.id) };
      return { ok: true, state: { ...state, meta }, changed: [], events: [], result: { ok: true } };
    }
  }
}

/**
 * Applies a change to the writer's state, between ticks (the calls are serialised), queues its notifications for
 * the next tick to send, commits, then writes the changed incident records and latest.json so every face shows it.
 */
export async function applyChange(deps: WriterDeps, change: Change): Promise<ChangeResult> {
  const state = await loadState(deps);
  const nowMs = deps.send.now();
  const applied = apply(deps, state, change, nowMs);
  if (!applied.ok) return applied;
  const delivery = planNotifications({
    config: deps.config,
    events: applied.events,
    incidents: applied.state.incidents.incidents,
    delivery: applied.state.delivery,
    inMaintenance: new Set(),
    nowMs,
  });
  let committed = deps.hot.commit({ ...applied.state, delivery });
  const unsaved = await saveIncidents(deps, committed.incidents.incidents, applied.changed, []);
  if (unsaved.length)
    committed = deps.hot.commit({
      ...committed,
      meta: { ...committed.meta, unsavedIncidents: [...new Set([...committed.meta.unsavedIncidents, ...unsaved])] },
    });
  await publishLatest(deps, committed, nowMs);
  deps.log("info", "state changed", { change: change.kind, incidents: applied.changed.map((i) => i.id) });
  return applied.result;
}
