import type { Config, MaintenanceWindow, Monitor } from "../config/schema";

/** The weekly recurrence of a window: days, `HH:MM` start, duration and IANA time zone. */
export type WeeklyRecurrence = NonNullable<MaintenanceWindow["weekly"]>;
type Occurrence = { start: number; end: number };

const WEEK_MINUTES = 7 * 24 * 60;
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** One formatter per time zone for the isolate's life: making one costs far more than using it, and a tick asks often. */
const formats = new Map<string, Intl.DateTimeFormat>();

function weekClockFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formats.set(timeZone, format);
  }
  return format;
}

/** Minutes since Monday 00:00 of `ms` as a clock in `timeZone` reads it (so DST shifts the window with the clock). */
function minuteOfWeek(ms: number, timeZone: string): number {
  const parts = weekClockFormat(timeZone).formatToParts(ms);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const day = WEEKDAYS.indexOf(get("weekday").toLowerCase().slice(0, 3) as (typeof WEEKDAYS)[number]);
  return Math.max(0, day) * 1440 + Number(get("hour")) * 60 + Number(get("minute"));
}

const mod = (n: number) => ((n % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;

/** `nowMs` cut to its minute, that minute in the window's clock, and the window's starts, all as minutes of the week. */
function weekClock(weekly: WeeklyRecurrence, nowMs: number): { minuteMs: number; now: number; starts: number[] } {
  const minuteMs = Math.floor(nowMs / 60_000) * 60_000;
  const [hour, minute] = weekly.start.split(":").map(Number) as [number, number];
  const starts = weekly.days.map((day) => WEEKDAYS.indexOf(day) * 1440 + hour * 60 + minute);
  return { minuteMs, now: minuteOfWeek(minuteMs, weekly.timezone), starts };
}

/** The occurrence of a weekly window in progress at `nowMs`, in ms, or null. Counted in the window's own clock. */
function weeklyInProgress(weekly: WeeklyRecurrence, nowMs: number): Occurrence | null {
  const { minuteMs, now, starts } = weekClock(weekly, nowMs);
  // Modulo a week, so a window that starts on Sunday night and runs into Monday is still found on Monday.
  const elapsed = Math.min(...starts.map((s) => mod(now - s)));
  if (!(elapsed < weekly.durationMinutes)) return null;
  const start = minuteMs - elapsed * 60_000;
  return { start, end: start + weekly.durationMinutes * 60_000 };
}

/**
 * The occurrence of a weekly window in progress at `nowMs`, or else its next one, in ms. Counted in the window's
 * clock: when a DST change falls before the next start, the estimate is corrected by the clock's own shift.
 */
export function weeklyOccurrence(weekly: WeeklyRecurrence, nowMs: number): Occurrence {
  const current = weeklyInProgress(weekly, nowMs);
  if (current) return current;
  const { minuteMs, now, starts } = weekClock(weekly, nowMs);
  const target = starts.reduce((best, s) => (mod(s - now) < mod(best - now) ? s : best));
  let start = minuteMs + mod(target - now) * 60_000;
  const drift = mod(target - minuteOfWeek(start, weekly.timezone) + WEEK_MINUTES / 2) - WEEK_MINUTES / 2;
  start += drift * 60_000;
  return { start, end: start + weekly.durationMinutes * 60_000 };
}

/**
 * The current occurrence of a window, [start, end) in ms, or null when it is not in force. A weekly window is
 * counted in its own clock's minutes.
 */
export function activeOccurrence(window: MaintenanceWindow, nowMs: number): Occurrence | null {
  if (window.start !== undefined && window.end !== undefined) {
    const [start, end] = [Date.parse(window.start), Date.parse(window.end)];
    return nowMs >= start && nowMs < end ? { start, end } : null;
  }
  return window.weekly ? weeklyInProgress(window.weekly, nowMs) : null;
}

export function isWindowActive(window: MaintenanceWindow, nowMs: number): boolean {
  return activeOccurrence(window, nowMs) !== null;
}

export function windowCovers(window: MaintenanceWindow, monitor: Pick<Monitor, "id" | "group">): boolean {
  return (
    (window.monitors?.includes(monitor.id) ?? false) || (monitor.group !== undefined && (window.groups?.includes(monitor.group) ?? false))
  );
}

/** The active maintenance window of each monitor in it now. */
export function maintenanceNow(config: Pick<Config, "monitors" | "maintenance">, nowMs: number): Map<string, MaintenanceWindow> {
  const active = config.maintenance.filter((w) => isWindowActive(w, nowMs));
  const out = new Map<string, MaintenanceWindow>();
  for (const monitor of config.monitors) {
    const window = active.find((w) => windowCovers(w, monitor));
    if (window) out.set(monitor.id, window);
  }
  return out;
}
