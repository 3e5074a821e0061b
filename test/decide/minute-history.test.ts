import { describe, expect, it } from "vitest";
import type { HourCounts, UptimeSums } from "../../src/decide/hot-state";
import { closeHour, countsOfHour, type MinuteEntry, recordMinute, type Sum24Source, uptimeNow } from "../../src/decide/minute-history";
import { DAY_MS, HOUR_MS, hourKeyOf, hourStartMs } from "../../src/history/keys";
import { rng } from "../helpers/rng";
import type { HistoryStatus } from "../../src/history/schemas";

const T0 = Date.parse("2026-03-10T09:00:00Z");
const D = Date.parse("2026-06-01T00:00:00Z");
const MIN = 60_000;
const EMPTY: UptimeSums = { sum24: null, today: { d: "", m: {} }, yesterday: null, windows: null };
type Row = { h: string; m: ReturnType<typeof countsOfHour> };

const entries = (monitors: Record<string, [HistoryStatus, number | null]>): MinuteEntry[] =>
  Object.entries(monitors).map(([id, [status, latencyMs]]) => ({ id, status, latencyMs }));

/**
 * The writer's history step as commitTick runs it: each minute recorded, and at an hour's end the sums closed, the
 * 24-hour sum shifted by an hour when the closed hour follows the last, else summed from the finished hours kept so
 * far (commitTick reads both from its rows; here a list). `always` forces one way, to compare them.
 */
function drive(
  minutes: Iterable<[number, Record<string, HistoryStatus>]>,
  start: { hour: HourCounts | null; sums: UptimeSums; rows?: Row[] } = { hour: null, sums: EMPTY },
  always?: "sum",
) {
  let { hour, sums } = start;
  const rows: Row[] = [...(start.rows ?? [])];
  for (const [t, statuses] of minutes) {
    const recorded = recordMinute(hour, t, entries(Object.fromEntries(Object.entries(statuses).map(([id, s]) => [id, [s, 10]]))));
    if (recorded.finished) {
      const finished = recorded.finished;
      const newStart = hourStartMs(recorded.hour.h);
      const shift = always !== "sum" && sums.sum24?.h === finished.h && newStart - hourStartMs(finished.h) === HOUR_MS;
      const source: Sum24Source = shift
        ? { kind: "shift", dropped: rows.find((r) => r.h === hourKeyOf(newStart - 25 * HOUR_MS))?.m ?? {} }
        : { kind: "sum", rows: [...rows, { h: finished.h, m: countsOfHour(finished) }] };
      rows.push({ h: finished.h, m: countsOfHour(finished) });
      sums = closeHour(sums, finished, recorded.hour.h, source);
    }
    hour = recorded.hour;
  }
  return { hour: hour!, sums, rows };
}

/** Ticks every 10 minutes over [startMs, endMs]. */
function* everyTen(
  startMs: number,
  endMs: number,
  statusAt: (ms: number) => Record<string, HistoryStatus>,
): Generator<[number, Record<string, HistoryStatus>]> {
  for (let t = startMs; t <= endMs; t += 10 * MIN) yield [t, statusAt(t)];
}

describe("recordMinute", () => {
  it("starts from nothing and keeps a minute compactly: ids once, a status letter and a latency per monitor", () => {
    const first = recordMinute(null, T0 + 5_000, entries({ a: ["up", 12.4], b: ["down", null] }));
    expect(first.finished).toBeNull();
    expect(first.hour).toEqual({
      h: "2026-03-10T09",
      ids: ["a", "b"],
      counts: [
        [1, 0, 0, 0, 0],
        [0, 0, 1, 0, 0],
      ],
    });
    expect(first.point).toEqual({ t: T0 + 5_000, letters: "ux", latencies: [12, null] });
    const next = recordMinute(first.hour, T0 + MIN, entries({ a: ["degraded", 30], b: ["maintenance", 7], c: ["unknown", null] }));
    expect(next.hour.ids).toEqual(["a", "b", "c"]);
    expect(next.point).toEqual({ t: T0 + MIN, letters: "dmn", latencies: [30, 7, null] });
    expect(next.hour.counts).toEqual([
      [1, 1, 0, 0, 0],
      [0, 0, 1, 1, 0],
      [0, 0, 0, 0, 1],
    ]);
    // The hour it was given is left as it was: the caller commits the new one or nothing.
    expect(first.hour.ids).toEqual(["a", "b"]);
  });

  it("closes the hour at the first minute of the next: the finished hour's counts, and a new hour with that minute", () => {
    let hour: HourCounts | null = null;
    for (let i = 0; i < 60; i++)
      hour = recordMinute(hour, T0 + i * MIN, entries({ a: [i < 3 ? "down" : i < 5 ? "maintenance" : "up", i] })).hour;
    const next = recordMinute(hour, T0 + HOUR_MS, entries({ a: ["up", 5] }));
    expect(next.finished).toEqual({ h: "2026-03-10T09", ids: ["a"], counts: [[55, 0, 3, 2, 0]] });
    expect(next.hour).toEqual({ h: "2026-03-10T10", ids: ["a"], counts: [[1, 0, 0, 0, 0]] });
  });

  it("closes the hour it had after a gap of any length, and the new hour holds only the new minute", () => {
    const before = recordMinute(null, T0 + 10 * MIN, entries({ a: ["up", 10] })).hour;
    const later = recordMinute(before, Date.parse("2026-03-12T03:30:00Z"), entries({ a: ["down", 30] }));
    expect(later.finished).toEqual(before);
    expect(later.hour).toEqual({ h: "2026-03-12T03", ids: ["a"], counts: [[0, 0, 1, 0, 0]] });
  });

  it("marks monitors absent from a minute with '-' and counts them only where present", () => {
    let hour = recordMinute(null, T0, entries({ a: ["up", 1] })).hour;
    const second = recordMinute(hour, T0 + MIN, entries({ a: ["up", 2], b: ["down", 9] }));
    hour = second.hour;
    const third = recordMinute(hour, T0 + 2 * MIN, entries({ b: ["up", 4] }));
    expect([second.point.letters, third.point.letters]).toEqual(["ux", "-u"]);
    expect(third.point.latencies).toEqual([null, 4]);
    expect(countsOfHour(third.hour)).toEqual({ a: [2, 0, 0, 0, 0], b: [1, 0, 1, 0, 0] });
  });

  it("cleans latencies: rounded to whole ms, null when negative or not a number", () => {
    const { point } = recordMinute(null, T0, entries({ a: ["up", 12.6], b: ["up", -1], c: ["up", Number.NaN], d: ["up", Infinity] }));
    expect(point.latencies).toEqual([13, null, null, null]);
  });
});

describe("closeHour", () => {
  it("adds the finished hour to today, and at a day's end makes today yesterday", () => {
    const { sums } = drive(everyTen(D + 22 * HOUR_MS, D + 24 * HOUR_MS, (t) => ({ a: t < D + 23 * HOUR_MS ? "down" : "up" })));
    // 22:00–22:50 (six down) and 23:00–23:50 (six up) finished on 06-01; the 00:00 tick opened 06-02.
    expect(sums.today).toEqual({ d: "2026-06-02", m: {} });
    expect(sums.yesterday).toEqual({ d: "2026-06-01", m: { a: [6, 0, 6, 0, 0] } });
    expect(sums.sum24).toEqual({ h: "2026-06-02T00", m: { a: [6, 0, 6, 0, 0] } });
  });

  it("sums only the finished hours of the last 24 before the new one", () => {
    const finished: HourCounts = { h: "2026-06-02T05", ids: ["a"], counts: [[6, 0, 0, 0, 0]] };
    const rows: Row[] = [
      { h: "2026-06-01T05", m: { a: [0, 0, 6, 0, 0] } },
      { h: "2026-06-01T06", m: { a: [0, 0, 1, 0, 0] } },
      { h: "2026-06-02T05", m: { a: [6, 0, 0, 0, 0] } },
    ];
    const sums = closeHour({ ...EMPTY, today: { d: "2026-06-02", m: { a: [10, 0, 0, 0, 0] } } }, finished, "2026-06-02T06", {
      kind: "sum",
      rows,
    });
    expect(sums.sum24).toEqual({ h: "2026-06-02T06", m: { a: [6, 0, 1, 0, 0] } });
    expect(sums.today).toEqual({ d: "2026-06-02", m: { a: [16, 0, 0, 0, 0] } });
  });

  it("shifting the 24-hour sum an hour at a time gives what summing the rows gives, through gaps and new monitors", () => {
    const random = rng(3);
    const statuses: HistoryStatus[] = ["up", "degraded", "down", "maintenance", "unknown"];
    const minutes: [number, Record<string, HistoryStatus>][] = [];
    for (let t = D, i = 0; i < 3_000; i++) {
      t += random() < 0.01 ? Math.floor(random() * 30) * HOUR_MS : 10 * MIN;
      const m: Record<string, HistoryStatus> = { a: statuses[Math.floor(random() * 5)]! };
      if (i > 500 && random() < 0.7) m.b = statuses[Math.floor(random() * 5)]!;
      minutes.push([t, m]);
    }
    let shifted = { hour: null as HourCounts | null, sums: EMPTY, rows: [] as Row[] };
    let summed = { hour: null as HourCounts | null, sums: EMPTY, rows: [] as Row[] };
    for (const minute of minutes) {
      shifted = drive([minute], shifted);
      summed = drive([minute], summed, "sum");
      expect(shifted.sums).toEqual(summed.sums);
    }
    expect(summed.sums.sum24!.m.b).toBeDefined();
  });
});

describe("uptimeNow", () => {
  it("has nothing to say before any minute", () => {
    expect(uptimeNow(EMPTY, { h: "2026-06-01T00", ids: [], counts: [] }, D)).toEqual({ uptime: {}, today: {} });
  });

  it("24h: the current hour and the 24 finished ones before it", () => {
    const end = D + 29 * HOUR_MS + 50 * MIN; // day 2, 05:50
    const ran = drive(everyTen(D, end, (t) => ({ a: t < D + 6 * HOUR_MS ? "down" : "up" })));
    // Hour 05 of day 1 (six down ticks) and hours 06 … 04 (23 × 6 up) finished; the current hour 05 has six up.
    expect(uptimeNow(ran.sums, ran.hour, end).uptime.a!["24h"]).toBe(Math.round((144 / 150) * 100_000) / 1000);
    // The next hour's first tick: the down hour has left the window.
    const next = drive([[end + 10 * MIN, { a: "up" }]], ran);
    expect(uptimeNow(next.sums, next.hour, end + 10 * MIN).uptime.a!["24h"]).toBe(100);
    // Two days without a tick: only the new hour is in the window.
    const after = drive([[end + 2 * DAY_MS, { a: "down" }]], next);
    expect(uptimeNow(after.sums, after.hour, end + 2 * DAY_MS).uptime.a!["24h"]).toBe(0);
  });

  it("leaves out maintenance and unknown, and is null when only those exist", () => {
    const end = D + 3 * HOUR_MS;
    const ran = drive(
      everyTen(D, end, (t) => {
        const i = Math.round((t - D) / 600_000); // 0..18
        return { a: i % 3 === 0 ? "maintenance" : i % 3 === 1 ? "up" : "down", b: "maintenance", c: i % 2 ? "unknown" : "degraded" };
      }),
    );
    const { uptime, today } = uptimeNow(ran.sums, ran.hour, end);
    expect(uptime.a).toEqual({ "24h": 50, "7d": 50, "30d": 50, "90d": 50 });
    expect(uptime.b).toEqual({ "24h": null, "7d": null, "30d": null, "90d": null });
    expect(uptime.c).toEqual({ "24h": 100, "7d": 100, "30d": 100, "90d": 100 });
    // Today's counts: the finished hours and the current one.
    expect(today.a).toEqual([6, 0, 6, 7, 0]);
  });

  it("7d/30d/90d: today plus the complete-day sums of the days before", () => {
    const end = D + 2 * HOUR_MS; // today: 13 up ticks
    const ran = drive(everyTen(D, end, () => ({ a: "up" })));
    const sums: UptimeSums = {
      ...ran.sums,
      windows: { through: "2026-05-31", d7: { a: [87, 0, 0, 0, 0] }, d30: { a: [287, 0, 100, 50, 0] }, d90: { a: [287, 100, 500, 0, 0] } },
    };
    expect(uptimeNow(sums, ran.hour, end).uptime.a).toEqual({ "24h": 100, "7d": 100, "30d": 75, "90d": 44.444 });
  });

  it("counts yesterday until the day's archive has folded it into the complete-day sums, never twice", () => {
    const ran = drive(everyTen(D + 23 * HOUR_MS, D + 24 * HOUR_MS + 50 * MIN, (t) => ({ a: t < D + DAY_MS ? "down" : "up" })));
    const at = D + 24 * HOUR_MS + 50 * MIN;
    // Yesterday: six down; today: six up (the current hour).
    expect(uptimeNow(ran.sums, ran.hour, at).uptime.a).toMatchObject({ "7d": 50, "30d": 50, "90d": 50 });
    const folded: UptimeSums = {
      ...ran.sums,
      windows: { through: "2026-06-01", d7: { a: [0, 0, 6, 0, 0] }, d30: { a: [0, 0, 6, 0, 0] }, d90: { a: [0, 0, 6, 0, 0] } },
    };
    expect(uptimeNow(folded, ran.hour, at).uptime.a).toMatchObject({ "7d": 50, "30d": 50, "90d": 50 });
  });

  it("day windows end with the current hour's day, and use sums only while their last day is inside them", () => {
    const ran = drive(everyTen(D, D + HOUR_MS, () => ({ a: "up" })));
    const sums: UptimeSums = {
      ...ran.sums,
      windows: { through: "2026-05-31", d7: { a: [0, 0, 7, 0, 0] }, d30: { a: [0, 0, 7, 0, 0] }, d90: { a: [0, 0, 7, 0, 0] } },
    };
    // 7 up ticks today, 7 down days before.
    expect(uptimeNow(sums, ran.hour, D + 3 * DAY_MS).uptime.a).toMatchObject({ "7d": 50, "30d": 50, "90d": 50 });
    expect(uptimeNow(sums, ran.hour, D + 7 * DAY_MS).uptime.a).toMatchObject({ "7d": null, "30d": 50, "90d": 50 });
    expect(uptimeNow(sums, ran.hour, D + 95 * DAY_MS).uptime.a).toMatchObject({ "7d": null, "30d": null, "90d": null });
    // Sums not refreshed for ten days (a failing bucket): still inside 30d, outside 7d.
    const stale: UptimeSums = { ...sums, windows: { ...sums.windows!, through: "2026-05-21" } };
    expect(uptimeNow(stale, ran.hour, D + HOUR_MS).uptime.a).toEqual({ "24h": 100, "7d": 100, "30d": 50, "90d": 50 });
  });
});
