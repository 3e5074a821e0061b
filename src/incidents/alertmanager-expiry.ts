import type { IncidentState } from "./transition";
import type { Incident, IncidentEvent } from "./types";
import { addUpdate } from "./add-update";

/**
 * How long past its alert's `endsAt` an Alertmanager incident stays open without a refresh: room for a re-send that
 * is late (group_interval, a retry, a slow tick) before the alert is taken to have ended unseen.
 */
export const ALERT_EXPIRY_GRACE_MS = 5 * 60_000;

export interface Expired {
  state: IncidentState;
  changed: Incident[];
  events: IncidentEvent[];
}

/**
 * Resolves open Alertmanager incidents whose alert has not been refreshed past its `endsAt` and the grace: if
 * Alertmanager died or its route changed, no resolved send will ever come, and the incident must not stay open for
 * ever. Incidents without an `endsAt` (the alert gave none) never expire. Pure; returns the same state when nothing
 * expired, so the tick's usual case copies nothing.
 */
export function expireAlerts(state: IncidentState, nowMs: number, refreshWithinMs: number): Expired {
  const now = new Date(nowMs).toISOString();
  const changed: Incident[] = [];
  const events: IncidentEvent[] = [];
  const incidents = state.incidents.map((incident) => {
    const why = expiry(incident, nowMs, refreshWithinMs);
    if (!why) return incident;
    const resolved: Incident = {
      ...incident,
      status: "resolved",
      resolvedAt: now,
      durationMs: nowMs - Date.parse(incident.startedAt),
      updates: [...incident.updates],
    };
    addUpdate(resolved, { at: now, status: "resolved", message: `Alertmanager: ${why}; resolved as ended` });
    changed.push(resolved);
    events.push({ type: "incident.resolved", incidentId: resolved.id, monitorIds: resolved.monitorIds, reason: "resolved" });
    return resolved;
  });
  return changed.length ? { state: { ...state, incidents }, changed, events } : { state, changed, events };
}

/**
 * Why an open Alertmanager incident has ended unseen, or null: its alert's `endsAt` passed (and the grace) without a
 * refresh, or no firing send came for `refreshWithinMs` (Alertmanager sends firing alerts without an end, repeating
 * them every `repeat_interval`). An incident stored before sends were timed has no `alertSeenAt` until the next one.
 */
function expiry(incident: Incident, nowMs: number, refreshWithinMs: number): string | null {
  if (incident.status !== "open" || incident.source !== "alertmanager") return null;
  const endsAt = incident.alertEndsAt === undefined ? NaN : Date.parse(incident.alertEndsAt);
  if (Number.isFinite(endsAt) && nowMs - endsAt > ALERT_EXPIRY_GRACE_MS)
    return `the alert was not refreshed since its endsAt ${incident.alertEndsAt}`;
  const seenAt = incident.alertSeenAt === undefined ? NaN : Date.parse(incident.alertSeenAt);
  if (Number.isFinite(seenAt) && nowMs - seenAt > refreshWithinMs) return `the alert was not sent again since ${incident.alertSeenAt}`;
  return null;
}
