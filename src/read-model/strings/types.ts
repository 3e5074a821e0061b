import type { MonitorStatus } from "../../probes/types";
import type { Incident } from "../../incidents/types";

/**
 * Every string the status page shows, one table per language (en.ts, de.ts): a language that misses a key, or a
 * function that takes other arguments, does not compile. Arguments arrive formatted for the language (numbers,
 * dates), so a table only orders words. Tables hold no markup: the views escape whatever comes out.
 */

type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
/** The banner's states (status-view's OverallStatus and "unknown"), spelled out so the tables import nothing of the read model. */
type BannerState = "operational" | "degraded" | "partial_outage" | "major_outage" | "maintenance" | "unknown";
type UptimeWindow = "24h" | "7d" | "30d" | "90d";

export interface PageStrings {
  /** The BCP 47 tag: `<html lang>`, `Content-Language` and Intl's formatting. */
  lang: string;

  // ---- dates and numbers: the parts come as numbers and names, the table orders them ----
  /** Short month names, January first. */
  months: readonly string[];
  /** Full weekday names, Sunday first (as Date#getUTCDay counts). */
  weekdays: readonly string[];
  weekdaysShort: Record<Weekday, string>;
  today: string;
  /** `Nov 28`; with the year when it is not this year's. */
  date(day: number, month: string, year?: number): string;
  /** The date part of a date and time: `Nov 28`, `Jan 5 2020`. */
  dateOfDateTime(day: number, month: string, year?: number): string;
  /** `Nov 28, 21:01 UTC`. */
  dateTime(date: string, time: string): string;
  /** Days within one month: `Nov 9–24`. */
  daysInMonth(from: number, to: number, month: string, year?: number): string;
  /** `Oct 20 – Nov 7`, `21:01 to 21:31`. */
  dayToDay(from: string, to: string): string;
  longDay(weekday: string, day: number, month: string, year: number): string;
  /** A number already formatted, as a percentage: `99.5%`. */
  percent(number: string): string;
  ms(number: string): string;
  seconds(number: string): string;
  minutes(n: number): string;
  hours(n: number): string;

  // ---- the frame of every page ----
  subscribe: string;
  feedTitle: string;
  logoAlt(title: string): string;
  linksLabel: string;
  timesIn(zone: string): string;
  refreshOn: [before: string, link: string, after: string];
  refreshOff: [before: string, link: string, after: string];
  statusJson: string;
  atomFeed: string;
  allSystems: string;
  goHome: string;
  notFound: { incident: [heading: string, text: string]; monitor: [heading: string, text: string] };
  unavailable: [heading: string, text: string];

  // ---- the overall state and notices ----
  banner: Record<BannerState, string>;
  overallStatus: string;
  updated: string;
  notCheckedYet: string;
  liveStatusOf(title: string, state: string): string;
  notChecked(n: number): [headline: string, text: string];
  stale: { headline: string; never: string; ranAgo(ago: string): string };
  ago: { minutes(n: number): string; hours(n: number): string; days(n: number): string; aWhile: string };
  maintenanceLabel: string;
  maintenanceNow(title: string): string;
  maintenanceNext(title: string): string;
  until(when: string): string;
  weekly(days: string, start: string, zone: string, duration: string): string;
  affects(names: string): string;

  // ---- monitors, groups, the bar and the sparkline ----
  services: string;
  otherServices: string;
  status: Record<MonitorStatus, string>;
  groupProblems: { down(n: number): string; degraded(n: number): string; maintenance(n: number): string };
  certificate: { expired(days: number): string; today: string; expiresIn(days: number): string };
  affectedBy(name: string): [before: string, link: string];
  uptime(percent: string): string;
  noUptimeData: string;
  /** A day with ticks but none that count for uptime (only maintenance). */
  noUptime: string;
  noData: string;
  bar: { label: string; start: string; end: string };
  dayWords: { down(duration: string): string; degraded(duration: string): string; maintenance(duration: string): string };
  responseTime(window: string, range: string): string;
  last24h: string;
  thisHour: string;
  range(from: string, to: string): string;
  objectives: string;
  slo: {
    what(objective: string, window: string, latency: string | null): string;
    noMinutes(what: string): string;
    figures(what: string, attained: string, budgetLeft: string): string;
    burn(rate: string): string;
    burning(speed: "fast" | "slow"): string;
  };

  // ---- incidents ----
  activeIncidents: string;
  pastIncidents: string;
  noIncidents: string;
  moreIncidents(n: number): string;
  impact: Record<Incident["impact"], string>;
  update: Record<Incident["updates"][number]["status"], string>;
  updates: string;
  ongoing: string;
  resolved: string;
  flapping: string;
  acknowledged: string;
  runbook: string;
  since(when: string): string;
  lasted(span: string, duration: string): string;
  soFar(duration: string): string;
  firstSeen(cause: string): string;

  // ---- the page of one monitor ----
  monitorDescription(name: string): string;
  uptimeHeading: string;
  uptimeWindows: Record<UptimeWindow, string>;
  responseTimes: string;
  chart: {
    heading: Record<"24h" | "7d" | "30d", string>;
    start: Record<"24h" | "7d" | "30d", string>;
    now: string;
    p50: string;
    p95: string;
    degradedAbove(ms: string): string;
    offChart(ms: string): string;
    summary(window: string, median: string, peak: string): string;
    empty: string;
  };
  recentIncidents: string;
  data: string;
  historyJson: string;
  badge: string;
}
