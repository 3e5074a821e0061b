import type { Config, MaintenanceWindow, Severity } from "../config/schema";
import { activeOccurrence, windowCovers } from "../incidents/maintenance";
import type { Incident } from "../incidents/types";
import type { MonitorStatus } from "../probes/types";
import type { MonitorView, OverallStatus, StatusView } from "./status-view";

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
 */

export type ComponentStatus = "operational" | "degraded_performance" | "partial_outage" | "major_outage" | "under_maintenance";
export type Indicator = "none" | "minor" | "major" | "critical" | "maintenance";
export type SpIncidentStatus = "investigating" | "identified" | "monitoring" | "resolved" | "postmortem";
export type SpImpact = "none" | "minor" | "major" | "critical";

export interface SpPage {
  id: string;
  name: string;
  url: string;
  time_zone: string;
  updated_at: string;
}

export interface SpComponent {
  id: string;
  name: string;
  status: ComponentStatus;
  created_at: string;
  updated_at: string;
  position: number;
  description: string | null;
  showcase: boolean;
  start_date: string | null;
  group_id: string | null;
  page_id: string;
  group: boolean;
  only_show_if_degraded: boolean;
  /** Only on group components: the ids of their members. */
  components?: string[];
}

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

export type SpMaintenanceStatus = "scheduled" | "in_progress" | "verifying" | "completed";

export interface SpScheduledMaintenance extends Omit<SpIncident, "status" | "impact"> {
  status: SpMaintenanceStatus;
  impact: "maintenance";
  scheduled_for: string;
  scheduled_until: string;
}

export interface SpStatus {
  indicator: Indicator;
  description: string;
}

/** What every mapping needs: the config (severities, maintenance), the view, where the page lives, and now. */
export interface StatuspageInput {
  config: Config;
  view: StatusView;
  /** The origin the request came in on, e.g. `https://status.example.com`. */
  origin: string;
  nowMs: number;
}

const RANK: Record<ComponentStatus, number> = { operational: 0, under_maintenance: 1, degraded_performance: 2, partial_outage: 3, major_outage: 4 };

const INDICATOR: Record<OverallStatus, SpStatus> = {
  operational: { indicator: "none", description: "All Systems Operational" },
  degraded: { indicator: "minor", description: "Partially Degraded Service" },
  partial_outage: { indicator: "major", description: "Partial System Outage" },
  major_outage: { indicator: "critical", description: "Major System Outage" },
  maintenance: { indicator: "maintenance", description: "Service Under Maintenance" },
};

export function componentStatus(status: MonitorStatus, severity: Severity): ComponentStatus {
  switch (status) {
    case "up":
    case "unknown":
      return "operational";
    case "degraded":
      return "degraded_performance";
    case "down":
      return severity === "SEV-1" || severity === "SEV-2" ? "major_outage" : "partial_outage";
    case "maintenance":
      return "under_maintenance";
  }
}

export function statusOf(overall: OverallStatus): SpStatus {
  return { ...INDICATOR[overall] };
}

const iso = (ms: number) => new Date(ms).toISOString();

export function pageOf(input: StatuspageInput): SpPage {
  const url = new URL(input.origin);
  return { id: url.hostname, name: input.view.title, url: url.origin, time_zone: "Etc/UTC", updated_at: input.view.updatedAt ?? iso(input.nowMs) };
}

/** Group component ids: `group-<slug of the name>`, made unique against monitor ids and each other. */
function groupIds(config: Config): Map<string, string> {
  const taken = new Set(config.monitors.map((m) => m.id));
  const out = new Map<string, string>();
  for (const monitor of config.monitors) {
    const name = monitor.group;
    if (name === undefined || out.has(name)) continue;
    const slug = name.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "group";
    let id = `group-${slug}`;
    for (let n = 2; taken.has(id); n++) id = `group-${slug}-${n}`;
    taken.add(id);
    out.set(name, id);
  }
  return out;
}

/**
 * Every monitor as a component, and every group as a group component placed where its first member is, followed by
 * all its members (Statuspage lists a group and then its components). `position` counts from 1 in that order.
 * Edgewatch keeps no creation time for a monitor: `created_at` and `updated_at` are both when it entered its current
 * status (the page's time before any check).
 */
export function componentsOf(input: StatuspageInput): SpComponent[] {
  const { config, view } = input;
  const page = pageOf(input);
  const severity = new Map(config.monitors.map((m) => [m.id, m.severity]));
  const groups = groupIds(config);
  const byGroup = new Map<string, MonitorView[]>();
  for (const m of view.monitors) if (m.group !== null) byGroup.set(m.group, [...(byGroup.get(m.group) ?? []), m]);

  const monitorComponent = (m: MonitorView): Omit<SpComponent, "position"> => {
    const at = m.since ?? page.updated_at;
    return {
      id: m.id,
      name: m.name,
      status: componentStatus(m.status, severity.get(m.id) ?? "SEV-3"),
      created_at: at,
      updated_at: at,
      description: null,
      showcase: true,
      start_date: null,
      group_id: m.group === null ? null : (groups.get(m.group) ?? null),
      page_id: page.id,
      group: false,
      only_show_if_degraded: false,
    };
  };

  const out: Omit<SpComponent, "position">[] = [];
  const emitted = new Set<string>();
  for (const m of view.monitors) {
    if (m.group === null) {
      out.push(monitorComponent(m));
      continue;
    }
    if (emitted.has(m.group)) continue;
    emitted.add(m.group);
    const members = (byGroup.get(m.group) ?? []).map(monitorComponent);
    const times = members.map((c) => c.updated_at).sort();
    out.push({
      id: groups.get(m.group) ?? `group-${m.group}`,
      name: m.group,
      status: members.reduce<ComponentStatus>((worst, c) => (RANK[c.status] > RANK[worst] ? c.status : worst), "operational"),
      created_at: times[0] ?? page.updated_at,
      updated_at: times.at(-1) ?? page.updated_at,
      description: null,
      showcase: false,
      start_date: null,
      group_id: null,
      page_id: page.id,
      group: true,
      only_show_if_degraded: false,
      components: members.map((c) => c.id),
    });
    out.push(...members);
  }
  return out.map((c, i) => ({ ...c, position: i + 1 }));
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
  const impactStatus = (id: string): ComponentStatus => componentStatus(incident.impact === "minor" ? "degraded" : "down", severity.get(id) ?? incident.severity);

  let before = new Map(affected.map((c) => [c.id, "operational" as ComponentStatus]));
  const updates = incident.updates.map((u, i): SpIncidentUpdate => {
    const state = statuses[i] ?? "investigating";
    const after = new Map(affected.map((c) => [c.id, state === "resolved" ? ("operational" as const) : impactStatus(c.id)]));
    const affectedComponents = affected.map((c) => ({ code: c.id, name: c.name, old_status: before.get(c.id)!, new_status: after.get(c.id)! }));
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

// ---- scheduled maintenance, from the config's windows ----

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
    const id = `${window.id}-${iso(when.start).replace(/\.\d{3}/, "").replace(/[-:]/g, "")}`;
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
            ? affected.map((c) => ({ code: c.id, name: c.name, old_status: "operational" as const, new_status: "under_maintenance" as const }))
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
