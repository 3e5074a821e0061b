import { dayKeyOf, dayOfHour, daysBetween, HOUR_MS, hourKeyOf, hourStartMs } from "../history/keys";
import { addCountsInto, letterOf, STATUS_ORDER, zeroCounts } from "../history/rollup";
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
  const hour: HourCounts =
    current && current.h === h
      ? { h, ids: [...current.ids], counts: current.counts.map((c) => [...c] as Counts) }
      : { h, ids: [], counts: [] };
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

/** How the last 24 finished hours are summed at an hour's end: shifted by one hour, or summed again from rows. */
export type Sum24Source = { kind: "shift"; dropped: CountsOf } | { kind: "sum"; rows: readonly { h: string; m: CountsOf }[] };

/** `a` plus the counts of `b`, as a new array (`b` alone when there is no `a`). */
const plus = (a: Counts | undefined, b: Counts): Counts =>
  a
    ? [a[0] + (b[0] ?? 0), a[1] + (b[1] ?? 0), a[2] + (b[2] ?? 0), a[3] + (b[3] ?? 0), a[4] + (b[4] ?? 0)]
    : [b[0] ?? 0, b[1] ?? 0, b[2] ?? 0, b[3] ?? 0, b[4] ?? 0];

const minus = (a: Counts, b: Counts): Counts => [
  Math.max(0, a[0] - (b[0] ?? 0)),
  Math.max(0, a[1] - (b[1] ?? 0)),
  Math.max(0, a[2] - (b[2] ?? 0)),
  Math.max(0, a[3] - (b[3] ?? 0)),
  Math.max(0, a[4] - (b[4] ?? 0)),
];

/**
 * The sums after `finished` closed: today's counts gain it (or, at a day's end, become yesterday's), and the last
 * 24 finished hours are the previous sum with the closed hour added and the one 25 hours back taken off (`shift`, one
 * row read), or, after a gap, summed from the stored hours (`sum`: the counts of the hours before the new one).
 * At 1,000 monitors this runs in the tick that closes an hour, so the maps are copied whole (a spread copies a map of
 * a thousand keys at once) and only values are replaced: setting a thousand new keys one by one cost 1.7 ms.
 */
export function closeHour(sums: UptimeSums, finished: HourCounts, newHour: string, source: Sum24Source): UptimeSums {
  const day = dayOfHour(finished.h);
  const m: CountsOf = sums.today.d === day ? { ...sums.today.m } : {};
  let sum24: CountsOf = {};
  const shifting = source.kind === "shift" && sums.sum24 !== null;
  if (shifting) {
    sum24 = { ...sums.sum24!.m };
    for (const id in source.dropped) {
      const had = sum24[id];
      if (had) sum24[id] = minus(had, source.dropped[id]!);
    }
  } else if (source.kind === "sum") {
    const oldest = hourStartMs(newHour) - 24 * HOUR_MS;
    for (const row of source.rows) if (hourStartMs(row.h) >= oldest && row.h < newHour) addCountsInto(sum24, row.m);
  }
  const { ids, counts } = finished;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    m[id] = plus(m[id], counts[i]!);
    if (source.kind !== "sum") sum24[id] = plus(shifting ? sum24[id] : undefined, counts[i]!);
  }
  const today = { d: day, m };
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
  // Which parts fall in each window does not depend on the monitor: decided once, not per monitor.
  const hourDay = dayOfHour(hour.h);
  const within = (days: number) => ({
    now: inWindow(hourDay, days),
    yesterday: yesterday !== null && inWindow(yesterday.d, days),
    sums: windows !== null && inWindow(windows.through, days),
  });
  const reach = { 7: within(7), 30: within(30), 90: within(90) };
  const uptime: Record<string, Uptime> = {};
  const today: DayCounts = {};
  const index = new Map(hour.ids.map((id, i) => [id, i]));
  const none = zeroCounts();
  // Plain sums of "good" (up + degraded) and "bad" (down): one pass, no arrays made per monitor and window.
  const percent = (good: number, bad: number) => (good + bad === 0 ? null : Math.round((good / (good + bad)) * 100_000) / 1000);
  for (const id of new Set([...hour.ids, ...Object.keys(todayDone), ...Object.keys(sum24)])) {
    const cur = hour.counts[index.get(id) ?? -1] ?? none;
    const done = todayDone[id] ?? none;
    today[id] = [done[0] + cur[0], done[1] + cur[1], done[2] + cur[2], done[3] + cur[3], done[4] + cur[4]];
    const dayGood = done[0] + done[1] + cur[0] + cur[1];
    const dayBad = done[2] + cur[2];
    const s24 = sum24[id] ?? none;
    const y = yesterday?.m[id] ?? none;
    const over = (days: 7 | 30 | 90, sums: CountsOf | undefined): number | null => {
      const r = reach[days];
      if (!r.now) return null;
      let good = dayGood;
      let bad = dayBad;
      if (r.yesterday) [good, bad] = [good + y[0] + y[1], bad + y[2]];
      const w = r.sums ? sums?.[id] : undefined;
      if (w) [good, bad] = [good + w[0] + w[1], bad + w[2]];
      return percent(good, bad);
    };
    uptime[id] = {
      "24h": percent(s24[0] + s24[1] + cur[0] + cur[1], s24[2] + cur[2]),
      "7d": over(7, windows?.d7),
      "30d": over(30, windows?.d30),
      "90d": over(90, windows?.d90),
    };
  }
  return { uptime, today };
}
