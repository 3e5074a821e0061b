import type { Config, Monitor } from "../config/schema";
import type { MonitorStatus } from "../probes/types";
import { redactUrl } from "../net/redact-url";
import type { Sparkline } from "./sparkline";
import type { PageStrings } from "./strings/types";
import type { StatusView } from "./status-view";
import type { DayRun } from "./uptime-bar";

/**
 * The status page's monitors, in their groups. Only fields picked here reach the page: never a monitor's URL, host
 * or headers unless the monitor is marked `public`. Pure.
 */

export interface PageMonitor {
  id: string;
  name: string;
  status: MonitorStatus;
  statusText: string;
  message: string;
  latencyMs: number | null;
  uptime90d: number | null;
  days: DayRun[];
  spark: Sparkline | null;
  /** Days until the certificate expires, for tls monitors. */
  tlsDaysLeft: number | null;
  /** Only for monitors marked `public`: where it points (credentials and query values removed). */
  target: string | null;
  /** A dependant failing within a parent's incident: that incident, and the name of the monitor it is about. */
  affectedBy: { incidentId: string; name: string } | null;
}

export interface PageGroup {
  name: string | null;
  monitors: PageMonitor[];
  /** The group's worst status, for its heading. */
  status: MonitorStatus;
  statusText: string;
}

const RANK: Record<MonitorStatus, number> = { unknown: 0, up: 1, maintenance: 2, degraded: 3, down: 4 };

/**
 * The config's monitors, in config order within groups in order of first appearance; ungrouped monitors last. `runsOf`
 * and `sparkOf` give a monitor's uptime bar and latency sparkline.
 */
export function pageGroups(
  config: Config,
  view: StatusView,
  runsOf: (id: string) => DayRun[],
  sparkOf: (id: string) => Sparkline | null,
  t: PageStrings,
): PageGroup[] {
  const byId = new Map(view.monitors.map((m) => [m.id, m]));
  const affectedBy = (m: StatusView["monitors"][number]) =>
    m.affectedBy && { incidentId: m.affectedBy.incidentId, name: byId.get(m.affectedBy.monitorId)?.name ?? m.affectedBy.monitorId };
  const monitors = config.monitors.map((monitor): PageMonitor & { group: string | null } => {
    const m = byId.get(monitor.id)!;
    return {
      id: m.id,
      name: m.name,
      group: m.group,
      status: m.status,
      statusText: t.status[m.status],
      message: m.message,
      latencyMs: m.latencyMs,
      uptime90d: m.uptime["90d"],
      days: runsOf(monitor.id),
      spark: sparkOf(monitor.id),
      tlsDaysLeft: tlsDaysLeft(monitor, m.details),
      target: publicTarget(monitor),
      affectedBy: affectedBy(m),
    };
  });

  const groups: PageGroup[] = [];
  for (const { group, ...monitor } of monitors) {
    let entry = groups.find((g) => g.name === group);
    if (!entry) groups.push((entry = { name: group, monitors: [], status: "unknown", statusText: "" }));
    entry.monitors.push(monitor);
  }
  for (const group of groups) {
    group.status = group.monitors.reduce<MonitorStatus>((worst, m) => (RANK[m.status] > RANK[worst] ? m.status : worst), "unknown");
    group.statusText = groupText(group, t);
  }
  // Ungrouped monitors come last, under a heading of their own, when there are groups.
  return groups.sort((a, b) => Number(a.name === null) - Number(b.name === null));
}

function groupText(group: PageGroup, t: PageStrings): string {
  const count = (s: MonitorStatus) => group.monitors.filter((m) => m.status === s).length;
  const problems = (["down", "degraded", "maintenance"] as const).flatMap((s) => (count(s) > 0 ? [t.groupProblems[s](count(s))] : []));
  if (problems.length > 0) return problems.join(", ");
  return t.status[group.status === "unknown" ? "unknown" : "up"];
}

function tlsDaysLeft(monitor: Monitor, details: Record<string, unknown>): number | null {
  if ((monitor.type as string) !== "tls") return null;
  const days = details.daysLeft;
  return typeof days === "number" && Number.isFinite(days) ? Math.floor(days) : null;
}

/** The monitor's target, only for monitors marked `public`: a URL without credentials or query values, or host:port. */
function publicTarget(monitor: Monitor): string | null {
  if (!monitor.public) return null;
  const fields = monitor as { url?: unknown; host?: unknown; port?: unknown };
  if (typeof fields.url === "string") {
    const redacted = redactUrl(fields.url);
    return redacted === "(invalid URL)" ? null : redacted;
  }
  if (typeof fields.host === "string")
    return typeof fields.port === "number" && fields.port !== 443 ? `${fields.host}:${fields.port}` : fields.host;
  return null;
}
