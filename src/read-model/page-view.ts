import type { Config, MaintenanceWindow, Monitor } from "../config/schema";
import { isWindowActive, windowCovers } from "../incidents/maintenance";
import type { Incident } from "../incidents/types";
import { addDays, dayKeyOf, HOUR_MS, hourKeyOf, hourStartMs } from "../history/keys";
import { uptimePercent } from "../history/rollup";
import type { Counts, HistorySummary } from "../history/schemas";
import type { MonitorStatus } from "../probes/types";
import { redactUrl } from "../probes/redact-url";
import type { LatestView } from "../storage/latest-object";
import { buildStatusView, type OverallStatus } from "./status-view";

/**
 * What the public status page shows, from the config, latest.json (with the few parts of its history carry the page
 * needs), summary.json and the time. Pure: no I/O, no clock. Like the status view, only fields picked here reach the
 * page: never a monitor's URL, host or headers unless the monitor is marked `public`.
 */

export const BAR_DAYS = 90;
/** Resolved incidents listed under "Past incidents": those of the last 30 days, at most 15 (the page's weight). */
export const HISTORY_DAYS = 30;
export const HISTORY_MAX = 15;
const DAY_MS = 24 * HOUR_MS;

/** The parts of latest.json's `history` carry the page reads (see src/http/page-data.ts). */
export interface PageCarry {
  /** The current hour: its monitor ids and raw ticks `[ms into the hour, status letters, latencies]`. */
  hour: { h: string; ids: string[]; ticks: [number, string, (number | null)[]][] };
  /** Finished hours (oldest first), per monitor `[up, degraded, down, maintenance, unknown, p50, p95, max]`. */
  hours: { h: string; m: Record<string, readonly (number | null)[]> }[];
  /** Today's finished hours folded together, per monitor: `c` the five counts. */
  today: { d: string; m: Record<string, { c: Counts }> };
}

export interface PageInput {
  config: Config;
  latest: LatestView | null;
  carry: PageCarry | null;
  summary: HistorySummary | null;
  nowMs: number;
}

export type BannerState = OverallStatus | "unknown";
export type DayState = "up" | "degraded" | "down" | "maintenance" | "none";

/** A run of days in the uptime bar: one day, or consecutive days alike (all fully up, or all without data). */
export interface DayRun {
  /** Index of the first day (0 = 89 days ago, 89 = today) and how many days the run covers. */
  start: number;
  days: number;
  state: DayState;
  /** Uptime in percent over the run; null without data. */
  uptime: number | null;
  /** Date and uptime in words: the cell's hover text and what a screen reader says. */
  label: string;
}

export interface Sparkline {
  /** Points in [0, 1] × [0, 1] (y up), null where there is no data; evenly spaced. */
  points: (number | null)[];
  /** Median latency of the newest point, and the range drawn. */
  lastMs: number | null;
  minMs: number;
  maxMs: number;
  label: string;
}

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
}

export interface PageGroup {
  name: string | null;
  monitors: PageMonitor[];
  /** The group's worst status, for its heading. */
  status: MonitorStatus;
  statusText: string;
}

export interface PageUpdate {
  at: string;
  status: Incident["updates"][number]["status"];
  message: string;
}

export interface PageIncident {
  id: string;
  title: string;
  status: Incident["status"];
  impact: Incident["impact"];
  severity: Incident["severity"];
  flapping: boolean;
  acknowledged: boolean;
  startedAt: string;
  resolvedAt: string | null;
  durationMs: number | null;
  cause: string;
  /** Names of the affected monitors that the config still has. */
  monitors: string[];
  /** Newest first. */
  updates: PageUpdate[];
}

export interface MaintenanceNotice {
  id: string;
  title: string;
  active: boolean;
  /** The occurrence shown: the one in progress, or the next one. */
  startsAt: string;
  endsAt: string;
  /** `Weekly on Sun at 23:30 (Europe/Berlin)`; null for one-off windows. */
  recurrence: string | null;
  monitors: string[];
}

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
  /** Incidents resolved in the last 30 days, by UTC day of their start, newest first; at most HISTORY_MAX. */
  pastIncidents: { day: string; incidents: PageIncident[] }[];
  /** How many more were resolved in those 30 days. */
  pastMore: number;
  maintenance: MaintenanceNotice[];
}

export const STATUS_TEXT: Record<MonitorStatus, string> = {
  up: "Operational",
  degraded: "Degraded",
  down: "Down",
  maintenance: "Maintenance",
  unknown: "No data",
};

export const BANNER_TEXT: Record<BannerState, string> = {
  operational: "All systems operational",
  degraded: "Degraded performance",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
  maintenance: "Maintenance in progress",
  unknown: "No data yet",
};

const RANK: Record<MonitorStatus, number> = { unknown: 0, up: 1, maintenance: 2, degraded: 3, down: 4 };

export function buildPageView(input: PageInput): PageView {
  const { config, latest, carry, summary, nowMs } = input;
  const view = buildStatusView(config, { latest, state: null }, nowMs);
  const today = dayKeyOf(nowMs);
  const first = addDays(today, 1 - BAR_DAYS);
  const countsByDay = dayCounts(summary, carry, first);

  const byId = new Map(view.monitors.map((m) => [m.id, m]));
  const monitors = config.monitors.map((monitor): PageMonitor & { group: string | null } => {
    const m = byId.get(monitor.id)!;
    return {
      id: m.id,
      name: m.name,
      group: m.group,
      status: m.status,
      statusText: STATUS_TEXT[m.status],
      message: m.message,
      latencyMs: m.latencyMs,
      uptime90d: m.uptime["90d"],
      days: dayRuns(countsByDay(monitor.id), first, today),
      spark: sparkline(carry, monitor.id, nowMs),
      tlsDaysLeft: tlsDaysLeft(monitor, m.details),
      target: publicTarget(monitor),
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
    group.statusText = groupText(group);
  }
  // Ungrouped monitors come last, under a heading of their own, when there are groups.
  groups.sort((a, b) => Number(a.name === null) - Number(b.name === null));

  const names = new Map(config.monitors.map((m) => [m.id, m.name]));
  const incidents = latest?.incidents ?? [];
  const openIncidents = incidents
    .filter((i) => i.status === "open")
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))
    .map((i) => pageIncident(i, names));
  const past = incidents
    .filter((i) => i.status === "resolved" && i.resolvedAt !== null && nowMs - Date.parse(i.resolvedAt) < HISTORY_DAYS * DAY_MS)
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
  const pastIncidents: PageView["pastIncidents"] = [];
  for (const incident of past.slice(0, HISTORY_MAX)) {
    const day = incident.startedAt.slice(0, 10);
    const last = pastIncidents.at(-1);
    if (last?.day === day) last.incidents.push(pageIncident(incident, names));
    else pastIncidents.push({ day, incidents: [pageIncident(incident, names)] });
  }

  const everyUnknown = view.monitors.every((m) => m.status === "unknown");
  const bannerState: BannerState = everyUnknown ? "unknown" : view.status;
  const updatedMs = view.updatedAt ? Date.parse(view.updatedAt) : NaN;
  return {
    title: config.title,
    banner: { state: bannerState, text: BANNER_TEXT[bannerState] },
    updatedAt: view.updatedAt,
    stale: view.stale,
    staleMinutes: view.stale && Number.isFinite(updatedMs) ? Math.max(0, Math.floor((nowMs - updatedMs) / 60_000)) : null,
    notChecked: view.notChecked,
    groups,
    bar: { first, last: today },
    openIncidents,
    pastIncidents,
    pastMore: Math.max(0, past.length - HISTORY_MAX),
    // The config's windows and those added through the admin API (kept in latest.json).
    maintenance: maintenanceNotices({ monitors: config.monitors, maintenance: [...config.maintenance, ...(latest?.adminMaintenance ?? [])] }, nowMs),
  };
}

function groupText(group: PageGroup): string {
  const count = (s: MonitorStatus) => group.monitors.filter((m) => m.status === s).length;
  const parts = [
    [count("down"), "down"],
    [count("degraded"), "degraded"],
    [count("maintenance"), "in maintenance"],
  ] as const;
  const problems = parts.filter(([n]) => n > 0).map(([n, word]) => `${n} ${word}`);
  if (problems.length > 0) return problems.join(", ");
  return group.status === "unknown" ? "No data" : "Operational";
}

export function pageIncident(incident: Incident, names: ReadonlyMap<string, string>): PageIncident {
  return {
    id: incident.id,
    title: incident.title,
    status: incident.status,
    impact: incident.impact,
    severity: incident.severity,
    flapping: incident.flapping,
    acknowledged: incident.acknowledgedAt !== null,
    startedAt: incident.startedAt,
    resolvedAt: incident.resolvedAt,
    durationMs: incident.durationMs,
    cause: incident.cause.message,
    monitors: incident.monitorIds.flatMap((id) => names.get(id) ?? []),
    updates: [...incident.updates].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).map(({ at, status, message }) => ({ at, status, message })),
  };
}

// ---- the 90-day bar ----

/** Per monitor, the counts of each of the 90 days (index 0 = 89 days ago): the summary's days, and the carry's today. */
function dayCounts(summary: HistorySummary | null, carry: PageCarry | null, first: string): (id: string) => (Counts | null)[] {
  const firstMs = Date.parse(`${first}T00:00:00Z`);
  const indexOf = (day: string) => Math.round((Date.parse(`${day}T00:00:00Z`) - firstMs) / DAY_MS);
  return (id) => {
    const out: (Counts | null)[] = new Array(BAR_DAYS).fill(null);
    const entry = summary?.monitors[id];
    if (summary && entry) {
      summary.days.forEach((day, i) => {
        const index = indexOf(day);
        if (index >= 0 && index < BAR_DAYS) out[index] = entry.counts[i] ?? null;
      });
    }
    if (carry) {
      // The carry's day: its finished hours plus the ticks of the current hour when that hour is in the same day.
      const index = indexOf(carry.today.d);
      if (index >= 0 && index < BAR_DAYS) {
        let counts: Counts | null = carry.today.m[id]?.c ?? null;
        if (carry.hour.h.startsWith(carry.today.d)) {
          const current = hourCounts(carry.hour, id);
          if (current) counts = counts ? (counts.map((c, k) => c + current[k]!) as Counts) : current;
        }
        if (counts) out[index] = counts;
      }
    }
    return out;
  };
}

const LETTERS = "udxmn";

function hourCounts(hour: PageCarry["hour"], id: string): Counts | null {
  const column = hour.ids.indexOf(id);
  if (column < 0) return null;
  const counts: Counts = [0, 0, 0, 0, 0];
  let seen = false;
  for (const [, letters] of hour.ticks) {
    const k = LETTERS.indexOf(letters[column] ?? "-");
    if (k < 0) continue;
    counts[k]! += 1;
    seen = true;
  }
  return seen ? counts : null;
}

export function dayState(counts: Counts | null): DayState {
  if (!counts) return "none";
  if (counts[2] > 0) return "down";
  if (counts[1] > 0) return "degraded";
  if (counts[3] > 0) return "maintenance";
  return counts[0] > 0 ? "up" : "none";
}

/** The 90 days as runs: days with a problem stand alone; consecutive days fully up, or without data, merge. */
export function dayRuns(days: readonly (Counts | null)[], first: string, today: string): DayRun[] {
  const runs: (DayRun & { counts: Counts })[] = [];
  days.forEach((counts, index) => {
    const state = dayState(counts);
    const last = runs.at(-1);
    if (last && (state === "up" || state === "none") && last.state === state) {
      last.days += 1;
      if (counts) last.counts = last.counts.map((c, k) => c + counts[k]!) as Counts;
      return;
    }
    runs.push({ start: index, days: 1, state, uptime: null, label: "", counts: counts ? ([...counts] as Counts) : [0, 0, 0, 0, 0] });
  });
  return runs.map(({ counts, ...run }) => {
    const uptime = run.state === "none" ? null : uptimePercent(counts);
    const from = addDays(first, run.start);
    const to = addDays(first, run.start + run.days - 1);
    const when = run.days === 1 ? dayName(from, today) : dayRange(from, to, today);
    return { ...run, uptime, label: `${when}: ${dayWords(run.state, uptime, counts)}` };
  });
}

function dayWords(state: DayState, uptime: number | null, counts: Counts): string {
  if (state === "none") return "no data";
  const words = [uptime === null ? "no uptime data" : `${formatPercent(uptime)} uptime`];
  // One tick a minute: ticks are minutes.
  if (counts[2] > 0) words.push(`${formatMinutes(counts[2])} down`);
  if (counts[1] > 0) words.push(`${formatMinutes(counts[1])} degraded`);
  if (counts[3] > 0) words.push(`${formatMinutes(counts[3])} maintenance`);
  return words.join(", ");
}

// ---- the latency sparkline ----

/**
 * Median latency per hour over the last 24 hours (the finished hours' p50, and the current hour's ticks). With fewer
 * than two such hours (a new deployment), the current hour's ticks one by one instead.
 */
export function sparkline(carry: PageCarry | null, id: string, nowMs: number): Sparkline | null {
  if (!carry) return null;
  const currentHour = hourKeyOf(nowMs);
  const slots = 25;
  const firstSlotMs = hourStartMs(currentHour) - (slots - 1) * HOUR_MS;
  const hourly: (number | null)[] = new Array(slots).fill(null);
  const put = (hour: string, value: number | null | undefined) => {
    const slot = Math.round((hourStartMs(hour) - firstSlotMs) / HOUR_MS);
    if (slot >= 0 && slot < slots && typeof value === "number") hourly[slot] = value;
  };
  for (const hour of carry.hours) put(hour.h, hour.m[id]?.[5]);
  const column = carry.hour.ids.indexOf(id);
  const ticks = column < 0 ? [] : carry.hour.ticks.map(([, , latencies]) => latencies[column] ?? null);
  const current = ticks.filter((v): v is number => typeof v === "number").sort((a, b) => a - b);
  if (current.length > 0) put(carry.hour.h, current[Math.ceil(current.length / 2) - 1]);

  const useHours = hourly.filter((v) => v !== null).length >= 2;
  const values = useHours ? hourly : ticks;
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return null;
  const minMs = Math.min(...known);
  const maxMs = Math.max(...known);
  // From zero, so that a few milliseconds of jitter do not look like a storm.
  const top = maxMs > 0 ? maxMs * 1.1 : 1;
  const lastMs = [...values].reverse().find((v): v is number => v !== null) ?? null;
  const window = useHours ? "24 h" : "this hour";
  const range = minMs === maxMs ? formatMs(minMs) : `${formatMs(minMs)} to ${formatMs(maxMs)}`;
  return {
    points: values.map((v) => (v === null ? null : v / top)),
    lastMs,
    minMs,
    maxMs,
    label: `Response time, ${window}: ${range}`,
  };
}

// ---- tls and public targets ----

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
  if (typeof fields.host === "string") return typeof fields.port === "number" && fields.port !== 443 ? `${fields.host}:${fields.port}` : fields.host;
  return null;
}

// ---- maintenance windows ----

const WEEK_MINUTES = 7 * 24 * 60;
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const WEEKDAY_NAMES: Record<string, string> = { mon: "Mon", tue: "Tue", wed: "Wed", thu: "Thu", fri: "Fri", sat: "Sat", sun: "Sun" };

function minuteOfWeek(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const day = WEEKDAYS.indexOf(get("weekday").toLowerCase().slice(0, 3) as (typeof WEEKDAYS)[number]);
  return Math.max(0, day) * 1440 + Number(get("hour")) * 60 + Number(get("minute"));
}

/**
 * The occurrence of a weekly window in progress at `nowMs`, or else its next one, in ms. Counted in the window's
 * clock: when a DST change falls before the next start, the estimate is corrected by the clock's own shift.
 */
export function weeklyOccurrence(weekly: NonNullable<MaintenanceWindow["weekly"]>, nowMs: number): { start: number; end: number } {
  const minuteMs = Math.floor(nowMs / 60_000) * 60_000;
  const now = minuteOfWeek(minuteMs, weekly.timezone);
  const [hour, minute] = weekly.start.split(":").map(Number) as [number, number];
  const starts = weekly.days.map((day) => WEEKDAYS.indexOf(day) * 1440 + hour * 60 + minute);
  const mod = (n: number) => ((n % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
  const elapsed = Math.min(...starts.map((s) => mod(now - s)));
  if (elapsed < weekly.durationMinutes) {
    const start = minuteMs - elapsed * 60_000;
    return { start, end: start + weekly.durationMinutes * 60_000 };
  }
  const target = starts.reduce((best, s) => (mod(s - now) < mod(best - now) ? s : best));
  let start = minuteMs + mod(target - now) * 60_000;
  const drift = mod(target - minuteOfWeek(start, weekly.timezone) + WEEK_MINUTES / 2) - WEEK_MINUTES / 2;
  start += drift * 60_000;
  return { start, end: start + weekly.durationMinutes * 60_000 };
}

/** Windows in progress, then those to come (one-off windows not yet started; weekly windows' next occurrence), soonest first. */
export function maintenanceNotices(config: Pick<Config, "monitors" | "maintenance">, nowMs: number): MaintenanceNotice[] {
  const out: MaintenanceNotice[] = [];
  for (const window of config.maintenance) {
    const active = isWindowActive(window, nowMs);
    let when: { start: number; end: number } | null = null;
    if (window.start !== undefined && window.end !== undefined) {
      if (active || Date.parse(window.start) > nowMs) when = { start: Date.parse(window.start), end: Date.parse(window.end) };
    } else if (window.weekly) {
      when = weeklyOccurrence(window.weekly, nowMs);
    }
    if (!when) continue;
    const weekly = window.weekly;
    out.push({
      id: window.id,
      title: window.title,
      active,
      startsAt: new Date(when.start).toISOString(),
      endsAt: new Date(when.end).toISOString(),
      recurrence: weekly
        ? `Weekly on ${weekly.days.map((d) => WEEKDAY_NAMES[d]).join(", ")} at ${weekly.start} (${weekly.timezone}) for ${formatMinutes(weekly.durationMinutes)}`
        : null,
      monitors: config.monitors.filter((m) => windowCovers(window, m)).map((m) => m.name),
    });
  }
  return out.sort((a, b) => Number(b.active) - Number(a.active) || Date.parse(a.startsAt) - Date.parse(b.startsAt));
}

// ---- words ----

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function monthDay(day: string): string {
  return `${MONTHS[Number(day.slice(5, 7)) - 1]} ${Number(day.slice(8, 10))}`;
}

/** `Nov 28`, with the year when it is not `today`'s; `Today` for today. */
export function dayName(day: string, today: string): string {
  if (day === today) return "Today";
  return day.slice(0, 4) === today.slice(0, 4) ? monthDay(day) : `${monthDay(day)}, ${day.slice(0, 4)}`;
}

/** `Nov 9–24` within a month, `Oct 20 – Nov 7` across months, `Nov 26 – Today`. */
export function dayRange(from: string, to: string, today: string): string {
  if (from.slice(0, 7) === to.slice(0, 7) && to !== today) {
    const end = Number(to.slice(8, 10));
    return from.slice(0, 4) === today.slice(0, 4) ? `${monthDay(from)}–${end}` : `${monthDay(from)}–${end}, ${from.slice(0, 4)}`;
  }
  return `${dayName(from, today)} – ${dayName(to, today)}`;
}

/** Percent for people: `100%` only when exactly so; otherwise rounded down to two decimals, so 99.999 is `99.99%`. */
export function formatPercent(value: number): string {
  if (value >= 100) return "100%";
  if (value <= 0) return "0%";
  return `${(Math.floor(value * 100) / 100).toFixed(2)}%`;
}

export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function formatDuration(ms: number): string {
  return formatMinutes(Math.max(0, Math.round(ms / 60_000)));
}

/** `21:01 UTC`. */
export function formatTime(iso: string): string {
  return `${iso.slice(11, 16)} UTC`;
}

/** `Nov 28, 21:01 UTC`, with the year when it is not the current one. */
export function formatDateTime(iso: string, nowMs: number): string {
  const day = iso.slice(0, 10);
  const year = day.slice(0, 4) === dayKeyOf(nowMs).slice(0, 4) ? "" : ` ${day.slice(0, 4)}`;
  return `${monthDay(day)}${year}, ${formatTime(iso)}`;
}

/** `Saturday, Nov 28, 2026`: a day heading. */
export function longDay(day: string): string {
  const weekday = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][new Date(`${day}T00:00:00Z`).getUTCDay()];
  return `${weekday}, ${monthDay(day)}, ${day.slice(0, 4)}`;
}
