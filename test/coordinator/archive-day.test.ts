import { resetBindings } from "../helpers/reset";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { addDays, dayObjectKey, monthObjectKey, rawHourKey, SUMMARY_KEY } from "../../src/history/keys";
import { DayObject, HistorySummary, HourObject, MonthObject, type Rollups } from "../../src/history/schemas";
import { buildSummary, windowsOf } from "../../src/history/summary";
import type { Stores } from "../../src/storage/types";
import { runNextJob } from "../../src/coordinator/archive-jobs";
import { configOf, inWriter, storedState } from "../helpers/writer";
import { countingBucket, failingBucket, historyKeys, logLines, r2Json, simulation, storesWith } from "./history-fixtures";

afterEach(resetBindings);

const D = "2096-07-15";
const config = configOf({ monitors: ["a", "b"].map((id) => ({ id, name: id, type: "http", url: `https://${id}.example.test/health` })) });
const dayRollups = (n: number): Rollups => ({ a: [n, 0, 1, 0, 0, 5, 9, 10] });

/** Ticks at 23:58 and 23:59 of `day` and the next midnight: the day has ended, its jobs are queued. */
async function rollover(options: { stores?: Stores; log?: ReturnType<typeof logLines>["log"] } = {}, day = D) {
  const sim = simulation(config, options);
  const start = Date.parse(`${day}T23:58:00Z`);
  for (const t of [start, start + 60_000, start + 120_000]) await sim.tick(t, { a: ["up", 20 + (t % 7)], b: ["down", null] });
  return sim;
}

const putJson = (key: string, value: unknown) => env.HISTORY.put(key, typeof value === "string" ? value : JSON.stringify(value));
const days = async (month: string) => Object.keys(MonthObject.parse(await r2Json(monthObjectKey(month))).days).sort();

describe("a day's archive", () => {
  it("writes the day, its month and the summary, and refreshes the complete-day sums from the months", async () => {
    await putJson(monthObjectKey("2096-07"), { v: 1, month: "2096-07", days: { "2096-07-14": dayRollups(100) } });
    await putJson(monthObjectKey("2096-06"), {
      v: 1,
      month: "2096-06",
      days: { "2096-06-30": dayRollups(50), "2096-06-01": dayRollups(7) },
    });
    const sim = await rollover();
    await sim.runJobs();

    expect(HourObject.parse(await r2Json(rawHourKey(`${D}T23`))).ticks).toHaveLength(2);
    const day = DayObject.parse(await r2Json(dayObjectKey(D)));
    expect(day.rollup.b).toEqual([0, 0, 2, 0, 0, null, null, null]);
    expect(day.hours.map((h) => h.h)).toEqual([`${D}T23`]);
    expect(await days("2096-07")).toEqual(["2096-07-14", D]);

    const summary = HistorySummary.parse(await r2Json(SUMMARY_KEY));
    expect(summary.through).toBe(D);
    expect(summary.monitors.a!.counts.at(-1)).toEqual([2, 0, 0, 0, 0]);
    expect(summary.monitors.a!.counts.at(-2)).toEqual([100, 0, 1, 0, 0]);
    expect(summary.monitors.a!.counts.filter(Boolean)).toHaveLength(4);

    const { windows } = (await storedState(config)).uptime;
    expect(windows!.through).toBe(D);
    expect(windows!.d7.a).toEqual([102, 0, 1, 0, 0]);
    expect(windows!.d30.a).toEqual([152, 0, 2, 0, 0]);
    expect(windows!.d90.a).toEqual([159, 0, 3, 0, 0]);
  });

  it("embeds the hours' rollups as stored, leaving out a damaged row (the day object stays valid JSON)", async () => {
    const sim = simulation(config);
    const start = Date.parse(`${D}T21:59:00Z`);
    for (let k = 0; k <= 121; k++) {
      await sim.tick(start + k * 60_000, { a: ["up", 10 + (k % 5)], b: ["up", 3] });
      // Archive each hour as it ends (the alarm would), but damage 22:00's rollup before the day is archived.
      if (k === 61) {
        await sim.runJobs();
        await inWriter(sim.options(), async (deps) => deps.sql.setHourRollup(`${D}T22`, "not json" as never));
      }
    }
    await sim.runJobs();
    const day = DayObject.parse(await r2Json(dayObjectKey(D)));
    expect(day.hours.map((h) => h.h)).toEqual([`${D}T21`, `${D}T23`]);
    expect(day.hours[1]!.m.a).toEqual([60, 0, 0, 0, 0, 12, 14, 14]);
    expect(day.rollup.a![0]).toBe(121);
  });

  it("rebuilds a damaged month from the day objects, and a damaged summary from the months", async () => {
    for (const d of ["2096-07-01", "2096-07-02", "2096-07-14"])
      await putJson(dayObjectKey(d), { v: 1, d, rollup: dayRollups(10), hours: [] });
    await putJson(dayObjectKey("2096-07-03"), "{ truncated");
    await putJson(monthObjectKey("2096-07"), '{"v":1,"month":"2096-07","days":{"2096-07-01":');
    await putJson(monthObjectKey("2096-06"), "not json at all");
    await putJson(SUMMARY_KEY, '{"v":1,"through":');
    const { lines, log } = logLines();
    const sim = await rollover({ log });
    await sim.runJobs();
    expect(lines).toContain("history object is damaged; read as missing");
    expect(await days("2096-07")).toEqual(["2096-07-01", "2096-07-02", "2096-07-14", D]);
    expect(HistorySummary.parse(await r2Json(SUMMARY_KEY)).through).toBe(D);
    expect((await storedState(config)).uptime.windows!.d30.a).toEqual([32, 0, 3, 0, 0]);
  });

  it("rebuilds a missing month from the month's day objects", async () => {
    await putJson(dayObjectKey("2096-07-10"), { v: 1, d: "2096-07-10", rollup: dayRollups(10), hours: [] });
    const sim = await rollover();
    await sim.runJobs();
    expect(await days("2096-07")).toEqual(["2096-07-10", D]);
  });

  it("moves the summary on by a day from the previous one: one read, no month, the same as built from the months", async () => {
    const sim = await rollover({}, "2096-07-14");
    await sim.runJobs();
    const counter = countingBucket(env.HISTORY);
    sim.stores = storesWith(counter.bucket);
    for (const t of [Date.parse(`${D}T23:59:00Z`), Date.parse("2096-07-16T00:00:00Z")])
      await sim.tick(t, { a: ["up", 30], b: ["up", null] });
    let summaryReads: string[] = [];
    for (;;) {
      const before = counter.getKeys.length;
      const { ran } = await inWriter(sim.options(), (deps) => runNextJob(deps));
      if (!ran) break;
      if (ran.kind === "day" && ran.step === "summary") summaryReads = counter.getKeys.slice(before);
    }
    expect(summaryReads).toEqual([SUMMARY_KEY]);
    const month = MonthObject.parse(await r2Json(monthObjectKey("2096-07")));
    expect(Object.keys(month.days).sort()).toEqual(["2096-07-14", D]);
    expect(HistorySummary.parse(await r2Json(SUMMARY_KEY))).toEqual(buildSummary(new Map(Object.entries(month.days)), D));
    expect((await storedState(config)).uptime.windows).toEqual(windowsOf(new Map(Object.entries(month.days)), D));
  });

  it("archives two queued days in order, each into the same month", async () => {
    const { log } = logLines();
    const sim = await rollover({ log, stores: storesWith(failingBucket(env.HISTORY, { put: (k) => k !== "latest.json" })) }, "2096-07-13");
    await sim.tick(Date.parse("2096-07-15T00:00:00Z"), { a: ["up", 1], b: ["up", null] });
    await sim.runJobs();
    expect((await storedState(config)).meta.jobs).toEqual([
      { kind: "hour", h: "2096-07-13T23", step: "raw" },
      { kind: "day", d: "2096-07-13", step: "object" },
      { kind: "hour", h: "2096-07-14T00", step: "raw" },
      { kind: "day", d: "2096-07-14", step: "object" },
    ]);
    sim.stores = storesWith(env.HISTORY);
    expect(await sim.runJobs()).toBe(12);
    expect(await days("2096-07")).toEqual(["2096-07-13", "2096-07-14"]);
    expect(DayObject.parse(await r2Json(dayObjectKey("2096-07-14"))).rollup.a!.slice(0, 5)).toEqual([1, 0, 0, 0, 0]);
    expect(HistorySummary.parse(await r2Json(SUMMARY_KEY)).through).toBe("2096-07-14");
  });
});

describe("a day's archive when R2 fails", () => {
  it("retries the step that failed: the month write, then a month read of the summary", async () => {
    const { lines, log } = logLines();
    const sim = await rollover({ log, stores: storesWith(failingBucket(env.HISTORY, { put: (k) => k.startsWith("months/") })) });
    expect(await sim.runJobs()).toBe(3); // the hour's two steps and the day object
    expect((await storedState(config)).meta.jobs).toEqual([{ kind: "day", d: D, step: "month" }]);
    expect(lines).toContain("archive job failed; retried later");

    sim.stores = storesWith(failingBucket(env.HISTORY, { get: (k) => k === monthObjectKey("2096-05") }));
    expect(await sim.runJobs()).toBe(1); // the month
    expect((await storedState(config)).meta.jobs).toEqual([{ kind: "day", d: D, step: "summary" }]);
    expect((await storedState(config)).uptime.windows).toBeNull();
    expect(await r2Json(SUMMARY_KEY)).toBeNull();

    sim.stores = storesWith(env.HISTORY);
    expect(await sim.runJobs()).toBe(2); // the summary and the prune
    expect((await storedState(config)).uptime.windows?.through).toBe(D);
    expect(await historyKeys()).toEqual([dayObjectKey(D), monthObjectKey("2096-07"), rawHourKey(`${D}T23`), "recent.json", SUMMARY_KEY]);
  });

  it("keeps the prune queued while deletes fail, with the complete-day sums already refreshed", async () => {
    const sim = await rollover({ stores: storesWith(failingBucket(env.HISTORY, { delete: true })) });
    expect(await sim.runJobs()).toBe(5);
    const state = await storedState(config);
    expect(state.meta.jobs).toEqual([{ kind: "day", d: D, step: "prune" }]);
    expect(state.meta.pruned).toEqual({ raw: null, days: null });
    expect(state.uptime.windows?.through).toBe(D);
    sim.stores = storesWith(env.HISTORY);
    expect(await sim.runJobs()).toBe(1);
    expect((await storedState(config)).meta.pruned.raw).not.toBeNull();
  });
});

describe("the prune", () => {
  it("deletes by computed keys: raw hours past retention, day objects past 400 days; and hours rows past 26 hours", async () => {
    const today = addDays(D, 1);
    const seeded = [
      ...["2096-07-07", "2096-07-08", "2096-07-09"].flatMap((d) => [rawHourKey(`${d}T00`), rawHourKey(`${d}T23`)]),
      dayObjectKey(addDays(today, -402)),
      dayObjectKey(addDays(today, -401)),
      dayObjectKey(addDays(today, -400)),
    ];
    for (const key of seeded) await putJson(key, "{}");
    const sim = await rollover();
    // An hour long gone, as the rows of an earlier day would be.
    await inWriter(sim.options(), async (deps) =>
      deps.sql.putHour({ h: "2096-07-14T20", ids: ["a"], counts: { a: [1, 0, 0, 0, 0] }, rollup: null }),
    );
    await sim.runJobs();
    const keys = (await env.HISTORY.list()).objects.map((o) => o.key);
    // Today is 07-16: raw keeps 07-09 … 07-15; day objects keep the 400 days before today.
    expect(keys.filter((k) => k.startsWith("raw/2096-07-0"))).toEqual(["raw/2096-07-09/00.json", "raw/2096-07-09/23.json"]);
    expect(keys.filter((k) => k.startsWith("days/2095"))).toEqual([dayObjectKey(addDays(today, -400))]);
    expect(keys).toContain("latest.json");
    expect((await storedState(config)).meta.pruned).toEqual({ raw: "2096-07-08", days: addDays(today, -401) });
    const hours = await inWriter(sim.options(), async (deps) => deps.sql.hours("").map((row) => row.h));
    expect(hours).toEqual([`${D}T23`]);
  });
});
