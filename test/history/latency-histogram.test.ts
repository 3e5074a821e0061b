import { describe, expect, it } from "vitest";
import { foldHour, rollupsOfDay } from "../../src/history/day-accumulator";
import { addLatencies, bucketOf, histogramQuantile, mergeHistograms } from "../../src/history/latency-histogram";
import { exactPercentile, uptimePercent } from "../../src/history/rollup";
import type { DayAccumulator, RawHour } from "../../src/history/schemas";
import { rng } from "../helpers/rng";

const random = rng(7);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const distributions: Record<string, () => number> = {
  uniform: () => Math.round(1 + random() * 999),
  lognormal: () => Math.round(Math.exp(4.5 + 0.6 * gaussian())),
  "fast with slow outliers": () => (random() < 0.93 ? Math.round(15 + random() * 10) : Math.round(4_000 + random() * 6_000)),
  "tiny values": () => Math.floor(random() * 20),
  constant: () => 250,
  "heavy tail": () => Math.round(20 / (1 - random()) ** 0.8),
};

/** Within 2% (half a bucket) plus rounding to the millisecond, and never more than 1 ms off for small values. */
function expectClose(estimate: number | null, exact: number | null, label: string) {
  expect(estimate, label).not.toBeNull();
  expect(Math.abs(estimate! - exact!), `${label}: ${estimate} vs ${exact}`).toBeLessThanOrEqual(Math.max(1, exact! * 0.02 + 0.5));
}

describe("latency histogram", () => {
  for (const [name, draw] of Object.entries(distributions)) {
    it(`estimates p50 and p95 within 2% of the exact values: ${name}`, () => {
      for (const n of [1, 7, 60, 1_440, 20_000]) {
        const values = Array.from({ length: n }, draw);
        const sorted = [...values].sort((a, b) => a - b);
        const max = sorted.at(-1)!;
        const histogram = addLatencies([], values);
        for (const q of [0.5, 0.95]) expectClose(histogramQuantile(histogram, q, max), exactPercentile(sorted, q), `${name} n=${n} q=${q}`);
        expect(histogramQuantile(histogram, 1, max)).toBeLessThanOrEqual(max);
      }
    });
  }

  it("merges like adding everything at once, and stays sparse", () => {
    const a = Array.from({ length: 500 }, distributions.lognormal!);
    const b = Array.from({ length: 500 }, distributions["fast with slow outliers"]!);
    expect(mergeHistograms(addLatencies([], a), addLatencies([], b))).toEqual(addLatencies([], [...a, ...b]));
    expect(addLatencies([], Array(1_000).fill(120))).toEqual([bucketOf(120), 1_000]);
  });

  it("takes a hand-edited histogram (unsorted, repeated or far-out buckets) as the sum of its pairs, and leaves nothing behind", () => {
    const far = bucketOf(1e12);
    expect(far).toBeGreaterThan(512);
    expect(mergeHistograms([40, 1, 5, 2, 40, 3], [5, 1])).toEqual([5, 3, 40, 4]);
    expect(mergeHistograms([5, 1], [far, 2])).toEqual([5, 1, far, 2]);
    expect(addLatencies([5, 1], [1e12])).toEqual([5, 1, far, 1]);
    expect(histogramQuantile([far, 1, 5, 3], 0.5, null)).toBe(histogramQuantile([5, 3, far, 1], 0.5, null));
    // Whatever the paths above summed in between, a fresh sum starts from nothing.
    expect(addLatencies([], [10])).toEqual([bucketOf(10), 1]);
    expect(mergeHistograms([], [])).toEqual([]);
  });

  it("is empty without latencies", () => {
    expect(histogramQuantile([], 0.5, null)).toBeNull();
    expect(exactPercentile([], 0.5)).toBeNull();
  });

  it("gives a day's rollup p50/p95 within 2% of exact and its max exactly, folded an hour at a time as the archive does", () => {
    const all: number[] = [];
    let day: Record<string, DayAccumulator> = {};
    for (let h = 0; h < 24; h++) {
      const hour: RawHour = { h: `2026-05-04T${String(h).padStart(2, "0")}`, ids: ["a"], ticks: [] };
      for (let m = 0; m < 60; m++) {
        const latency = distributions.lognormal!();
        all.push(latency);
        hour.ticks.push([m * 60_000, "u", [latency]]);
      }
      day = foldHour(day, hour);
    }
    const [up, , , , , p50, p95, max] = rollupsOfDay(day).a!;
    const sorted = all.sort((x, y) => x - y);
    expect(up).toBe(1_440);
    expectClose(p50, exactPercentile(sorted, 0.5), "day p50");
    expectClose(p95, exactPercentile(sorted, 0.95), "day p95");
    expect(max).toBe(sorted.at(-1));
  });
});

describe("uptimePercent", () => {
  it("counts degraded as up, leaves maintenance and unknown out, rounds to three decimals", () => {
    expect(uptimePercent([2, 1, 1, 50, 50])).toBe(75);
    expect(uptimePercent([2, 0, 1, 0, 0])).toBe(66.667);
    expect(uptimePercent([99_998, 0, 1, 0, 0])).toBe(99.999);
    expect(uptimePercent([0, 0, 0, 10, 3])).toBeNull();
    expect(uptimePercent([0, 0, 0, 0, 0])).toBeNull();
  });
});
