import type { MonitorStatus } from "../core/vocabulary";
import type { LocationReport } from "../probes/location-report";
import type { MetricsTarget } from "./metrics-targets";
import { gauge, type Labels, type Sample } from "./prometheus-format";
import type { MonitorView, StatusView } from "./status-view";
import { TYPE_FAMILIES } from "./type-metrics";

export { METRICS_CONTENT_TYPE } from "./prometheus-format";

/**
 * The status view in the Prometheus text format, in blackbox_exporter's names and habits, so that its dashboards and
 * alert rules work unchanged: every per-monitor series carries `instance` (see metrics-targets.ts: the target, or the
 * monitor's id where the target may not be shown), `monitor` (the id) and, for monitors in a group, `group`.
 * `probe_success` means what it means for blackbox: the probe passed its checks. Edgewatch's own verdict, with
 * `degraded`, is `edgewatch_monitor_status`. Pure. Nothing but ids, group names, numbers, fixed words and the
 * targets the caller chose to reveal leaves: no other URL, host or header.
 */

const STATES: readonly MonitorStatus[] = ["up", "degraded", "down", "maintenance", "unknown"];
const WINDOWS = ["24h", "7d", "30d", "90d"] as const;
const SEVERITIES = ["SEV-1", "SEV-2", "SEV-3", "SEV-4"] as const;

/** Unix seconds of an ISO time, or null. */
function seconds(iso: unknown): number | null {
  if (typeof iso !== "string") return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/** The per-location results a located monitor's details carry; anything malformed is left out. */
function locationsOf(m: MonitorView): Pick<LocationReport, "location" | "status" | "latencyMs">[] {
  const list = (m.details as { locations?: unknown }).locations;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (l): l is LocationReport =>
      typeof l?.location === "string" && typeof l?.status === "string" && (typeof l.latencyMs === "number" || l.latencyMs === null),
  );
}

/** A result the tick actually stored (not a monitor never checked, nor the KV copy without latencies and details). */
const hasResult = (m: MonitorView) => m.status !== "unknown" && m.checkedAt !== null;

/** Each SLO's objective, attainment, budget left and burn rates, labelled `slo` (a monitor's id, or `group:<name>`). */
function sloFamilies(view: StatusView): string[] {
  const objective: Sample[] = [];
  const attainment: Sample[] = [];
  const budget: Sample[] = [];
  const burn: Sample[] = [];
  for (const s of view.slos) {
    const labels = { slo: s.key };
    objective.push([labels, s.objective / 100]);
    if (s.attainment !== null) attainment.push([labels, Math.round(s.attainment * 1000) / 100_000]);
    if (s.budgetRemaining !== null) budget.push([labels, s.budgetRemaining / 100]);
    for (const [window, rate] of Object.entries(s.burnRate)) if (rate !== null) burn.push([{ ...labels, window }, rate]);
  }
  return [
    gauge("edgewatch_slo_objective_ratio", "The SLO's objective: the share of counted minutes that must be good (0 to 1).", objective),
    gauge("edgewatch_slo_attainment_ratio", "Share of counted minutes in the SLO's window that were good (0 to 1).", attainment),
    gauge(
      "edgewatch_slo_error_budget_remaining_ratio",
      "Share of the SLO window's error budget left (1 untouched, 0 spent, negative overspent).",
      budget,
    ),
    gauge("edgewatch_slo_burn_rate", "How many times the sustainable rate the error budget burns over the window.", burn),
  ];
}

/** The families some types have (dns, tcp, push, assertions, rule health), for the monitors whose last result says. */
function typedFamilies(monitors: readonly MonitorView[], targets: ReadonlyMap<string, MetricsTarget>): string[] {
  return TYPE_FAMILIES.map((f) => {
    const samples: Sample[] = [];
    for (const m of monitors.filter(hasResult)) {
      const value = f.value(m);
      if (value !== null) samples.push([labelsOf(m, targets.get(m.id)), value]);
    }
    return gauge(f.name, f.help, samples);
  });
}

/** The certificate a tls monitor read: the chain's earliest expiry, else the leaf's, in unix seconds. */
function certificateExpiry(m: MonitorView): number | null {
  if ((m.type as string) !== "tls" || !hasResult(m)) return null;
  return seconds(m.details.earliestChainExpiry) ?? seconds(m.details.notAfter);
}

/**
 * Every certificate Edgewatch knows, for every monitor that meets it: a tls monitor's own, and, by TLS endpoint
 * (`host:port`), the earliest one read there for the other monitors of that endpoint (an https http monitor of the
 * host a tls monitor reads), so blackbox's "certificate expires soon" alert covers them under their own `instance`.
 */
function certificateExpiries(monitors: readonly MonitorView[], targets: ReadonlyMap<string, MetricsTarget>): Map<string, number> {
  const own = new Map<string, number>();
  const byEndpoint = new Map<string, number>();
  for (const m of monitors) {
    const expiry = certificateExpiry(m);
    if (expiry === null) continue;
    own.set(m.id, expiry);
    const endpoint = targets.get(m.id)?.tlsEndpoint;
    if (endpoint) byEndpoint.set(endpoint, Math.min(expiry, byEndpoint.get(endpoint) ?? Infinity));
  }
  const out = new Map<string, number>();
  for (const m of monitors) {
    const endpoint = targets.get(m.id)?.tlsEndpoint;
    const expiry = own.get(m.id) ?? (endpoint ? byEndpoint.get(endpoint) : undefined);
    if (expiry !== undefined) out.set(m.id, expiry);
  }
  return out;
}

type PerMonitor = Record<
  "success" | "duration" | "httpStatus" | "certExpiry" | "status" | "maintenance" | "uptime" | "locationSuccess" | "locationDuration",
  Sample[]
>;

/** The per-monitor families, in the order /metrics lists them: name, HELP text, and where their samples are. */
const PER_MONITOR: [string, string, keyof PerMonitor][] = [
  [
    "probe_success",
    "Whether the last probe passed all its checks (status up): 1, else 0 (degraded, down, in maintenance, not checked this tick). Absent before the first check.",
    "success",
  ],
  ["probe_duration_seconds", "How long the last probe took, in seconds.", "duration"],
  ["probe_http_status_code", "HTTP status code of the last probe's response; 0 when there was none.", "httpStatus"],
  [
    "probe_ssl_earliest_cert_expiry",
    "Earliest expiry of the certificates served at the monitor's TLS endpoint (read by a tls monitor of that host and port), in unix seconds.",
    "certExpiry",
  ],
  [
    "edgewatch_location_probe_success",
    "Per location of a monitor probed from several: 1 when the probe there passed all its checks, else 0; absent when that location did not answer.",
    "locationSuccess",
  ],
  [
    "edgewatch_location_probe_duration_seconds",
    "Per location of a monitor probed from several: how long its last probe took, in seconds.",
    "locationDuration",
  ],
  ["edgewatch_monitor_status", "The monitor's current status: 1 for the status it has, 0 for the others.", "status"],
  ["edgewatch_monitor_maintenance", "1 while the monitor is in a maintenance window, else 0.", "maintenance"],
  ["edgewatch_uptime_ratio", "Share of counted ticks the monitor was up or degraded in the window (0 to 1).", "uptime"],
];

/** One monitor's samples, added to each family. */
function addMonitor(out: PerMonitor, m: MonitorView, labels: Labels, certExpiry: number | undefined): void {
  // blackbox's meaning: 1 only when the probe passed its checks. Degraded, down and a result hidden by maintenance
  // are 0; the series stays (absent() alerts would fire otherwise) from the first check on.
  if (m.checkedAt !== null) out.success.push([labels, m.status === "up" ? 1 : 0]);
  if (hasResult(m) && m.latencyMs !== null) out.duration.push([labels, m.latencyMs / 1000]);
  if (hasResult(m) && m.type === "http" && "statusCode" in m.details) {
    const code = m.details.statusCode;
    out.httpStatus.push([labels, typeof code === "number" ? code : 0]);
  }
  if (certExpiry !== undefined) out.certExpiry.push([labels, certExpiry]);
  for (const s of STATES) out.status.push([{ ...labels, status: s }, m.status === s ? 1 : 0]);
  out.maintenance.push([labels, m.status === "maintenance" ? 1 : 0]);
  // Per region for monitors probed from several: which one sees an outage. No colo label: it moves between ticks.
  for (const l of hasResult(m) ? locationsOf(m) : []) {
    if (l.status === "unknown") continue;
    out.locationSuccess.push([{ ...labels, location: l.location }, l.status === "up" ? 1 : 0]);
    if (l.latencyMs !== null) out.locationDuration.push([{ ...labels, location: l.location }, l.latencyMs / 1000]);
  }
  for (const w of WINDOWS) {
    const percent = m.uptime[w];
    if (percent !== null && Number.isFinite(percent)) out.uptime.push([{ ...labels, window: w }, Math.round(percent * 1000) / 100_000]);
  }
}

function labelsOf(m: MonitorView, target: MetricsTarget | undefined): Labels {
  const labels: Labels = { instance: target?.instance ?? m.id, monitor: m.id };
  if (m.group !== null) labels.group = m.group;
  return labels;
}

/** `targets` names each monitor's `instance` (metricsTargets); a monitor missing from it is named by its id. */
export function metricsText(view: StatusView, targets: ReadonlyMap<string, MetricsTarget> = new Map()): string {
  const out: PerMonitor = {
    success: [],
    duration: [],
    httpStatus: [],
    certExpiry: [],
    status: [],
    maintenance: [],
    uptime: [],
    locationSuccess: [],
    locationDuration: [],
  };
  const expiries = certificateExpiries(view.monitors, targets);
  for (const m of view.monitors) addMonitor(out, m, labelsOf(m, targets.get(m.id)), expiries.get(m.id));

  const open = view.incidents.filter((i) => i.status === "open");
  const incidents: Sample[] = SEVERITIES.map((severity) => [{ severity }, open.filter((i) => i.severity === severity).length]);
  const lastTick = seconds(view.updatedAt);
  return `${[
    ...PER_MONITOR.map(([name, help, key]) => gauge(name, help, out[key])),
    ...typedFamilies(view.monitors, targets),
    gauge("edgewatch_incidents_open", "Open incidents, by severity.", incidents),
    gauge(
      "edgewatch_last_tick_timestamp_seconds",
      "When the last completed tick ran, in unix seconds.",
      lastTick === null ? [] : [[{}, lastTick]],
    ),
    gauge("edgewatch_data_stale", "1 when the last tick is over 3 minutes old, missing, or only the KV copy could be read.", [
      [{}, view.stale ? 1 : 0],
    ]),
    ...sloFamilies(view),
  ].join("\n")}\n`;
}
