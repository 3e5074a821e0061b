import { resetBindings } from "../helpers/reset";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { runNextJob } from "../../src/coordinator/archive-jobs";
import { DAY_MS, dayObjectKey, HOUR_MS, RECENT_KEY, rawHourKey } from "../../src/history/keys";
import { exactPercentile, uptimePercent } from "../../src/history/rollup";
import { DayObject, HourObject } from "../../src/history/schemas";
import { parseLatestText } from "../../src/storage/latest-object";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { rng } from "../helpers/rng";
import { configOf, fireAlarm, inWriter, storedState } from "../helpers/writer";
import { countingBucket, failingBucket, historyKeys, logLines, r2Json, simulation, storesWith } from "./history-fixtures";

afterEach(resetBindings);

const T0 = Date.parse("2096-03-10T09:00:00Z");
const D = Date.parse("2096-03-10T00:00:00Z");
const MIN = 60_000;
const monitors = (...ids: string[]) => ids.map((id) => ({ id, name: id, type: "http", url: `https://${id}.example.test/health` }));
const config = configOf({ monitors: monitors("a", "b") });

async function latestUptime(id: string) {
  const view = parseLatestText(await (await env.HISTORY.get(LATEST_KEY))!.text());
  if (view.kind !== "ok") throw new Error("latest.json unreadable");
  return view.value.uptime[id];
}

describe("the hour's archive", () => {
  it("is only queued at the hour's end; its job writes raw/D/HH.json (raw minutes, exact percentiles) and recent.json", async () => {
    // Minutes 3 and 4 fall in a maintenance window: probed, shown as maintenance.
    const windowed = configOf({
      monitors: monitors("a"),
      maintenance: [
        { id: "w", title: "W", monitors: ["a"], start: new Date(T0 + 3 * MIN).toISOString(), end: new Date(T0 + 5 * MIN).toISOString() },
      ],
    });
    const sim = simulation(windowed);
    for (let i = 0; i < 60; i++) await sim.tick(T0 + i * MIN, { a: [i < 3 ? "down" : "up", i + 1] });
    const next = await sim.tick(T0 + HOUR_MS, { a: ["up", 5] });
    expect(next.jobs).toBe(1);
    expect((await storedState(windowed)).meta.jobs).toEqual([{ kind: "hour", h: "2096-03-10T09", step: "raw" }]);
    expect(await historyKeys()).toEqual([]);

    expect(await sim.runJobs()).toBe(2); // the raw object, then the fold into the day and recent.json
    const hour = HourObject.parse(await r2Json(rawHourKey("2096-03-10T09")));
    expect(hour.ids).toEqual(["a"]);
    expect(hour.ticks).toHaveLength(60);
    expect(hour.ticks.slice(0, 6)).toEqual([
      [0, "x", [1]],
      [MIN, "x", [2]],
      [2 * MIN, "x", [3]],
      [3 * MIN, "m", [4]],
      [4 * MIN, "m", [5]],
      [5 * MIN, "u", [6]],
    ]);
    // 55 up, 3 down, 2 maintenance; nearest-rank p50 of 1..60 is 30, p95 is 57.
    expect(hour.rollup.a).toEqual([55, 0, 3, 2, 0, 30, 57, 60]);
    expect(await r2Json(RECENT_KEY)).toEqual({ v: 2, through: "2096-03-10T09", hours: [{ h: "2096-03-10T09", p50: { a: 30 } }] });
    // The finished hour's rows are freed; the current hour keeps its minute.
    const points = await inWriter(sim.options(), async (deps) => deps.sql.points(T0, T0 + 2 * HOUR_MS));
    expect(points.map((p) => p.t)).toEqual([T0 + HOUR_MS]);
    expect((await storedState(windowed)).meta.jobs).toEqual([]);
  });

  it("recent.json holds the last 24 finished hours, newest last", async () => {
    const sim = simulation(config);
    for (let h = 0; h <= 26; h++) {
      await sim.tick(T0 + h * HOUR_MS, { a: ["up", h] });
      await sim.runJobs();
    }
    const recent = (await r2Json(RECENT_KEY)) as { through: string; hours: { h: string; p50: Record<string, number | null> }[] };
    expect(recent.through).toBe("2096-03-11T10");
    expect(recent.hours.map((x) => x.h)).toEqual(
      Array.from({ length: 24 }, (_, i) => new Date(T0 + (i + 2) * HOUR_MS).toISOString().slice(0, 13)),
    );
    // Each hour had one minute, its latency the hour's number: that is its median.
    expect(recent.hours.map((x) => x.p50.a)).toEqual(Array.from({ length: 24 }, (_, i) => i + 2));
  });

  it("carries on from the medians the previous release kept as one JSON array", async () => {
    const sim = simulation(config);
    await sim.tick(T0, { a: ["up", 7] });
    // As the previous release stored them: the last hours' medians in one array.
    const before = [
      { h: "2096-03-10T07", p50: { a: 3, b: null } },
      { h: "2096-03-10T08", p50: { a: 4 } },
    ];
    await inWriter(sim.options(), async (deps) => deps.sql.putBlob("recent", JSON.stringify(before)));
    await sim.tick(T0 + HOUR_MS, { a: ["up", 9] });
    await sim.runJobs();
    expect(await r2Json(RECENT_KEY)).toEqual({ v: 2, through: "2096-03-10T09", hours: [...before, { h: "2096-03-10T09", p50: { a: 7 } }] });
    // Stored one hour a line since, read back the same way an hour later.
    await sim.tick(T0 + 2 * HOUR_MS, { a: ["up", 9] });
    await sim.runJobs();
    const recent = (await r2Json(RECENT_KEY)) as { hours: { h: string }[] };
    expect(recent.hours.map((x) => x.h)).toEqual(["2096-03-10T07", "2096-03-10T08", "2096-03-10T09", "2096-03-10T10"]);
  });
});

describe("the day's archive", () => {
  it("at the first tick of the next day: the day object with its 24 hours, its month, the summary, then the prune, one step a run", async () => {
    const sim = simulation(config);
    const aLatencies: number[] = [];
    for (let i = 0; i < 144; i++) {
      aLatencies.push(100 + (i % 50));
      const summary = await sim.tick(D + i * 10 * MIN, { a: ["up", 100 + (i % 50)], b: [i % 10 === 0 ? "down" : "up", null] });
      if (summary.jobs) await sim.runJobs();
    }
    await sim.tick(D + DAY_MS, { a: ["up", 1], b: ["up", null] });
    expect((await storedState(config)).meta.jobs).toEqual([
      { kind: "hour", h: "2096-03-10T23", step: "raw" },
      { kind: "day", d: "2096-03-10", step: "object" },
    ]);

    const ran: unknown[] = [];
    for (;;) {
      const outcome = await inWriter(sim.options(), (deps) => runNextJob(deps));
      if (!outcome.ran) break;
      ran.push(outcome.ran);
    }
    expect(ran).toEqual([
      { kind: "hour", h: "2096-03-10T23", step: "raw" },
      { kind: "hour", h: "2096-03-10T23", step: "fold" },
      ...(["object", "month", "summary", "prune"] as const).map((step) => ({ kind: "day", d: "2096-03-10", step })),
    ]);

    const day = DayObject.parse(await r2Json(dayObjectKey("2096-03-10")));
    expect(day.hours.map((h) => h.h)).toEqual(Array.from({ length: 24 }, (_, h) => `2096-03-10T${String(h).padStart(2, "0")}`));
    const [up, , , , , p50, p95, max] = day.rollup.a!;
    const sorted = [...aLatencies].sort((x, y) => x - y);
    expect(up).toBe(144);
    expect(max).toBe(149);
    expect(Math.abs(p50! - exactPercentile(sorted, 0.5)!)).toBeLessThanOrEqual(exactPercentile(sorted, 0.5)! * 0.02 + 0.5);
    expect(Math.abs(p95! - exactPercentile(sorted, 0.95)!)).toBeLessThanOrEqual(exactPercentile(sorted, 0.95)! * 0.02 + 0.5);
    expect(day.rollup.b).toEqual([129, 0, 15, 0, 0, null, null, null]);
    expect(await historyKeys()).toEqual(expect.arrayContaining(["months/2096-03.json", "summary.json"]));
    expect((await storedState(config)).uptime.windows).toMatchObject({ through: "2096-03-10", d7: { b: [129, 0, 15, 0, 0] } });

    // Yesterday now lives in the complete-day sums: the next tick counts it once.
    await sim.tick(D + DAY_MS + 10 * MIN, { a: ["up", 1], b: ["up", null] });
    expect((await latestUptime("b"))!["7d"]).toBe(uptimePercent([131, 0, 15, 0, 0]));
  });
});

describe("gaps and repeated minutes", () => {
  it("archives across gaps of hours and whole days: one hour job per hour with minutes, one day job per day with hours", async () => {
    const sim = simulation(config);
    await sim.tick(T0 + 10 * MIN, { a: ["up", 10] });
    expect((await sim.tick(T0 + 3 * HOUR_MS, { a: ["down", 20] })).jobs).toBe(1);
    await sim.runJobs();
    expect(await historyKeys()).toEqual(["raw/2096-03-10/09.json", "recent.json"]);

    // The next tick comes two days later: hour 12 and the day end together; the day without ticks has no object.
    await sim.tick(Date.parse("2096-03-12T03:30:00Z"), { a: ["up", 30] });
    expect((await storedState(config)).meta.jobs).toEqual([
      { kind: "hour", h: "2096-03-10T12", step: "raw" },
      { kind: "day", d: "2096-03-10", step: "object" },
    ]);
    await sim.runJobs();
    expect(HourObject.parse(await r2Json(rawHourKey("2096-03-10T12"))).ticks).toEqual([[0, "x", [20]]]);
    const day = DayObject.parse(await r2Json(dayObjectKey("2096-03-10")));
    expect(day.hours.map((h) => h.h)).toEqual(["2096-03-10T09", "2096-03-10T12"]);
    expect(day.rollup.a!.slice(0, 5)).toEqual([1, 0, 1, 0, 0]);
    expect(day.rollup.a![7]).toBe(20);
    expect((await historyKeys()).filter((k) => k.startsWith("days/"))).toEqual(["days/2096-03-10.json"]);
    // Nothing in the last 24 hours but the new minute; today is the new minute's day.
    const state = await storedState(config);
    expect(state.uptime.sum24).toEqual({ h: "2096-03-12T03", m: {} });
    expect(state.uptime.today).toEqual({ d: "2096-03-12", m: {} });
    expect((await latestUptime("a"))!["24h"]).toBe(100);
  });

  it("skips a tick whose minute (or a later one) already ran, and leaves the state as it was", async () => {
    const { lines, log } = logLines();
    const sim = simulation(config, { log });
    await sim.tick(T0 + MIN, { a: ["up", 1] });
    await sim.tick(T0 + HOUR_MS, { a: ["up", 2] });
    const before = await storedState(config);
    const points = () => inWriter(sim.options(), async (deps) => deps.sql.points(T0, T0 + 2 * HOUR_MS));
    const pointsBefore = await points();

    for (const at of [T0 + HOUR_MS, T0 + HOUR_MS - 30_000, T0 + 30 * MIN]) {
      const summary = await sim.tick(at, { a: ["down", 3] });
      expect(summary).toMatchObject({ skipped: "duplicate", results: [], jobs: 0, wroteLatest: false });
    }
    expect(lines.filter((l) => l.startsWith("tick skipped"))).toHaveLength(3);
    expect(await storedState(config)).toEqual(before);
    expect(await points()).toEqual(pointsBefore);
  });

  it("through random gaps, repeats and late ticks keeps every accepted minute exactly once", { timeout: 120_000 }, async () => {
    const random = rng(42);
    const long = configOf({ monitors: monitors("a", "b"), history: { rawRetentionDays: 90 } });
    const sim = simulation(long);
    const accepted = new Set<number>();
    let t = T0;
    for (let i = 0; i < 300; i++) {
      const r = random();
      t +=
        r < 0.02
          ? Math.floor((random() * 3 * DAY_MS) / MIN) * MIN
          : r < 0.06
            ? -Math.floor((random() * 2 * HOUR_MS) / MIN) * MIN
            : r < 0.1
              ? 0
              : MIN;
      const statuses = ["up", "degraded", "down", "unknown"] as const;
      const summary = await sim.tick(t, { a: [statuses[Math.floor(random() * 4)]!, Math.floor(random() * 500)], b: ["up", null] });
      if (!summary.skipped) accepted.add(t);
      if (summary.jobs) await sim.runJobs();
      const state = await storedState(long);
      // Today's sums belong to the current hour's day once an hour has closed.
      expect(["", state.hour!.h.slice(0, 10)]).toContain(state.uptime.today.d);
    }
    const archived: number[] = [];
    for (const key of (await historyKeys()).filter((k) => k.startsWith("raw/"))) {
      const hour = HourObject.parse(await r2Json(key));
      archived.push(...hour.ticks.map(([offset]) => Date.parse(`${hour.h}:00:00Z`) + offset));
    }
    const current = await inWriter(sim.options(), async (deps) => deps.sql.points(0, Number.MAX_SAFE_INTEGER));
    const kept = [...archived, ...current.map((p) => p.t)];
    expect(kept.length).toBe(accepted.size);
    expect(new Set(kept)).toEqual(accepted);
  });
});

describe("when R2 fails", () => {
  it("a failed job stays first and is retried; jobs queued behind it wait their turn", async () => {
    const { lines, log } = logLines();
    const sim = simulation(config, { log, stores: storesWith(failingBucket(env.HISTORY, { put: (k) => k.startsWith("raw/") })) });
    await sim.tick(T0, { a: ["up", 1] });
    await sim.tick(T0 + HOUR_MS, { a: ["up", 2] });
    expect(await sim.runJobs()).toBe(0);
    expect(lines).toContain("archive job failed; retried later");
    await sim.tick(T0 + 2 * HOUR_MS, { a: ["up", 3] });
    expect(await sim.runJobs()).toBe(0);
    expect((await storedState(config)).meta.jobs).toEqual([
      { kind: "hour", h: "2096-03-10T09", step: "raw" },
      { kind: "hour", h: "2096-03-10T10", step: "raw" },
    ]);
    expect(await historyKeys()).toEqual([]);

    sim.stores = storesWith(env.HISTORY);
    expect(await sim.runJobs()).toBe(4);
    expect(HourObject.parse(await r2Json(rawHourKey("2096-03-10T09"))).ticks).toEqual([[0, "u", [1]]]);
    expect(HourObject.parse(await r2Json(rawHourKey("2096-03-10T10"))).ticks).toEqual([[0, "u", [2]]]);
    expect(((await r2Json(RECENT_KEY)) as { hours: unknown[] }).hours).toHaveLength(2);
  });

  it("a failed fold is retried alone: the raw object is written once, the hour folded into its day once", async () => {
    const counter = countingBucket(env.HISTORY);
    const { log } = logLines();
    const sim = simulation(config, { log, stores: storesWith(failingBucket(counter.bucket, { put: (k) => k === RECENT_KEY })) });
    await sim.tick(T0, { a: ["up", 1] });
    await sim.tick(T0 + HOUR_MS, { a: ["up", 2] });
    expect(await sim.runJobs()).toBe(1);
    expect(await sim.runJobs()).toBe(0);
    expect((await storedState(config)).meta.jobs).toEqual([{ kind: "hour", h: "2096-03-10T09", step: "fold" }]);
    sim.stores = storesWith(counter.bucket);
    expect(await sim.runJobs()).toBe(1);
    await sim.tick(D + DAY_MS, { a: ["up", 3] });
    await sim.runJobs();
    expect(counter.putKeys.filter((k) => k === rawHourKey("2096-03-10T09"))).toHaveLength(1);
    expect(DayObject.parse(await r2Json(dayObjectKey("2096-03-10"))).rollup.a!.slice(0, 5)).toEqual([2, 0, 0, 0, 0]);
  });

  it("the coordinator's alarm runs the queued jobs, re-arming itself between steps until none is left", async () => {
    const sim = simulation(config);
    await sim.tick(D + DAY_MS - MIN, { a: ["up", 1] });
    await sim.tick(D + DAY_MS, { a: ["up", 2] });
    expect(await inWriter(sim.options(), (deps) => deps.sql.getAlarm())).toBe(D + DAY_MS);
    // The alarm re-arms itself at once while jobs remain; the runtime fires the rest.
    expect(await fireAlarm()).toBe(true);
    for (let i = 0; i < 100 && (await storedState(config)).meta.jobs.length; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await storedState(config)).meta.jobs).toEqual([]);
    expect(await historyKeys()).toEqual([
      "days/2096-03-10.json",
      "months/2096-03.json",
      "raw/2096-03-10/23.json",
      "recent.json",
      "summary.json",
    ]);
  });
});
