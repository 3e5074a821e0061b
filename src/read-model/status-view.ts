import { dependenciesOf } from "../config/dependencies";
import type { Config, Monitor } from "../config/schema";
import { RECENT_RESOLVED_MS } from "../incidents/transition";
import type { SloStatus } from "../history/slo-budget";
import type { Incident } from "../incidents/types";
import type { MonitorStatus } from "../probes/types";
import type { LatestView } from "../storage/latest-object";
import type { StateSnapshot } from "../decide/snapshot";

/** Data older than this is stale: three missed one-minute ticks. */
export const STALE_AFTER_MS = 3 * 60_000;

export type OverallStatus = "operational" | "degraded" | "partial_outage" | "major_outage" | "maintenance";

/** Percentages with three decimals over each window; null without data in it. */
export type Uptime = Record<"24h" | "7d" | "30d" | "90d", number | null>;
export const NO_UPTIME: Uptime = { "24h": null, "7d": null, "30d": null, "90d": null };

export interface MonitorView {
  id: string;
  name: string;
  type: Monitor["type"];
  group: string | null;
  status: MonitorStatus;
  latencyMs: number | null;
  checkedAt: string | null;
  since: string | null;
  message: string;
  details: Record<string, unknown>;
  uptime: Uptime;
  /** The monitors it depends on (its own `dependsOn` and its group's). */
  dependsOn: string[];
  /**
   * While it fails as an affected component of a parent's open incident: that incident and the monitor it is about.
   * Such a monitor has no incident (and sent no page) of its own.
   */
  affectedBy: { incidentId: string; monitorId: string } | null;
}

export interface StatusView {
  title: string;
  status: OverallStatus;
  updatedAt: string | null;
  stale: boolean;
  monitors: MonitorView[];
  /** Monitors the last tick could not check (its subrequests ran out, a shard failed): never counted as fine. */
  notChecked: number;
  /** Open incidents and those resolved in the last 7 days, newest first. */
  incidents: Incident[];
  /** Every SLO (a monitor's or a group's): attainment, error budget left and burn rates as of the last tick. */
  slos: SloStatus[];
}

/**
 * The public status, from the configured monitors and whatever storage had. Only fields chosen here leave the
 * Worker: never URLs, headers or other monitor settings.
 */
export function buildStatusView(
  config: Config,
  source: { latest: LatestView | null; state: StateSnapshot | null },
  nowMs: number,
): StatusView {
  const latest = source.latest;
  const fallback = latest ? null : source.state;
  const allIncidents = latest?.incidents ?? fallback?.incidents ?? [];
  const affected = affectedBy(allIncidents);
  const { parents } = dependenciesOf(config);
  const monitors = config.monitors.map((monitor): MonitorView => {
    const base = {
      id: monitor.id,
      name: monitor.name,
      type: monitor.type,
      group: monitor.group ?? null,
      uptime: latest?.uptime[monitor.id] ?? NO_UPTIME,
      dependsOn: [...(parents.get(monitor.id) ?? [])],
      affectedBy: null,
    };
    const stored = latest?.monitors[monitor.id];
    if (stored) {
      const { since, status, latencyMs, checkedAt, message, details } = stored;
      return { ...base, status, latencyMs, checkedAt, since, message, details };
    }
    const known = fallback?.monitors[monitor.id];
    if (known)
      return {
        ...base,
        status: known.status,
        latencyMs: null,
        checkedAt: known.checkedAt,
        since: known.since,
        message: known.message,
        details: {},
      };
    return { ...base, status: "unknown", latencyMs: null, checkedAt: null, since: null, message: "not checked yet", details: {} };
  });

  const updatedAt = latest?.tickAt ?? fallback?.updatedAt ?? null;
  const updatedMs = updatedAt ? Date.parse(updatedAt) : NaN;
  // Without the latest tick the view comes from the slower KV copy: say so.
  const stale = !latest || !Number.isFinite(updatedMs) || nowMs - updatedMs > STALE_AFTER_MS;
  const incidents = allIncidents.filter(
    (i) => i.status === "open" || (i.resolvedAt !== null && nowMs - Date.parse(i.resolvedAt) < RECENT_RESOLVED_MS),
  );
  // Listed as affected while it fails; once it recovered it is no longer affected by anything.
  for (const m of monitors) if (m.status === "down" || m.status === "degraded") m.affectedBy = affected.get(m.id) ?? null;
  const notChecked = monitors.filter(couldNotCheck).length;
  const slos = latest?.slos ?? [];
  return { title: config.title, status: overallStatus(config, monitors), updatedAt, stale, monitors, notChecked, incidents, slos };
}

/** The dependants listed in open incidents, by monitor, with the incident and the monitor it is about. */
function affectedBy(incidents: readonly Incident[]): Map<string, { incidentId: string; monitorId: string }> {
  const out = new Map<string, { incidentId: string; monitorId: string }>();
  for (const incident of incidents) {
    if (incident.status !== "open" || !incident.affected?.length) continue;
    for (const id of incident.affected) if (!out.has(id)) out.set(id, { incidentId: incident.id, monitorId: incident.monitorIds[0]! });
  }
  return out;
}

/** A monitor a tick had but could not probe: `unknown` with a check time (a monitor not checked yet has none). */
const couldNotCheck = (m: Pick<MonitorView, "status" | "checkedAt">) => m.status === "unknown" && m.checkedAt !== null;

/**
 * All down, or any SEV-1 monitor down: major outage. Some down: partial. Any degraded, or any monitor the last tick
 * could not check: degraded (what could not be checked is never shown as operational). Otherwise maintenance when a
 * monitor is in maintenance, else operational. A monitor not checked yet (a new one) counts for nothing.
 */
function overallStatus(config: Config, monitors: readonly MonitorView[]): OverallStatus {
  const severity = new Map(config.monitors.map((m) => [m.id, m.severity]));
  const known = monitors.filter((m) => m.status !== "unknown" && m.status !== "maintenance");
  const down = known.filter((m) => m.status === "down");
  if (down.length > 0 && (down.length === known.length || down.some((m) => severity.get(m.id) === "SEV-1"))) return "major_outage";
  if (down.length > 0) return "partial_outage";
  if (known.some((m) => m.status === "degraded") || monitors.some(couldNotCheck)) return "degraded";
  if (monitors.some((m) => m.status === "maintenance")) return "maintenance";
  return "operational";
}
