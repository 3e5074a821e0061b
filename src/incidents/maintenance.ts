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

export function isWindowActive(window: MaintenanceWindow, nowMs: number): boolean {
  if (window.start !== undefined && window.end !== undefined) return nowMs >= Date.parse(window.start) && nowMs < Date.parse(window.end);
  const weekly = window.weekly;
  if (!weekly) return false;
  const now = minuteOfWeek(nowMs, weekly.timezone);
  const [hour, minute] = weekly.start.split(":").map(Number) as [number, number];
  return weekly.days.some((day) => {
    const start = (DAY_INDEX[day] ?? 0) * 1440 + hour * 60 + minute;
    // Modulo a week, so a window that starts on Sunday night and runs into Monday is still found on Monday.
    return (((now - start) % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES < weekly.durationMinutes;
  });
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
