import type { Monitor } from "../config/schema";
import type { IncidentChanges } from "./incident-changes";
import type { Incident, MonitorTrack } from "./types";

// A dependant (a monitor with `dependsOn`) that fails while a monitor it depends on is down is one more component of
// that monitor's incident, not an incident of its own: one page for the gateway, not one per service behind it.

/**
 * What a failing dependant does, given its parents' tracks as this tick left them (parents are judged first): join
 * the open incident a parent is in, wait while a parent fails without one yet (it is about to open), or neither.
 */
export function parentOutage(
  changes: IncidentChanges,
  parentIds: readonly string[],
  tracks: Readonly<Record<string, MonitorTrack>>,
): Incident | "wait" | null {
  for (const id of parentIds) {
    const incidentId = tracks[id]?.incidentId;
    const incident = incidentId ? changes.incidents.get(incidentId) : undefined;
    if (incident?.status === "open") return incident;
  }
  return parentIds.some((id) => (tracks[id]?.lastRaw ?? "up") !== "up") ? "wait" : null;
}

/** Whether this monitor is in the incident as a dependant that joined it, rather than as the monitor it is about. */
export function joinedAsDependant(incident: Incident, monitorId: string): boolean {
  return incident.monitorIds[0] !== monitorId && (incident.affected?.includes(monitorId) ?? false);
}

/** Adds the dependant to the parent's incident as an affected component, on its timeline only: no event, no page. */
export function joinIncident(changes: IncidentChanges, monitor: Monitor, track: MonitorTrack, found: Incident, said: string): void {
  const incident = changes.editable(found);
  if (!incident.monitorIds.includes(monitor.id)) incident.monitorIds.push(monitor.id);
  incident.affected = [...new Set([...(incident.affected ?? []), monitor.id])];
  changes.note(incident, { status: "identified", message: `Also affected: ${monitor.name} (${said})` });
  track.incidentId = incident.id;
}

/**
 * A dependant in its parent's incident: once it has been good `successThreshold` times it leaves (the incident stays
 * the parent's). While it fails it stays; when the parent's incident ends first, the dependant (judged after the
 * parent in the same tick) finds it resolved and, still failing, opens one of its own.
 */
export function followAsDependant(changes: IncidentChanges, monitor: Monitor, track: MonitorTrack, incident: Incident, said: string): void {
  if (track.lastRaw !== "up" || track.okStreak < monitor.successThreshold) return;
  changes.note(changes.editable(incident), { status: "monitoring", message: `${monitor.name} has recovered: ${said}` });
  track.incidentId = null;
  track.streakStart = null;
  track.worst = null;
}
