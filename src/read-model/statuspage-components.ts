import type { Config, Severity } from "../config/schema";
import type { MonitorStatus } from "../probes/types";
import { describeSlo } from "./format";
import type { MonitorView } from "./status-view";
import { pageOf, type StatuspageInput } from "./statuspage-page";

/** Monitors and groups as Statuspage components; the status mapping is listed in statuspage.ts. Pure. */

export type ComponentStatus = "operational" | "degraded_performance" | "partial_outage" | "major_outage" | "under_maintenance";

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

const RANK: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
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

/** Group component ids: `group-<slug of the name>`, made unique against monitor ids and each other. */
function groupIds(config: Config): Map<string, string> {
  const taken = new Set(config.monitors.map((m) => m.id));
  const out = new Map<string, string>();
  for (const monitor of config.monitors) {
    const name = monitor.group;
    if (name === undefined || out.has(name)) continue;
    const slug =
      name
        .normalize("NFKD")
        .replace(/\p{M}/gu, "")
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "") || "group";
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
  // Statuspage has no field for an objective: its component description carries it.
  const sloOf = (key: string) => {
    const slo = view.slos.find((s) => s.key === key);
    return slo ? `SLO: ${describeSlo(slo)}` : null;
  };
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
      description: sloOf(m.id),
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
      description: sloOf(`group:${m.group}`),
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
