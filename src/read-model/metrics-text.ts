import type { MonitorStatus } from "../probes/types";
import type { LocationReport } from "../probes/location-report";
import type { MonitorView, StatusView } from "./status-view";
import { TYPE_FAMILIES } from "./type-metrics";

/**
 * The status view in the Prometheus text exposition format 0.0.4, with blackbox_exporter's metric names so existing
 * dashboards and alert rules keep working. Every per-monitor series is labelled `monitor` (the id) and, for monitors
 * in a group, `group`. Pure. Nothing but ids, group names, numbers and fixed words leaves: no URL, host or header.
 */

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Record<string, string>;
type Sample = [labels: Labels, value: number];

const STATES: readonly MonitorStatus[] = ["up", "degraded", "down", "maintenance", "unknown"];
const WINDOWS = ["24h", "7d", "30d", "90d"] as const;
const SEVERITIES = ["SEV-1", "SEV-2", "SEV-3", "SEV-4"] as const;

/** A label value: backslash, double quote and line feed escaped, as the format requires. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text: backslash and line feed escaped. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function family(name: string, help: string, samples: readonly Sample[]): string {
  const lines = [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} gauge`];
  for (const [labels, value] of samples) {
    const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
    lines.push(`${name}${pairs.length ? `{${pairs.join(",")}}` : ""} ${formatValue(value)}`);
  }
  return lines.join("\n");
}

const labelsOf = (m: MonitorView): Labels => (m.group === null ? { monitor: m.id } : { monitor: m.id, group: m.group });

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

/** The families some types have, for the monitors whose last result says. */
function typedFamilies(monitors: readonly MonitorView[]): string[] {
  return TYPE_FAMILIES.map((f) => {
    const samples: Sample[] = [];
    for (const m of monitors.filter(hasResult)) {
      const value = f.value(m);
      if (value !== null) samples.push([labelsOf(m), value]);
    }
    return family(f.name, f.help, samples);
  });
}

export function metricsText(view: StatusView): string {
  const monitors = view.monitors;
  const success: Sample[] = [];
  const duration: Sample[] = [];
  const httpStatus: Sample[] = [];
  const certExpiry: Sample[] = [];
  const state: Sample[] = [];
  const uptime: Sample[] = [];
  const locationSuccess: Sample[] = [];
  const locationDuration: Sample[] = [];

  for (const m of monitors) {
    const labels = labelsOf(m);
    // In maintenance the probe still ran, but its verdict is not kept: no probe_success rather than a guess.
    if (m.status === "up" || m.status === "degraded" || m.status === "down") success.push([labels, m.status === "down" ? 0 : 1]);
    if (hasResult(m) && m.latencyMs !== null) duration.push([labels, m.latencyMs / 1000]);
    if (hasResult(m) && m.type === "http" && "statusCode" in m.details) {
      const code = m.details.statusCode;
      httpStatus.push([labels, typeof code === "number" ? code : 0]);
    }
    if (hasResult(m) && (m.type as string) === "tls") {
      const expiry = seconds(m.details.earliestChainExpiry) ?? seconds(m.details.notAfter);
      if (expiry !== null) certExpiry.push([labels, expiry]);
    }
    for (const s of STATES) state.push([{ ...labels, state: s }, m.status === s ? 1 : 0]);
    // Per region for monitors probed from several: which one sees an outage. No colo label: it moves between ticks.
    for (const l of hasResult(m) && m.status !== "maintenance" ? locationsOf(m) : []) {
      if (l.status === "unknown") continue;
      locationSuccess.push([{ ...labels, location: l.location }, l.status === "down" ? 0 : 1]);
      if (l.latencyMs !== null) locationDuration.push([{ ...labels, location: l.location }, l.latencyMs / 1000]);
    }
    for (const w of WINDOWS) {
      const percent = m.uptime[w];
      if (percent !== null && Number.isFinite(percent)) uptime.push([{ ...labels, window: w }, Math.round(percent * 1000) / 100_000]);
    }
  }

  const typed = typedFamilies(monitors);
  const open = view.incidents.filter((i) => i.status === "open");
  const incidents: Sample[] = SEVERITIES.map((severity) => [{ severity }, open.filter((i) => i.severity === severity).length]);
  const lastTick = seconds(view.updatedAt);

  return (
    [
      family(
        "probe_success",
        "Whether the last probe succeeded: 1 when up or degraded, 0 when down; absent in maintenance or before the first check.",
        success,
      ),
      family("probe_duration_seconds", "How long the last probe took, in seconds.", duration),
      family("probe_http_status_code", "HTTP status code of the last probe's response; 0 when there was none.", httpStatus),
      family("probe_ssl_earliest_cert_expiry", "Earliest expiry of the certificates the server sent, in unix seconds.", certExpiry),
      ...typed,
      family(
        "edgewatch_location_probe_success",
        "Per location of a monitor probed from several: 1 when up or degraded there, 0 when down; absent when that location did not answer.",
        locationSuccess,
      ),
      family(
        "edgewatch_location_probe_duration_seconds",
        "Per location of a monitor probed from several: how long its last probe took, in seconds.",
        locationDuration,
      ),
      family("edgewatch_monitor_status", "The monitor's current status: 1 for its state, 0 for the others.", state),
      family("edgewatch_uptime_ratio", "Share of counted ticks the monitor was up or degraded in the window (0 to 1).", uptime),
      family("edgewatch_incidents_open", "Open incidents, by severity.", incidents),
      family(
        "edgewatch_last_tick_timestamp_seconds",
        "When the last completed tick ran, in unix seconds.",
        lastTick === null ? [] : [[{}, lastTick]],
      ),
      family("edgewatch_data_stale", "1 when the last tick is over 3 minutes old, missing, or only the KV copy could be read.", [
        [{}, view.stale ? 1 : 0],
      ]),
    ].join("\n") + "\n"
  );
}
