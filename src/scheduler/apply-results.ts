import { recordTick, tickSampleOf } from "../history/record-tick";
import { uptimeOf } from "../history/uptime-of";
import { maintenanceNow } from "../incidents/maintenance";
import { type Observation, transition } from "../incidents/transition";
import type { IncidentEvent } from "../incidents/types";
import { certificateEvents } from "../notify/certificate-events";
import { deliverClaimed, renewAlertmanagerLeases } from "../notify/deliver";
import { claimDue, enqueue, recordOutcomes } from "../notify/outbox";
import { planNotifications } from "../notify/plan";
import type { LatestSnapshot } from "../storage/snapshot";
import { fingerprintOf, nextMonitors, shouldWriteKv, stateOf, type TickResult } from "./next-snapshot";
import type { Collected } from "./probe-batch";
import type { Previous } from "./read-previous";
import type { TickDeps } from "./run-tick";

const MAX_NOTIFICATIONS_PER_TICK = 10;
const STORAGE_SUBREQUESTS = 2;

/** Notifications this tick may send, from what the probes left of the invocation's subrequests; the rest wait. */
export function notificationBudget(limit: number, probeSubrequests: number): number {
  return Math.max(0, Math.min(MAX_NOTIFICATIONS_PER_TICK, limit - STORAGE_SUBREQUESTS - probeSubrequests));
}

export type Applied =
  | { kind: "conflict"; results: TickResult[]; events: IncidentEvent[]; kv: LatestSnapshot["kv"]; wroteState: boolean }
  | { kind: "done"; results: TickResult[]; events: IncidentEvent[]; kv: LatestSnapshot["kv"]; wroteState: boolean; wroteLatest: boolean; notified: number; durationMs: number };

/**
 * Judges collected results against `previous` and saves the outcome: incidents (pure) → R2 incidents, KV on change,
 * R2 latest by compare-and-swap. `conflict` means someone wrote latest.json since `previous` was read: nothing was
 * sent, and the caller may apply the same results again to what is there now. `kv` is the KV copy as this tick left it.
 */
export async function applyResults(deps: TickDeps, previous: Previous, collected: Collected, scheduledTime: number, started: number, kvBefore: LatestSnapshot["kv"]): Promise<Applied> {
  const { log, config } = deps;
  const tickAt = new Date(scheduledTime).toISOString();
  // Windows from the admin API count like the config's; one-off windows that have ended are dropped.
  const adminMaintenance = previous.adminMaintenance.filter((w) => w.end === undefined || Date.parse(w.end) > scheduledTime);
  const maintenance = maintenanceNow({ monitors: config.monitors, maintenance: [...config.maintenance, ...adminMaintenance] }, scheduledTime);
  const results: TickResult[] = collected.results.map(({ unknown, ...result }) => {
    if (unknown) return { ...result, shown: "unknown" as const };
    const window = maintenance.get(result.monitorId);
    return window ? { ...result, shown: "maintenance" as const, message: `maintenance: ${window.title} (${result.message})` } : { ...result, shown: result.status };
  });

  const observations: Observation[] = results.map((r) => ({ monitorId: r.monitorId, status: r.shown, message: r.message, phase: r.error?.phase ?? null }));
  const next = transition(previous.incidents, observations, config, scheduledTime);
  const inMaintenance = new Set(maintenance.keys());
  const planned = planNotifications({ config, events: next.events, incidents: next.state.incidents, delivery: previous.delivery, inMaintenance, nowMs: scheduledTime });
  const certificates = certificateEvents(config, results, previous.certificateTiers, inMaintenance, scheduledTime);
  const queued = enqueue(planned, certificates.deliveries, tickAt);
  const { state: delivery, claimed } = claimDue(queued, scheduledTime, notificationBudget(config.limits.subrequests, collected.subrequests));

  // Incident objects first: they are idempotent by id, so a tick that then loses the race below did no harm.
  const toSave = [...next.changed, ...next.state.incidents.filter((i) => previous.unsavedIncidents.includes(i.id) && !next.changed.includes(i))];
  const unsaved: string[] = [];
  await Promise.all(
    toSave.map((incident) =>
      deps.incidents.putIncident(incident).catch((error) => {
        unsaved.push(incident.id);
        log("error", "R2 incident write failed", { incident: incident.id, error: String(error) });
      }),
    ),
  );

  const monitors = nextMonitors(results, previous.statuses, tickAt);
  const history = await recordTick(deps.history, previous.history, tickSampleOf(tickAt, monitors), { log, rawRetentionDays: config.history.rawRetentionDays });
  const finished = deps.probe.now();
  const fingerprint = fingerprintOf(monitors, next.state.incidents);
  let kv = kvBefore;
  let wroteState = false;
  if (shouldWriteKv(fingerprint, kvBefore, finished)) {
    try {
      await deps.state.writeState(stateOf(monitors, next.state.incidents, tickAt));
      kv = { fingerprint, writtenAt: new Date(finished).toISOString() };
      wroteState = true;
    } catch (error) {
      log("error", "KV state write failed", { error: String(error) });
    }
  }

  const durationMs = Math.round(finished - started);
  const snapshot: LatestSnapshot = {
    version: 1,
    tickAt,
    durationMs,
    monitors,
    kv,
    incidents: next.state,
    unsavedIncidents: unsaved,
    uptime: uptimeOf(history ?? null, scheduledTime),
    history,
    delivery,
    adminMaintenance,
    certificateTiers: certificates.tiers,
  };
  const outcome = { results, events: next.events, kv, wroteState };
  let etag: string | null = null;
  try {
    etag = await deps.latest.writeLatest(snapshot, previous.etag ? { ifMatch: previous.etag } : {});
    if (etag === null) return { kind: "conflict", ...outcome };
  } catch (error) {
    log("error", "R2 latest write failed", { error: String(error) });
  }
  for (const e of next.events) log("info", e.type, { incident: e.incidentId, monitors: e.monitorIds, reason: e.reason });

  // Only a tick whose claims were saved sends: an overlapping tick never sends the same thing twice.
  let notified = 0;
  if (etag !== null) {
    const sendDeps = { fetch: deps.probe.fetch, secret: deps.probe.secret, now: deps.probe.now };
    if (claimed.length) {
      const outcomes = await deliverClaimed(config, claimed, sendDeps, log);
      notified = [...outcomes.values()].filter((o) => o.ok).length;
      try {
        await deps.latest.writeLatest({ ...snapshot, delivery: recordOutcomes(delivery, outcomes, scheduledTime) }, { ifMatch: etag });
      } catch (error) {
        log("error", "R2 latest write after notifying failed; unconfirmed sends will not be repeated", { error: String(error) });
      }
    }
    await renewAlertmanagerLeases(config, next.state.incidents, scheduledTime, sendDeps, log);
  }
  return { kind: "done", ...outcome, wroteLatest: etag !== null, notified, durationMs };
}
