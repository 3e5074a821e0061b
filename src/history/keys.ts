/** Time buckets (UTC) and the R2 keys of history objects. Pure. */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** `2026-11-28T21`: the UTC hour a time falls in. */
export function hourKeyOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 13);
}

/** `2026-11-28`: the UTC day a time falls in. */
export function dayKeyOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `2026-11`: the UTC month a day falls in. */
export function monthKeyOf(day: string): string {
  return day.slice(0, 7);
}

export function hourStartMs(hour: string): number {
  return Date.parse(`${hour}:00:00.000Z`);
}

export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

export function addDays(day: string, days: number): string {
  return dayKeyOf(dayStartMs(day) + days * DAY_MS);
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((dayStartMs(b) - dayStartMs(a)) / DAY_MS);
}

export function dayOfHour(hour: string): string {
  return hour.slice(0, 10);
}

/** The months from `first` to `last` inclusive, as `YYYY-MM`. */
export function monthsBetween(firstDay: string, lastDay: string): string[] {
  const out: string[] = [];
  let [y, m] = [Number(firstDay.slice(0, 4)), Number(firstDay.slice(5, 7))];
  const end = monthKeyOf(lastDay);
  for (let guard = 0; guard < 1_200; guard++) {
    const key = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}`;
    if (key > end) break;
    out.push(key);
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

/** The last day of a month `YYYY-MM`. */
export function lastDayOfMonth(month: string): string {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return dayKeyOf(Date.UTC(y, m, 0));
}

export const SUMMARY_KEY = "summary.json";

/** The last 24 finished hours' rollups, rewritten at each hour's end: the status page's sparklines. */
export const RECENT_KEY = "recent.json";

/** One finished hour of raw ticks and its rollup. */
export function rawHourKey(hour: string): string {
  return `raw/${dayOfHour(hour)}/${hour.slice(11, 13)}.json`;
}

/** One finished day: its rollup and its 24 hourly rollups. */
export function dayObjectKey(day: string): string {
  return `days/${day}.json`;
}

/** One month's daily rollups (at most 31). */
export function monthObjectKey(month: string): string {
  return `months/${month}.json`;
}
