import type { OverallStatus } from "./status-view";
import { componentsOf } from "./statuspage-components";
import { incidentsOf } from "./statuspage-incidents";
import { scheduledMaintenancesOf } from "./statuspage-maintenances";
import { pageOf, type StatuspageInput } from "./statuspage-page";

/**
 * The status view in Atlassian Statuspage's public v2 format (`/api/v2/*.json`), which widgets, aggregators and chat
 * integrations already read. Pure: the same view, origin and time always give the same documents.
 *
 * Mapping:
 * - component status: up → operational; degraded → degraded_performance; down → major_outage for SEV-1/SEV-2
 *   monitors and partial_outage for SEV-3/SEV-4; maintenance → under_maintenance; unknown (never checked) →
 *   operational, as unknown monitors count for nothing in the overall status either (Statuspage has no "unknown").
 * - a group component takes the worst status of its members.
 * - indicator, from the overall status: operational → none, degraded → minor, partial_outage → major,
 *   major_outage → critical, maintenance → maintenance (a value Statuspage pages send during maintenance, though its
 *   documentation lists only the first four).
 * - incident impact: ours is already minor / major / critical (degraded → minor; down → major, critical for SEV-1).
 *
 * The parts: statuspage-page.ts (the page and the input), statuspage-components.ts, statuspage-incidents.ts,
 * statuspage-maintenances.ts; here the overall status and the documents.
 */

export type Indicator = "none" | "minor" | "major" | "critical" | "maintenance";

export interface SpStatus {
  indicator: Indicator;
  description: string;
}

const INDICATOR: Record<OverallStatus, SpStatus> = {
  operational: { indicator: "none", description: "All Systems Operational" },
  degraded: { indicator: "minor", description: "Partially Degraded Service" },
  partial_outage: { indicator: "major", description: "Partial System Outage" },
  major_outage: { indicator: "critical", description: "Major System Outage" },
  maintenance: { indicator: "maintenance", description: "Service Under Maintenance" },
};

export function statusOf(overall: OverallStatus): SpStatus {
  return { ...INDICATOR[overall] };
}

// ---- the documents ----

export function statusDocument(input: StatuspageInput) {
  return { page: pageOf(input), status: statusOf(input.view.status) };
}

export function componentsDocument(input: StatuspageInput) {
  return { page: pageOf(input), components: componentsOf(input) };
}

export function incidentsDocument(input: StatuspageInput, which: "all" | "unresolved") {
  return { page: pageOf(input), incidents: incidentsOf(input, which) };
}

/** scheduled-maintenances.json (all Edgewatch knows of), scheduled-maintenances/upcoming.json, .../active.json. */
export function maintenancesDocument(input: StatuspageInput, which: "all" | "upcoming" | "active") {
  const all = scheduledMaintenancesOf(input);
  const status = which === "upcoming" ? "scheduled" : "in_progress";
  return { page: pageOf(input), scheduled_maintenances: which === "all" ? all : all.filter((m) => m.status === status) };
}

/** summary.json: the page, every component, the unresolved incidents, maintenance in progress or to come, the rollup. */
export function summaryDocument(input: StatuspageInput) {
  return {
    page: pageOf(input),
    components: componentsOf(input),
    incidents: incidentsOf(input, "unresolved"),
    scheduled_maintenances: scheduledMaintenancesOf(input),
    status: statusOf(input.view.status),
  };
}
