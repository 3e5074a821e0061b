import type { Config } from "../config/schema";
import type { HistorySummary } from "../history/schemas";
import type { LatestView } from "../storage/latest-object";
import { maintenanceNotices, type MaintenanceNotice } from "./maintenance-notices";
import type { PageCarry } from "./page-carry";
import { pageIncidents, type PageIncident, type PastIncidentDay } from "./page-incidents";
import { type PageGroup, pageGroups } from "./page-monitors";
import { sparkline } from "./sparkline";
import { describeSlo } from "./format";
import type { Locale } from "./locale";
import { buildStatusView, type OverallStatus } from "./status-view";
import { uptimeBars } from "./uptime-bar";

/**
 * What the public status page shows, from the config, latest.json (with the few parts of its history carry the page
 * needs), summary.json and the time. Pure: no I/O, no clock. Like the status view, only fields picked here reach the
 * page: never a monitor's URL, host or headers unless the monitor is marked `public`.
 *
 * The parts: page-monitors.ts (monitors and groups), uptime-bar.ts, sparkline.ts, page-incidents.ts,
 * maintenance-notices.ts; format.ts has the words.
 */

export interface PageInput {
  config: Config;
  latest: LatestView | null;
  carry: PageCarry | null;
  summary: HistorySummary | null;
  nowMs: number;
  locale: Locale;
}

export type BannerState = OverallStatus | "unknown";

export interface PageView {
  title: string;
  banner: { state: BannerState; text: string };
  updatedAt: string | null;
  stale: boolean;
  /** Minutes since the last tick when stale (null when there never was one). */
  staleMinutes: number | null;
  /** Monitors the last tick could not check: said on the page, never shown as operational. */
  notChecked: number;
  groups: PageGroup[];
  /** First and last day of the uptime bars (UTC). */
  bar: { first: string; last: string };
  openIncidents: PageIncident[];
  /** Incidents resolved in the last 30 days, by the day of their start (page's zone), newest first; at most HISTORY_MAX. */
  pastIncidents: PastIncidentDay[];
  /** How many more were resolved in those 30 days. */
  pastMore: number;
  maintenance: MaintenanceNotice[];
  /** Each SLO: whose, and how it stands in words. */
  slos: { name: string; text: string }[];
}

export function buildPageView(input: PageInput): PageView {
  const { config, latest, carry, summary, nowMs, locale } = input;
  const view = buildStatusView(config, { latest, state: null }, nowMs);
  const bars = uptimeBars(summary, carry, nowMs, locale);
  const groups = pageGroups(config, view, bars.runsOf, (id) => sparkline(carry, id, nowMs, locale), locale.t);
  const names = new Map(config.monitors.map((m) => [m.id, m.name]));
  const { openIncidents, pastIncidents, pastMore } = pageIncidents(latest?.incidents ?? [], names, nowMs, locale.dayOf);

  const everyUnknown = view.monitors.every((m) => m.status === "unknown");
  const bannerState: BannerState = everyUnknown ? "unknown" : view.status;
  const updatedMs = view.updatedAt ? Date.parse(view.updatedAt) : NaN;
  return {
    title: config.title,
    banner: { state: bannerState, text: locale.t.banner[bannerState] },
    updatedAt: view.updatedAt,
    stale: view.stale,
    staleMinutes: view.stale && Number.isFinite(updatedMs) ? Math.max(0, Math.floor((nowMs - updatedMs) / 60_000)) : null,
    notChecked: view.notChecked,
    groups,
    bar: { first: bars.first, last: bars.last },
    openIncidents,
    pastIncidents,
    pastMore,
    // The config's windows and those added through the admin API (kept in latest.json).
    maintenance: maintenanceNotices(
      { monitors: config.monitors, maintenance: [...config.maintenance, ...(latest?.adminMaintenance ?? [])] },
      nowMs,
      locale,
    ),
    slos: view.slos.map((s) => ({ name: s.name, text: describeSlo(s, locale) })),
  };
}
