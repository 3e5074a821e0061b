import { describe, expect, it } from "vitest";
import { advanceHistory, MAX_PENDING_HOURS, MAX_TICKS_PER_HOUR } from "../../src/history/advance-history";
import { HOUR_MS } from "../../src/history/keys";
import { HistoryCarry, HistoryCarryField, type HistoryStatus, type TickSample } from "../../src/history/schemas";
import { LatestSnapshot } from "../../src/storage/snapshot";
import { rng } from "../helpers/rng";

const T0 = Date.parse("2026-03-10T09:00:00Z");
const MIN = 60_000;

function sample(atMs: number, monitors: Record<string, [HistoryStatus, number | null]>): TickSample {
  const out: TickSample["monitors"] = {};
  for (const [id, [status, latencyMs]] of Object.entries(monitors)) out[id] = { status, latencyMs };
  return { tickAt: new Date(atMs).toISOString(), monitors: out };
}

/** Feeds samples in order; returns the last result and every emitted key. */
function feed(carry: HistoryCarry | null, samples: TickSample[]) {
  const emitted: string[] = [];
  let last = advanceHistory(carry, samples[0]!);
  for (const [i, s] of samples.entries()) {
    if (i > 0) last = advanceHistory(last.carry, s);
    if (last.emitted.hour) emitted.push(last.emitted.hour);
    if (last.emitted.day) emitted.push(last.emitted.day);
  }
  return { ...last, emittedAll: emitted };
}


describe("advanceHistory", () => {
  it("starts from nothing and keeps ticks compactly: ids once, a status letter and a latency per monitor", () => {
    const { carry, emitted, ignored } = advanceHistory(null, sample(T0 + 5_000, { a: ["up", 12.4], b: ["down", null] }));
    expect(ignored).toBeNull();
    expect(emitted).toEqual({ hour: null, day: null });
    expect(carry!.hour).toEqual({ h: "2026-03-10T09", ids: ["a", "b"], ticks: [[5_000, "ux", [12, null]]] });
    expect(carry!.today).toEqual({ d: "2026-03-10", m: {} });
    const next = advanceHistory(carry, sample(T0 + MIN, { a: ["degraded", 30], b: ["maintenance", 7], c: ["unknown", null] }));
    expect(next.carry!.hour.ids).toEqual(["a", "b", "c"]);
    expect(next.carry!.hour.ticks[1]).toEqual([MIN, "dmn", [30, 7, null]]);
  });

  it("finishes the hour when a tick lands in the next one: raw ticks plus a rollup with exact percentiles", () => {
    const latencies = Array.from({ length: 60 }, (_, i) => i + 1); // 1..60 ms
    const samples = latencies.map((l, i) => sample(T0 + i * MIN, { a: [i < 3 ? "down" : i < 5 ? "maintenance" : "up", l] }));
    samples.push(sample(T0 + HOUR_MS, { a: ["up", 5] }));
    const { carry, emitted } = feed(null, samples);
    expect(emitted).toEqual({ hour: "raw/2026-03-10/09.json", day: null });
    const object = carry!.pending.hours[0]!;
    expect(object.h).toBe("2026-03-10T09");
    expect(object.ticks).toHaveLength(60);
    // 55 up, 3 down, 2 maintenance; nearest-rank p50 of 1..60 is 30, p95 is 57.
    expect(object.rollup.a).toEqual([55, 0, 3, 2, 0, 30, 57, 60]);
    expect(carry!.hours).toEqual([{ h: "2026-03-10T09", m: { a: [55, 0, 3, 2, 0, 30, 57, 60] } }]);
    expect(carry!.today.m.a!.c).toEqual([55, 0, 3, 2, 0]);
    expect(carry!.today.m.a!.max).toBe(60);
    expect(carry!.hour).toEqual({ h: "2026-03-10T10", ids: ["a"], ticks: [[0, "u", [5]]] });
  });

  it("finishes the day at the first tick of the next: the day's rollup and its 24 hourly rollups", () => {
    const day = Date.parse("2026-03-10T00:00:00Z");
    const samples = Array.from({ length: 1440 }, (_, i) => sample(day + i * MIN, { a: ["up", 100 + (i % 50)], b: [i % 10 === 0 ? "down" : "up", null] }));
    samples.push(sample(day + 1440 * MIN, { a: ["up", 1] }));
    const { carry, emitted, emittedAll } = feed(null, samples);
    expect(emitted).toEqual({ hour: "raw/2026-03-10/23.json", day: "days/2026-03-10.json" });
    expect(emittedAll.filter((k) => k.startsWith("raw/"))).toHaveLength(24);
    const object = carry!.pending.days[0]!;
    expect(object.d).toBe("2026-03-10");
    expect(object.hours.map((h) => h.h)).toEqual(Array.from({ length: 24 }, (_, h) => `2026-03-10T${String(h).padStart(2, "0")}`));
    expect(object.rollup.a!.slice(0, 5)).toEqual([1440, 0, 0, 0, 0]);
    expect(object.rollup.a![7]).toBe(149);
    expect(object.rollup.b).toEqual([1296, 0, 144, 0, 0, null, null, null]);
    expect(carry!.today).toEqual({ d: "2026-03-11", m: {} });
    expect(carry!.hours).toHaveLength(24);
    expect(carry!.hours[0]!.h).toBe("2026-03-10T00");
  });

  it("tolerates gaps: hours without ticks and whole days missed", () => {
    const first = feed(null, [sample(T0 + 10 * MIN, { a: ["up", 10] }), sample(T0 + 3 * HOUR_MS, { a: ["down", 20] })]);
    expect(first.emittedAll).toEqual(["raw/2026-03-10/09.json"]);
    expect(first.carry!.hours.map((h) => h.h)).toEqual(["2026-03-10T09"]);

    const later = advanceHistory(first.carry, sample(Date.parse("2026-03-12T03:30:00Z"), { a: ["up", 30] }));
    expect(later.emitted).toEqual({ hour: "raw/2026-03-10/12.json", day: "days/2026-03-10.json" });
    const day = later.carry!.pending.days[0]!;
    expect(day.hours.map((h) => h.h)).toEqual(["2026-03-10T09", "2026-03-10T12"]);
    expect(day.rollup.a).toEqual([1, 0, 1, 0, 0, 10, 20, 20]);
    // Nothing in the last 24 hours but the current hour; today is the tick's day.
    expect(later.carry!.hours).toEqual([]);
    expect(later.carry!.today).toEqual({ d: "2026-03-12", m: {} });
    expect(later.carry!.hour.h).toBe("2026-03-12T03");
  });

  it("ignores a duplicate tick and one for an hour already finished, leaving the carry as it was", () => {
    const { carry } = feed(null, [sample(T0, { a: ["up", 1] }), sample(T0 + HOUR_MS, { a: ["up", 2] })]);
    const duplicate = advanceHistory(carry, sample(T0 + HOUR_MS, { a: ["down", 3] }));
    expect(duplicate.ignored).toMatch(/duplicate/);
    expect(duplicate.carry).toEqual(carry);
    const older = advanceHistory(carry, sample(T0 + 30 * MIN, { a: ["down", 3] }));
    expect(older.ignored).toMatch(/before the current hour/);
    expect(older.carry).toEqual(carry);
    expect(older.emitted).toEqual({ hour: null, day: null });
  });

  it("puts a late tick of the current hour in order", () => {
    const { carry } = feed(null, [sample(T0 + 2 * MIN, { a: ["up", 2] }), sample(T0 + 5 * MIN, { a: ["up", 5] }), sample(T0 + 3 * MIN, { a: ["down", 3] })]);
    expect(carry!.hour.ticks.map(([at, s]) => [at / MIN, s])).toEqual([[2, "u"], [3, "x"], [5, "u"]]);
  });

  it("marks monitors absent from a tick with '-' and counts them only where present", () => {
    const { carry } = feed(null, [
      sample(T0, { a: ["up", 1] }),
      sample(T0 + MIN, { a: ["up", 2], b: ["down", 9] }),
      sample(T0 + 2 * MIN, { b: ["up", 4] }),
      sample(T0 + HOUR_MS, { a: ["up", 1] }),
    ]);
    const hour = carry!.pending.hours[0]!;
    expect(hour.ticks.map(([, s]) => s)).toEqual(["u", "ux", "-u"]);
    expect(hour.rollup).toEqual({ a: [2, 0, 0, 0, 0, 1, 2, 2], b: [1, 0, 1, 0, 0, 4, 9, 9] });
  });

  it("cleans latencies: rounded to whole ms, null when negative or not a number", () => {
    const { carry } = advanceHistory(null, sample(T0, { a: ["up", 12.6], b: ["up", -1], c: ["up", Number.NaN], d: ["up", Infinity] }));
    expect(carry!.hour.ticks[0]![2]).toEqual([13, null, null, null]);
  });

  it("never starts without a time it can read", () => {
    const result = advanceHistory(null, { tickAt: "yesterday", monitors: {} });
    expect(result.carry).toBeNull();
    expect(result.ignored).toMatch(/unparsable/);
  });

  it("bounds the carry: raw ticks per hour, and unwritten hours queued", () => {
    let carry: HistoryCarry | null = null;
    for (let i = 0; i < MAX_TICKS_PER_HOUR + 5; i++) carry = advanceHistory(carry, sample(T0 + i * 25_000, { a: ["up", 1] })).carry;
    expect(carry!.hour.ticks).toHaveLength(MAX_TICKS_PER_HOUR);
    expect(advanceHistory(carry, sample(T0 + 3_599_000, { a: ["up", 1] })).ignored).toMatch(/more than/);

    // Nothing persisted for five hours: the queue keeps the newest three and says what it dropped.
    const dropped: string[] = [];
    for (let h = 1; h <= 5; h++) {
      const result = advanceHistory(carry, sample(T0 + h * HOUR_MS, { a: ["up", 1] }));
      dropped.push(...result.dropped);
      carry = result.carry;
    }
    expect(carry!.pending.hours.map((h) => h.h)).toEqual(["2026-03-10T11", "2026-03-10T12", "2026-03-10T13"]);
    expect(carry!.pending.hours).toHaveLength(MAX_PENDING_HOURS);
    expect(dropped).toEqual(["raw/2026-03-10/09.json", "raw/2026-03-10/10.json"]);
  });

  it("keeps a valid, JSON-safe carry and loses no tick through random gaps, duplicates and late ticks", () => {
    const random = rng(42);
    let carry: HistoryCarry | null = null;
    let t = T0;
    let accepted = 0;
    const flushed: Record<string, number> = {};
    for (let i = 0; i < 5_000; i++) {
      const r = random();
      t += r < 0.01 ? Math.floor(random() * 3 * 86_400_000) : r < 0.05 ? -Math.floor(random() * 2 * HOUR_MS) : r < 0.08 ? 0 : MIN;
      const statuses: HistoryStatus[] = ["up", "degraded", "down", "maintenance", "unknown"];
      const result = advanceHistory(carry, sample(t, { a: [statuses[Math.floor(random() * 5)]!, Math.floor(random() * 500)], b: ["up", null] }));
      if (!result.ignored) accepted++;
      carry = HistoryCarry.parse(JSON.parse(JSON.stringify(result.carry)));
      for (const h of carry.pending.hours) flushed[h.h] = h.ticks.length;
      carry = { ...carry, pending: { hours: [], days: [] } };
      expect(carry.today.d).toBe(carry.hour.h.slice(0, 10));
      expect(carry.hours.every((h, k) => h.h < carry!.hour.h && (k === 0 || carry!.hours[k - 1]!.h < h.h))).toBe(true);
      expect(carry.hours.every((h) => Date.parse(`${h.h}:00:00Z`) >= Date.parse(`${carry!.hour.h}:00:00Z`) - 24 * HOUR_MS)).toBe(true);
    }
    const kept = Object.values(flushed).reduce((a, b) => a + b, 0) + carry!.hour.ticks.length;
    expect(kept).toBe(accepted);
  });

  it("HistoryCarryField: a carry that does not validate resets history, never the snapshot it rides in", () => {
    const WithHistory = LatestSnapshot.extend({ history: HistoryCarryField });
    const snapshot = { version: 1, tickAt: new Date(T0).toISOString(), durationMs: 1, monitors: {}, kv: null };
    const { carry } = advanceHistory(null, sample(T0, { a: ["up", 1] }));
    expect(WithHistory.parse({ ...snapshot, history: carry }).history).toEqual(carry);
    const reset = WithHistory.parse({ ...snapshot, history: { v: 2 } });
    expect(reset.history).toBeUndefined();
    expect(reset).toMatchObject(snapshot);
    expect(WithHistory.parse(snapshot).history).toBeUndefined();
  });
});
