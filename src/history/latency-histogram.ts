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

/**
 * Buckets below this are summed in one dense scratch array (bucket 300 is 127 s, past any probe's timeout): an hour
 * folded into a day for a thousand monitors is then a pass over numbers, without a pair array per bucket. A stored
 * histogram with a bucket outside it (a hand edit) takes the general path.
 */
const DENSE = 512;
const scratch = new Float64Array(DENSE);

const denseBucket = (b: unknown): b is number => typeof b === "number" && Number.isInteger(b) && b >= 0 && b < DENSE;

/** Adds a histogram's pairs into the scratch array; false (and the scratch untouched) when one is not dense. */
function addInto(histogram: Histogram, range: { lo: number; hi: number }): boolean {
  for (let i = 0; i + 1 < histogram.length; i += 2) if (!denseBucket(histogram[i])) return false;
  for (let i = 0; i + 1 < histogram.length; i += 2) {
    const b = histogram[i]!;
    scratch[b]! += histogram[i + 1]!;
    if (b < range.lo) range.lo = b;
    if (b > range.hi) range.hi = b;
  }
  return true;
}

/** The scratch array's buckets in [lo, hi] as pairs, and the scratch cleared. */
function drain(range: { lo: number; hi: number }): Histogram {
  const out: Histogram = [];
  for (let b = range.lo; b <= range.hi; b++) {
    const n = scratch[b]!;
    if (n === 0) continue;
    if (n > 0) out.push(b, n);
    scratch[b] = 0;
  }
  return out;
}

/** Pairs in ascending bucket order, merged; tolerates a stored histogram that is not (a hand edit). */
function pairsOf(histogram: Histogram): Array<[number, number]> {
  const map = new Map<number, number>();
  for (let i = 0; i + 1 < histogram.length; i += 2) map.set(histogram[i]!, (map.get(histogram[i]!) ?? 0) + histogram[i + 1]!);
  return [...map].sort(([a], [b]) => a - b);
}

/** Histograms added, buckets ascending. */
function sumOf(histograms: readonly Histogram[]): Histogram {
  const range = { lo: DENSE, hi: -1 };
  const added: Histogram[] = [];
  for (const h of histograms) {
    if (addInto(h, range)) added.push(h);
    else {
      // Undo what the dense ones added, then merge every one by map.
      for (const done of added) for (let i = 0; i + 1 < done.length; i += 2) scratch[done[i]!] = 0;
      return pairsOf(histograms.flat()).flatMap(([b, n]) => (n > 0 ? [b, n] : []));
    }
  }
  return drain(range);
}

/** Two histograms added. */
export function mergeHistograms(a: Histogram, b: Histogram): Histogram {
  return sumOf([a, b]);
}

/** The histogram with these latencies added. */
export function addLatencies(histogram: Histogram, latencies: readonly number[]): Histogram {
  if (latencies.length === 0) return histogram;
  const buckets = latencies.map(bucketOf);
  const range = { lo: DENSE, hi: -1 };
  if (buckets.some((b) => b >= DENSE) || !addInto(histogram, range)) {
    return sumOf([histogram, buckets.flatMap((b) => [b, 1])]);
  }
  for (const b of buckets) {
    scratch[b]! += 1;
    if (b < range.lo) range.lo = b;
    if (b > range.hi) range.hi = b;
  }
  return drain(range);
}

/** Nearest-rank quantile (0 < q ≤ 1), estimated from the buckets and never above the exact `max`; null when empty. */
export function histogramQuantile(histogram: Histogram, q: number, max: number | null): number | null {
  const pairs = isAscending(histogram) ? histogram : pairsOf(histogram).flat();
  let total = 0;
  for (let i = 1; i < pairs.length; i += 2) total += pairs[i]!;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    seen += pairs[i + 1]!;
    if (seen >= rank) return max === null ? middleOf(pairs[i]!) : Math.min(max, middleOf(pairs[i]!));
  }
  return max;
}

/** Buckets strictly ascending, as this code writes them. */
function isAscending(histogram: Histogram): boolean {
  for (let i = 2; i + 1 < histogram.length; i += 2) if (!(histogram[i]! > histogram[i - 2]!)) return false;
  return true;
}
