import type { Config } from "../config/schema";
import type { HistorySummary } from "../history/schemas";
import type { RawPoint, RollupPoint } from "../history/points";
import { exactPercentile } from "../history/rollup";
import type { LatestView } from "../storage/latest-object";
import { type LatencyChart, latencyChart, rawSlots, rollupSlots } from "./latency-chart";
import type { Locale } from "./locale";
import type { PageCarry } from "./page-carry";
import { type PageIncident, pageIncident } from "./page-incidents";
import { type PageMonitor, pageGroups } from "./page-monitors";
import { buildStatusView, type Uptime } from "./status-view";
import { uptimeBars } from "./uptime-bar";

/**
 * The page of one monitor (`/monitors/:id`): its state, uptime over four windows and the 90-day bar, response-time
 * charts for 24 hours, 7 days and 30 days, and its recent incidents. Pure: built from what the status page reads
 * (latest.json, given as a visitor may see it; summary.json) and the monitor's history points. Only what page-monitors
 * picks reaches it: never the monitor's URL, host or headers unless it is marked `public`.
 */

export interface MonitorPageInput {
  config: Config;
  /** The latest tick as public-view.ts leaves it for visitors. */
  latest: LatestView | null;
  carry: PageCarry | null;
  summary: HistorySummary | null;
  points: { raw: readonly RawPoint[]; hour: readonly RollupPoint[]; day: readonly RollupPoint[] };
  id: string;
  nowMs: number;
  locale: Locale;
}

export interface MonitorPageView {
  monitor: PageMonitor;
  group: string | null;
  updatedAt: string | null;
  stale: boolean;
  uptime: { window: keyof Uptime; text: string }[];
  charts: LatencyChart[];
  /** Open ones first, then the resolved, newest first; at most INCIDENTS_SHOWN. */
  incidents: PageIncident[];
}

/** The page's weight: 10 incidents of a few hundred bytes each. Older ones are in the feed and the JSON API. */
const INCIDENTS_SHOWN = 10;
const WINDOWS: (keyof Uptime)[] = ["24h", "7d", "30d", "90d"];

/** Null when the config has no such monitor. */
export function buildMonitorPageView(input: MonitorPageInput): MonitorPageView | null {
  const { config, latest, carry, summary, points, id, nowMs, locale } = input;
  const monitor = config.monitors.find((m) => m.id === id);
  if (!monitor) return null;
  const view = buildStatusView(config, { latest, state: null }, nowMs);
  const bars = uptimeBars(summary, carry, nowMs, locale);
  // The one monitor, against the whole view (a dependant's parent keeps its name).
  const [group] = pageGroups({ ...config, monitors: [monitor] }, view, bars.runsOf, () => null, locale.t);
  const shown = group!.monitors[0]!;
  const uptime = view.monitors.find((m) => m.id === id)!.uptime;
  return {
    monitor: shown,
    group: monitor.group ?? null,
    updatedAt: view.updatedAt,
    stale: view.stale,
    uptime: WINDOWS.map((window) => ({
      window,
      text: uptime[window] === null ? locale.t.noData : locale.percent(uptime[window]!),
    })),
    charts: charts(points, monitor.degradedAfterMs ?? null, nowMs, locale),
    incidents: incidentsOf(latest, config, id),
  };
}

function charts(points: MonitorPageInput["points"], degradedAfterMs: number | null, nowMs: number, locale: Locale): LatencyChart[] {
  const raw = rawSlots(points.raw, nowMs);
  return [
    latencyChart("24h", raw.slots, exactPercentile(raw.all, 0.5), degradedAfterMs, locale),
    latencyChart("7d", rollupSlots("7d", points.hour, nowMs), null, degradedAfterMs, locale),
    latencyChart("30d", rollupSlots("30d", points.day, nowMs), null, degradedAfterMs, locale),
  ];
}

/** The monitor's incidents latest.json keeps (open, and resolved in the last 30 days), each with its duration. */
function incidentsOf(latest: LatestView | null, config: Config, id: string): PageIncident[] {
  const names = new Map(config.monitors.map((m) => [m.id, m.name]));
  return (latest?.incidents ?? [])
    .filter((i) => i.monitorIds.includes(id))
    .sort((a, b) => Number(b.status === "open") - Number(a.status === "open") || Date.parse(b.startedAt) - Date.parse(a.startedAt))
    .slice(0, INCIDENTS_SHOWN)
    .map((i) => pageIncident(i, names));
}
