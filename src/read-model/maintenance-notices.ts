import type { Config } from "../config/schema";
import { isWindowActive, weeklyOccurrence, windowCovers } from "../incidents/maintenance";
import type { Locale } from "./locale";

/** The status page's maintenance notices. The window maths (weekly occurrences in their clock) is in src/incidents/maintenance.ts. */

export interface MaintenanceNotice {
  id: string;
  title: string;
  active: boolean;
  /** The occurrence shown: the one in progress, or the next one. */
  startsAt: string;
  endsAt: string;
  /** `Weekly on Sun at 23:30 (Europe/Berlin)`; null for one-off windows. */
  recurrence: string | null;
  monitors: string[];
}

/** Windows in progress, then those to come (one-off windows not yet started; weekly windows' next occurrence), soonest first. */
export function maintenanceNotices(config: Pick<Config, "monitors" | "maintenance">, nowMs: number, l: Locale): MaintenanceNotice[] {
  const out: MaintenanceNotice[] = [];
  for (const window of config.maintenance) {
    const active = isWindowActive(window, nowMs);
    let when: { start: number; end: number } | null = null;
    if (window.start !== undefined && window.end !== undefined) {
      if (active || Date.parse(window.start) > nowMs) when = { start: Date.parse(window.start), end: Date.parse(window.end) };
    } else if (window.weekly) {
      when = weeklyOccurrence(window.weekly, nowMs);
    }
    if (!when) continue;
    const weekly = window.weekly;
    out.push({
      id: window.id,
      title: window.title,
      active,
      startsAt: new Date(when.start).toISOString(),
      endsAt: new Date(when.end).toISOString(),
      recurrence: weekly
        ? l.t.weekly(
            weekly.days.map((d) => l.t.weekdaysShort[d]).join(", "),
            weekly.start,
            weekly.timezone,
            l.minutes(weekly.durationMinutes),
          )
        : null,
      monitors: config.monitors.filter((m) => windowCovers(window, m)).map((m) => m.name),
    });
  }
  return out.sort((a, b) => Number(b.active) - Number(a.active) || Date.parse(a.startsAt) - Date.parse(b.startsAt));
}
