import { dayKeyOf, dayOfHour, daysBetween, HOUR_MS, hourKeyOf, hourStartMs } from "../history/keys";
import { addCounts, addCountsInto, letterOf, STATUS_ORDER, uptimePercent, zeroCounts } from "../history/rollup";
import type { Counts, HistoryStatus } from "../history/schemas";
import type { Uptime } from "../history/uptime-of";
import type { CountsOf, HourCounts, UptimeSums } from "./hot-state";

/**
 * History as the writer keeps it minute by minute, pure: every monitor's shown status counted into the current hour
 * (a kept result counts too, so uptime goes by time, not by probes), and one raw point per minute for the hour's
 * archive. Everything here is O(monitors); what grows with the hour lives in rows written once and read at its end.
 */

export interface MinuteEntry {
  id: string;
  status: HistoryStatus;
  /** Measured this minute; null for a kept result or no answer. */
  latencyMs: number | null;
}

/** One minute's raw point: ms since the epoch, a status letter per monitor in the hour's `ids` order, latencies. */
export interface RawPointRow {
  t: number;
  letters: string;
  latencies: (number | null)[];
}

export interface Recorded {
  hour: HourCounts;
  point: RawPointRow;
  /** The hour this minute closed, when it started a new one. */
  finished: HourCounts | null;
}

const cleanLatency = (ms: number | null) => (typeof ms === "number" && Number.isFinite(ms) && ms >= 0 ? Math.round(ms) : null);

/** Adds a minute to the current hour, or closes that hour and opens the minute's. */
export function recordMinute(current: HourCounts | null, tickMs: number, entries: readonly MinuteEntry[]): Recorded {
  const h = hourKeyOf(tickMs);
  const finished = current && current.h !== h ? current : null;
  const hour: HourCounts = current && current.h === h ? { h, ids: [...current.ids], counts: current.counts.map((c) => [...c] as Counts) } : { h, ids: [], counts: [] };
  const index = new Map(hour.ids.map((id, i) => [id, i]));
  const letters = new Array<string>(hour.ids.length).fill("-");
  const latencies = new Array<number | null>(hour.ids.length).fill(null);
  for (const entry of entries) {
    let i = index.get(entry.id);
    if (i === undefined) {
      i = hour.ids.length;
      hour.ids.push(entry.id);
      hour.counts.push(zeroCounts());
      index.set(entry.id, i);
    }
    hour.counts[i]![STATUS_ORDER.indexOf(entry.status)]! += 1;
    letters[i] = letterOf(entry.status);
    latencies[i] = cleanLatency(entry.latencyMs);
  }
  return { hour, point: { t: tickMs, letters: letters.join(""), latencies }, finished };
}

export function countsOfHour(hour: HourCounts): CountsOf {
  const out: CountsOf = {};
  hour.ids.forEach((id, i) => (out[id] = hour.counts[i]!));
  return out;
}

/**
 * The sums after `finished` closed: today's counts gain it (or, at a day's end, become yesterday's), and the last
 * 24 finished hours are summed from `recentHours` (the stored counts of the hours before the new one, the closed one
 * included).
 */
export function closeHour(sums: UptimeSums, finished: HourCounts, newHour: string, recentHours: readonly { h: string; m: CountsOf }[]): UptimeSums {
  const day = dayOfHour(finished.h);
  const today = sums.today.d === day ? { d: day, m: addCountsInto({ ...sums.today.m }, countsOfHour(finished)) } : { d: day, m: countsOfHour(finished) };
  const oldest = hourStartMs(newHour) - 24 * HOUR_MS;
  const sum24: CountsOf = {};
  for (const row of recentHours) if (hourStartMs(row.h) >= oldest && row.h < newHour) addCountsInto(sum24, row.m);
  const newDay = dayOfHour(newHour);
  if (newDay === day) return { ...sums, today, sum24: { h: newHour, m: sum24 } };
  return { ...sums, today: { d: newDay, m: {} }, yesterday: today, sum24: { h: newHour, m: sum24 } };
}

export type DayCounts = Record<string, Counts>;

/**
 * Uptime per monitor now, and its counts so far today: the same windows as before the writer kept rows (24 h: the
 * current hour and the 24 finished ones before it; 7, 30 and 90 days: whole days, today included). O(monitors).
 */
export function uptimeNow(sums: UptimeSums, hour: HourCounts, nowMs: number): { uptime: Record<string, Uptime>; today: DayCounts } {
  const todayKey = dayKeyOf(nowMs);
  const inWindow = (day: string, days: number) => daysBetween(day, todayKey) < days;
  const sum24 = sums.sum24 && sums.sum24.h === hour.h ? sums.sum24.m : {};
  const todayDone = sums.today.d === dayOfHour(hour.h) ? sums.today.m : {};
  // Yesterday counts until the day's archive job has folded it into the complete-day sums.
  const yesterday = sums.yesterday && (!sums.windows || sums.windows.through < sums.yesterday.d) ? sums.yesterday : null;
  const windows = sums.windows;
  const uptime: Record<string, Uptime> = {};
  const today: DayCounts = {};
  const index = new Map(hour.ids.map((id, i) => [id, i]));
  for (const id of new Set([...hour.ids, ...Object.keys(todayDone), ...Object.keys(sum24)])) {
    const current = hour.counts[index.get(id) ?? -1] ?? zeroCounts();
    const day = addCounts(todayDone[id] ?? zeroCounts(), current);
    today[id] = day;
    const over = (days: number, sum: CountsOf | undefined): number | null => {
      if (!inWindow(dayOfHour(hour.h), days)) return null;
      let total = day;
      if (yesterday?.m[id] && inWindow(yesterday.d, days)) total = addCounts(total, yesterday.m[id]);
      if (windows && sum?.[id] && inWindow(windows.through, days)) total = addCounts(total, sum[id]);
      return uptimePercent(total);
    };
    uptime[id] = {
      "24h": uptimePercent(addCounts(sum24[id] ?? zeroCounts(), current)),
      "7d": over(7, windows?.d7),
      "30d": over(30, windows?.d30),
      "90d": over(90, windows?.d90),
    };
  }
  return { uptime, today };
}
