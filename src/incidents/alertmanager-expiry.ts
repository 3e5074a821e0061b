import type { IncidentState } from "./transition";
import type { Incident, IncidentEvent } from "./types";

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
export function expireAlerts(state: IncidentState, nowMs: number): Expired {
  const now = new Date(nowMs).toISOString();
  const changed: Incident[] = [];
  const events: IncidentEvent[] = [];
  const incidents = state.incidents.map((incident) => {
    if (!isExpired(incident, nowMs)) return incident;
    const resolved: Incident = {
      ...incident,
      status: "resolved",
      resolvedAt: now,
      durationMs: nowMs - Date.parse(incident.startedAt),
      updates: [...incident.updates, { at: now, status: "resolved", message: `Alertmanager: the alert was not refreshed since its endsAt ${incident.alertEndsAt}; resolved as ended` }],
    };
    changed.push(resolved);
    events.push({ type: "incident.resolved", incidentId: resolved.id, monitorIds: resolved.monitorIds, reason: "resolved" });
    return resolved;
  });
  return changed.length ? { state: { ...state, incidents }, changed, events } : { state, changed, events };
}

function isExpired(incident: Incident, nowMs: number): boolean {
  if (incident.status !== "open" || incident.source !== "alertmanager" || incident.alertEndsAt === undefined) return false;
  const endsAt = Date.parse(incident.alertEndsAt);
  return Number.isFinite(endsAt) && nowMs - endsAt > ALERT_EXPIRY_GRACE_MS;
}
