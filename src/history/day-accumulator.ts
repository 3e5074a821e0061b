import { addLatencies, histogramQuantile } from "./latency-histogram";
import { addCounts, ticksByMonitor, zeroCounts } from "./rollup";
import type { DayAccumulator, HistoryCarry, RawHour, Rollups } from "./schemas";

/** Folding hours into a day, and the day's rollup from that. Pure. */

const emptyAccumulator = (): DayAccumulator => ({ c: zeroCounts(), max: null, b: [] });

/** Today's accumulators with an hour's raw ticks folded in. */
export function foldHour(into: Record<string, DayAccumulator>, hour: RawHour): Record<string, DayAccumulator> {
  const out = { ...into };
  for (const [id, { counts, latencies }] of ticksByMonitor(hour)) {
    const acc = out[id] ?? emptyAccumulator();
    const max = latencies.length ? Math.max(acc.max ?? 0, ...latencies) : acc.max;
    out[id] = { c: addCounts(acc.c, counts), max, b: addLatencies(acc.b, latencies) };
  }
  return out;
}

/** Rollups from accumulators: exact counts and max, p50/p95 from the histogram. */
export function rollupsOfDay(accumulators: Record<string, DayAccumulator>): Rollups {
  const out: Rollups = {};
  for (const [id, acc] of Object.entries(accumulators)) {
    out[id] = [...acc.c, histogramQuantile(acc.b, 0.5, acc.max), histogramQuantile(acc.b, 0.95, acc.max), acc.max];
  }
  return out;
}

/** Today so far (finished hours and the current one), as rollups. */
export function todaySoFar(carry: HistoryCarry): Rollups {
  return rollupsOfDay(foldHour(carry.today.m, carry.hour));
}
