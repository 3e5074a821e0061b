import type { Config, Severity } from "../config/schema";
import { incidentId } from "./incident-id";
import type { IncidentState } from "./transition";
import type { Impact, Incident, IncidentEvent } from "./types";
import { addUpdate } from "./add-update";

export type ActionResult =
  | { ok: true; state: IncidentState; incident: Incident; event: IncidentEvent }
  | { ok: false; status: 404 | 409; error: string };

type UpdateStatus = Incident["updates"][number]["status"];

/** Applies a change to one incident of the live state (pure). */
function change(
  state: IncidentState,
  id: string,
  nowMs: number,
  apply: (incident: Incident, now: string) => { reason: string; type?: IncidentEvent["type"] } | string,
): ActionResult {
  const found = state.incidents.find((i) => i.id === id);
  if (!found) return { ok: false, status: 404, error: `no open or recent incident ${id}` };
  const incident = structuredClone(found);
  const outcome = apply(incident, new Date(nowMs).toISOString());
  if (typeof outcome === "string") return { ok: false, status: 409, error: outcome };
  const incidents = state.incidents.map((i) => (i.id === id ? incident : i));
  return {
    ok: true,
    state: { ...state, incidents },
    incident,
    event: { type: outcome.type ?? "incident.updated", incidentId: id, monitorIds: incident.monitorIds, reason: outcome.reason },
  };
}

export function acknowledge(state: IncidentState, id: string, by: string, nowMs: number): ActionResult {
  return change(state, id, nowMs, (incident, now) => {
    if (incident.status !== "open") return "the incident is resolved";
    if (incident.acknowledgedAt) return `already acknowledged by ${incident.acknowledgedBy ?? "someone"}`;
    incident.acknowledgedAt = now;
    incident.acknowledgedBy = by;
    addUpdate(incident, { at: now, status: "identified", message: `Acknowledged by ${by}` });
    return { reason: `acknowledged by ${by}` };
  });
}

export function postUpdate(
  state: IncidentState,
  id: string,
  status: Exclude<UpdateStatus, "resolved">,
  message: string,
  nowMs: number,
): ActionResult {
  return change(state, id, nowMs, (incident, now) => {
    if (incident.status !== "open") return "the incident is resolved";
    addUpdate(incident, { at: now, status, message });
    return { reason: "update posted" };
  });
}

/**
 * Resolves an incident by hand. For a monitor's incident the monitor's streak starts over, so a monitor that is
 * still failing opens a new incident (with a new id) after its threshold instead of reviving this one.
 */
export function resolveByHand(state: IncidentState, id: string, by: string, message: string | undefined, nowMs: number): ActionResult {
  const result = change(state, id, nowMs, (incident, now) => {
    if (incident.status !== "open") return "the incident is already resolved";
    incident.status = "resolved";
    incident.resolvedAt = now;
    incident.durationMs = nowMs - Date.parse(incident.startedAt);
    addUpdate(incident, { at: now, status: "resolved", message: message ?? `Resolved by ${by}` });
    return { reason: `resolved by ${by}`, type: "incident.resolved" };
  });
  if (!result.ok) return result;
  const tracks = { ...result.state.tracks };
  for (const monitorId of result.incident.monitorIds) {
    const track = tracks[monitorId];
    if (track?.incidentId === id) tracks[monitorId] = { ...track, incidentId: null, failStreak: 0, streakStart: null, worst: null };
  }
  return { ...result, state: { ...result.state, tracks } };
}

export interface ManualIncident {
  monitorIds: string[];
  title: string;
  message: string;
  impact: Impact;
  severity?: Severity | undefined;
  by: string;
}

/** Opens an incident by hand on chosen monitors; only a person resolves it. */
export function openManual(state: IncidentState, config: Config, input: ManualIncident, nowMs: number): ActionResult {
  const now = new Date(nowMs).toISOString();
  const monitors = config.monitors.filter((m) => input.monitorIds.includes(m.id));
  const severities = monitors.map((m) => m.severity);
  const runbook = monitors.find((m) => m.runbook)?.runbook;
  const severity = input.severity ?? ([...severities].sort()[0] as Severity | undefined) ?? "SEV-3";
  const incident: Incident = {
    id: incidentId(`manual-${input.monitorIds[0]}`.slice(0, 64), now),
    monitorIds: input.monitorIds,
    title: input.title,
    severity,
    impact: input.impact,
    status: "open",
    flapping: false,
    startedAt: now,
    resolvedAt: null,
    durationMs: null,
    cause: { message: input.message, phase: "manual" },
    updates: [{ at: now, status: "investigating", message: input.message }],
    acknowledgedAt: null,
    acknowledgedBy: null,
    source: "manual",
    ...(runbook ? { runbook } : {}),
  };
  if (state.incidents.some((i) => i.id === incident.id)) return { ok: false, status: 409, error: `incident ${incident.id} already exists` };
  return {
    ok: true,
    state: { ...state, incidents: [incident, ...state.incidents] },
    incident,
    event: { type: "incident.opened", incidentId: incident.id, monitorIds: incident.monitorIds, reason: "opened" },
  };
}
