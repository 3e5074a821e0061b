import type { Config, MaintenanceWindow, Monitor } from "../config/schema";

const WEEK_MINUTES = 7 * 24 * 60;
const DAY_INDEX: Record<string, number> = { mon: 0, tue: 1, wed: 2, thu: 3, fri: 4, sat: 5, sun: 6 };

/** Minutes since Monday 00:00 of `nowMs` as a clock in `timeZone` reads it (so DST shifts the window with the clock). */
function minuteOfWeek(nowMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(nowMs);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const day = DAY_INDEX[get("weekday").toLowerCase().slice(0, 3)] ?? 0;
  return day * 1440 + Number(get("hour")) * 60 + Number(get("minute"));
}

/**
 * The current occurrence of a window, [start, end) in ms, or null when it is not in force. A weekly window is
 * counted in its own clock's minutes.
 */
export function activeOccurrence(window: MaintenanceWindow, nowMs: number): { start: number; end: number } | null {
  if (window.start !== undefined && window.end !== undefined) {
    const [start, end] = [Date.parse(window.start), Date.parse(window.end)];
    return nowMs >= start && nowMs < end ? { start, end } : null;
  }
  const weekly = window.weekly;
  if (!weekly) return null;
  const now = minuteOfWeek(nowMs, weekly.timezone);
  const [hour, minute] = weekly.start.split(":").map(Number) as [number, number];
  // Modulo a week, so a window that starts on Sunday night and runs into Monday is still found on Monday.
  const elapsed = Math.min(...weekly.days.map((day) => (((now - ((DAY_INDEX[day] ?? 0) * 1440 + hour * 60 + minute)) % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES));
  if (!(elapsed < weekly.durationMinutes)) return null;
  const start = Math.floor(nowMs / 60_000) * 60_000 - elapsed * 60_000;
  return { start, end: start + weekly.durationMinutes * 60_000 };
}

export function isWindowActive(window: MaintenanceWindow, nowMs: number): boolean {
  return activeOccurrence(window, nowMs) !== null;
}

export function windowCovers(window: MaintenanceWindow, monitor: Pick<Monitor, "id" | "group">): boolean {
  return (window.monitors?.includes(monitor.id) ?? false) || (monitor.group !== undefined && (window.groups?.includes(monitor.group) ?? false));
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
