/**
 * A sparse log-scale latency histogram: bucket i ≥ 1 holds latencies in [R^(i−1), R^i), bucket 0 those under 1 ms.
 * With R = 1.04 a bucket's geometric middle is within 2% of anything in it (plus rounding to the millisecond; exact
 * under 25 ms), so a day's p50/p95 come out within about 2% whatever the number of ticks, in a few hundred bytes per
 * monitor. Pure.
 */
const R = 1.04;
const LN_R = Math.log(R);

/** Flat pairs [bucket, count, ...], buckets ascending, as stored. */
export type Histogram = number[];

export function bucketOf(latencyMs: number): number {
  return latencyMs < 1 ? 0 : 1 + Math.floor(Math.log(latencyMs) / LN_R);
}

function middleOf(bucket: number): number {
  return bucket === 0 ? 0 : Math.round(R ** (bucket - 0.5));
}

/** Pairs in ascending bucket order, merged; tolerates a stored histogram that is not (a hand edit). */
function pairsOf(histogram: Histogram): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  let sorted = true;
  for (let i = 0; i + 1 < histogram.length; i += 2) {
    if (pairs.length && histogram[i]! <= pairs[pairs.length - 1]![0]) sorted = false;
    pairs.push([histogram[i]!, histogram[i + 1]!]);
  }
  if (sorted) return pairs;
  const map = new Map<number, number>();
  for (const [bucket, n] of pairs) map.set(bucket, (map.get(bucket) ?? 0) + n);
  return [...map].sort(([a], [b]) => a - b);
}

/** Two histograms added, in one pass over both. */
export function mergeHistograms(a: Histogram, b: Histogram): Histogram {
  const [x, y] = [pairsOf(a), pairsOf(b)];
  const out: Histogram = [];
  let [i, j] = [0, 0];
  while (i < x.length || j < y.length) {
    const [bx, nx] = x[i] ?? [Infinity, 0];
    const [by, ny] = y[j] ?? [Infinity, 0];
    const bucket = Math.min(bx, by);
    const n = (bx === bucket ? (i++, nx) : 0) + (by === bucket ? (j++, ny) : 0);
    if (n > 0) out.push(bucket, n);
  }
  return out;
}

/** The histogram with these latencies added. */
export function addLatencies(histogram: Histogram, latencies: readonly number[]): Histogram {
  if (latencies.length === 0) return histogram;
  const buckets = latencies.map(bucketOf).sort((a, b) => a - b);
  const added: Histogram = [];
  for (const bucket of buckets) {
    if (added[added.length - 2] === bucket) added[added.length - 1]! += 1;
    else added.push(bucket, 1);
  }
  return mergeHistograms(histogram, added);
}

/** Nearest-rank quantile (0 < q ≤ 1), estimated from the buckets and never above the exact `max`; null when empty. */
export function histogramQuantile(histogram: Histogram, q: number, max: number | null): number | null {
  const pairs = pairsOf(histogram);
  const total = pairs.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [bucket, n] of pairs) {
    seen += n;
    if (seen >= rank) return max === null ? middleOf(bucket) : Math.min(max, middleOf(bucket));
  }
  return max;
}
