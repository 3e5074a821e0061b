import { activeOccurrence, windowCovers } from "../incidents/maintenance";
import { componentsOf } from "./statuspage-components";
import type { SpIncident } from "./statuspage-incidents";
import { iso, pageOf, type StatuspageInput } from "./statuspage-page";

/**
 * Scheduled maintenance in Statuspage's shape, from the config's windows (the window maths is in
 * src/incidents/maintenance.ts). Pure.
 */

export type SpMaintenanceStatus = "scheduled" | "in_progress" | "verifying" | "completed";

export interface SpScheduledMaintenance extends Omit<SpIncident, "status" | "impact"> {
  status: SpMaintenanceStatus;
  impact: "maintenance";
  scheduled_for: string;
  scheduled_until: string;
}

/**
 * Windows in progress now (`in_progress`) and one-off windows still to come (`scheduled`), soonest first. Weekly
 * windows are listed only while they run. Their ids name the window and the occurrence's start.
 */
export function scheduledMaintenancesOf(input: StatuspageInput): SpScheduledMaintenance[] {
  const page = pageOf(input);
  const components = componentsOf(input);
  const out: SpScheduledMaintenance[] = [];
  for (const window of input.config.maintenance) {
    const current = activeOccurrence(window, input.nowMs);
    const active = current !== null;
    const upcoming = !active && window.start !== undefined && window.end !== undefined && Date.parse(window.start) > input.nowMs;
    const when = current ?? (upcoming ? { start: Date.parse(window.start!), end: Date.parse(window.end!) } : null);
    if (!when) continue;
    const covered = new Set(input.config.monitors.filter((m) => windowCovers(window, m)).map((m) => m.id));
    const affected = components.filter((c) => !c.group && covered.has(c.id));
    const id = `${window.id}-${iso(when.start)
      .replace(/\.\d{3}/, "")
      .replace(/[-:]/g, "")}`;
    const status: SpMaintenanceStatus = active ? "in_progress" : "scheduled";
    const at = iso(Math.min(when.start, input.nowMs));
    out.push({
      id,
      name: window.title,
      status,
      created_at: at,
      updated_at: at,
      monitoring_at: null,
      resolved_at: null,
      impact: "maintenance",
      shortlink: `${page.url}/`,
      started_at: iso(when.start),
      page_id: page.id,
      incident_updates: [
        {
          id: `${id}-u0`,
          status,
          body: window.title,
          incident_id: id,
          created_at: at,
          updated_at: at,
          display_at: at,
          affected_components: affected.length
            ? affected.map((c) => ({
                code: c.id,
                name: c.name,
                old_status: "operational" as const,
                new_status: "under_maintenance" as const,
              }))
            : null,
        },
      ],
      components: affected,
      scheduled_for: iso(when.start),
      scheduled_until: iso(when.end),
    });
  }
  return out.sort((a, b) => Date.parse(a.scheduled_for) - Date.parse(b.scheduled_for));
}
