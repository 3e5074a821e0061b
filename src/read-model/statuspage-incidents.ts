import type { Incident } from "../incidents/types";
import { type ComponentStatus, componentsOf, componentStatus, type SpComponent } from "./statuspage-components";
import { pageOf, type StatuspageInput } from "./statuspage-page";

/** Incidents in Statuspage's shape; our impact is already minor / major / critical. See statuspage.ts. Pure. */

export type SpIncidentStatus = "investigating" | "identified" | "monitoring" | "resolved" | "postmortem";
export type SpImpact = "none" | "minor" | "major" | "critical";

export interface SpAffectedComponent {
  code: string;
  name: string;
  old_status: ComponentStatus;
  new_status: ComponentStatus;
}

export interface SpIncidentUpdate {
  id: string;
  status: string;
  body: string;
  incident_id: string;
  created_at: string;
  updated_at: string;
  display_at: string;
  affected_components: SpAffectedComponent[] | null;
}

export interface SpIncident {
  id: string;
  name: string;
  status: SpIncidentStatus;
  created_at: string;
  updated_at: string;
  monitoring_at: string | null;
  resolved_at: string | null;
  impact: SpImpact;
  shortlink: string;
  started_at: string;
  page_id: string;
  incident_updates: SpIncidentUpdate[];
  components: SpComponent[];
}

const SP_STATUS = new Set<string>(["investigating", "identified", "monitoring", "resolved"]);

/** Where an incident stands after each of its updates: our `update` keeps the status before it. */
function statusesOf(incident: Incident): SpIncidentStatus[] {
  let current: SpIncidentStatus = "investigating";
  return incident.updates.map((u) => {
    if (SP_STATUS.has(u.status)) current = u.status as SpIncidentStatus;
    return current;
  });
}

/**
 * One incident in Statuspage's shape. `started_at` is the first failing tick; `created_at` the tick that opened the
 * incident (its first update). Updates are newest first, as Statuspage lists them; an update's affected components
 * go from the status before it to the status the incident's impact means (operational once resolved).
 */
export function incidentOf(incident: Incident, input: StatuspageInput, components: readonly SpComponent[]): SpIncident {
  const page = pageOf(input);
  const severity = new Map(input.config.monitors.map((m) => [m.id, m.severity]));
  const affected = components.filter((c) => !c.group && incident.monitorIds.includes(c.id));
  const statuses = statusesOf(incident);
  const status: SpIncidentStatus = incident.status === "resolved" ? "resolved" : (statuses.at(-1) ?? "investigating");
  const impactStatus = (id: string): ComponentStatus =>
    componentStatus(incident.impact === "minor" ? "degraded" : "down", severity.get(id) ?? incident.severity);

  let before = new Map(affected.map((c) => [c.id, "operational" as ComponentStatus]));
  const updates = incident.updates.map((u, i): SpIncidentUpdate => {
    const state = statuses[i] ?? "investigating";
    const after = new Map(affected.map((c) => [c.id, state === "resolved" ? ("operational" as const) : impactStatus(c.id)]));
    const affectedComponents = affected.map((c) => ({
      code: c.id,
      name: c.name,
      old_status: before.get(c.id)!,
      new_status: after.get(c.id)!,
    }));
    before = after;
    return {
      id: `${incident.id}-u${i}`,
      status: state,
      body: u.message,
      incident_id: incident.id,
      created_at: u.at,
      updated_at: u.at,
      display_at: u.at,
      affected_components: affectedComponents.length ? affectedComponents : null,
    };
  });

  const first = incident.updates[0]?.at ?? incident.startedAt;
  const last = incident.updates.at(-1)?.at ?? incident.resolvedAt ?? first;
  return {
    id: incident.id,
    name: incident.title,
    status,
    created_at: first,
    updated_at: last,
    monitoring_at: incident.updates.find((u) => u.status === "monitoring")?.at ?? null,
    resolved_at: incident.resolvedAt,
    impact: incident.impact,
    shortlink: `${page.url}/incidents/${encodeURIComponent(incident.id)}`,
    started_at: incident.startedAt,
    page_id: page.id,
    incident_updates: updates.reverse(),
    components: affected,
  };
}

export function incidentsOf(input: StatuspageInput, which: "all" | "unresolved"): SpIncident[] {
  const components = componentsOf(input);
  return input.view.incidents
    .filter((i) => which === "all" || i.status === "open")
    .map((i) => incidentOf(i, input, components))
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
}
