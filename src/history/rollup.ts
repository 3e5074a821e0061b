import type { Counts, HistoryStatus, RawHour, Rollup, Rollups } from "./schemas";

/** Pure counting: status letters, counts, exact percentiles and uptime. */

export const STATUS_ORDER = ["up", "degraded", "down", "maintenance", "unknown"] as const satisfies readonly HistoryStatus[];
const LETTERS = "udxmn";

export function letterOf(status: HistoryStatus): string {
  return LETTERS[STATUS_ORDER.indexOf(status)]!;
}

/** The status of a letter; null for `-` (the monitor was not in that tick). */
export function statusOfLetter(letter: string | undefined): HistoryStatus | null {
  const index = letter ? LETTERS.indexOf(letter) : -1;
  return index < 0 ? null : STATUS_ORDER[index]!;
}

export const zeroCounts = (): Counts => [0, 0, 0, 0, 0];

/** Counts, or a rollup whose first five entries are counts. */
type CountsLike = readonly (number | null)[];

export function addCounts(a: Counts, b: CountsLike): Counts {
  return [a[0] + (b[0] ?? 0), a[1] + (b[1] ?? 0), a[2] + (b[2] ?? 0), a[3] + (b[3] ?? 0), a[4] + (b[4] ?? 0)];
}

/** Adds counts (or the count part of rollups) per monitor into `into`. */
export function addCountsInto(into: Record<string, Counts>, from: Record<string, CountsLike>): Record<string, Counts> {
  for (const [id, counts] of Object.entries(from)) into[id] = addCounts(into[id] ?? zeroCounts(), counts);
  return into;
}

/**
 * Uptime in percent with three decimals: (up + degraded) / (up + degraded + down). Maintenance and unknown ticks are
 * left out, so maintenance never counts against a monitor. Null when nothing counts.
 */
export function uptimePercent(counts: CountsLike): number | null {
  const good = (counts[0] ?? 0) + (counts[1] ?? 0);
  const total = good + (counts[2] ?? 0);
  return total === 0 ? null : Math.round((good / total) * 100_000) / 1000;
}

/** Nearest-rank percentile of sorted values (0 < q ≤ 1); null when empty. */
export function exactPercentile(sorted: ArrayLike<number>, q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]!;
}

export interface MonitorTicks {
  counts: Counts;
  latencies: number[];
}

/** The index in STATUS_ORDER of each letter's char code, -1 for any other (a `-`: not in that tick). */
const LETTER_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < LETTERS.length; i++) LETTER_INDEX[LETTERS.charCodeAt(i)] = i;

/** Per monitor the counts and latencies of an hour's raw ticks. */
export function ticksByMonitor(hour: RawHour): Map<string, MonitorTicks> {
  const out = new Map<string, MonitorTicks>();
  const ticks = hour.ticks;
  hour.ids.forEach((id, index) => {
    const counts = zeroCounts();
    const latencies: number[] = [];
    let seen = false;
    for (let t = 0; t < ticks.length; t++) {
      const [, letters, latencyList] = ticks[t]!;
      const code = letters.charCodeAt(index);
      const status = code < 128 ? LETTER_INDEX[code]! : -1;
      if (status < 0) continue;
      seen = true;
      counts[status]! += 1;
      const latency = latencyList[index];
      if (typeof latency === "number") latencies.push(latency);
    }
    if (seen) out.set(id, { counts, latencies });
  });
  return out;
}

function rollupOf(counts: Counts, sortedLatencies: ArrayLike<number>): Rollup {
  const n = sortedLatencies.length;
  return [...counts, exactPercentile(sortedLatencies, 0.5), exactPercentile(sortedLatencies, 0.95), n ? sortedLatencies[n - 1]! : null];
}

/** The hour's rollup per monitor, with exact percentiles. */
export function rollupHour(hour: RawHour): Rollups {
  const out: Rollups = {};
  // A typed array sorts numbers without a comparator call per pair.
  for (const [id, { counts, latencies }] of ticksByMonitor(hour)) out[id] = rollupOf(counts, new Float64Array(latencies).sort());
  return out;
}

export function countsOf(rollup: CountsLike | null | undefined): Counts {
  return rollup ? [rollup[0] ?? 0, rollup[1] ?? 0, rollup[2] ?? 0, rollup[3] ?? 0, rollup[4] ?? 0] : zeroCounts();
}
