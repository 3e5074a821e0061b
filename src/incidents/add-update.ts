import type { Incident } from "./types";

/**
 * Updates one incident keeps: its first (what opened it) and the latest ones. A flapping monitor or a script posting
 * updates through the admin API would otherwise grow the incident, and the state every tick reads, without end.
 */
export const MAX_UPDATES = 50;

/** Appends `update` to an incident the caller owns (a copy), dropping the oldest updates after the first past the cap. */
export function addUpdate(incident: Incident, update: Incident["updates"][number]): void {
  incident.updates.push(update);
  if (incident.updates.length > MAX_UPDATES) incident.updates.splice(1, incident.updates.length - MAX_UPDATES);
}
