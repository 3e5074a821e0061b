import { resetBindings } from "../helpers/reset";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { foldHour } from "../../src/history/day-accumulator";
import { dayObjectKey, monthObjectKey, rawHourKey, SUMMARY_KEY } from "../../src/history/keys";
import { rollupHour } from "../../src/history/rollup";
import { DayObject, type HistoryCarry, HistorySummary, HourObject, MonthObject, type RawHour } from "../../src/history/schemas";
import { parseLatestText } from "../../src/storage/latest-object";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { configOf, storedState } from "../helpers/writer";
import { logLines, r2Json, simulation } from "./history-fixtures";

afterEach(resetBindings);

/**
 * The version before the coordinator kept history in latest.json's carry. Its first call imports it: the current
 * hour's raw minutes, the finished hours' rollups, today's accumulators, the complete-day sums, and what it had not
 * written yet, so no minute of history is lost in the upgrade.
 */
const config = configOf({ monitors: ["a", "b"].map((id) => ({ id, name: id, type: "http", url: `https://${id}.example.test/health` })) });
const at = (hhmm: string, day = "2096-05-04") => Date.parse(`${day}T${hhmm}:00Z`);

/** Hour 09 finished (60 minutes, not yet written), hour 10 running with two minutes; the day before not yet written. */
function carry(): HistoryCarry {
  const nine: RawHour = {
    h: "2096-05-04T09",
    ids: ["a", "b"],
    ticks: Array.from({ length: 60 }, (_, m) => [m * 60_000, m < 2 ? "ux" : "uu", [m + 1, null]]),
  };
  const rollup = rollupHour(nine);
  const dayBefore: DayObject = { v: 1, d: "2096-05-03", rollup: { a: [0, 0, 7, 0, 0, null, null, null] }, hours: [] };
  return {
    v: 1,
    hour: {
      h: "2096-05-04T10",
      ids: ["a", "b"],
      ticks: [
        [0, "ux", [12, null]],
        [60_000, "uu", [14, null]],
      ],
    },
    hours: [{ h: nine.h, m: rollup }],
    today: { d: "2096-05-04", m: foldHour({}, nine) },
    windows: { through: "2096-05-03", d7: { a: [0, 0, 7, 0, 0] }, d30: { a: [0, 0, 7, 0, 0] }, d90: { a: [0, 0, 7, 0, 0] } },
    pending: { hours: [{ v: 1, ...nine, rollup }], days: [dayBefore] },
    pruned: { raw: "2096-04-25", days: null },
  };
}

function latestV1(history: unknown) {
  const shown = (status: "up" | "down") => ({
    type: "http",
    status,
    latencyMs: 14,
    checkedAt: "2096-05-04T10:01:00.000Z",
    message: "",
    details: {},
    since: "2096-05-04T08:00:00.000Z",
  });
  return JSON.stringify({
    version: 1,
    tickAt: "2096-05-04T10:01:00.000Z",
    durationMs: 5,
    monitors: { a: shown("up"), b: shown("up") },
    kv: null,
    history,
  });
}

async function latestUptime() {
  const view = parseLatestText(await (await env.HISTORY.get(LATEST_KEY))!.text());
  if (view.kind !== "ok") throw new Error("latest.json unreadable");
  return view.value.uptime;
}

describe("the first tick after an upgrade from latest.json version 1", () => {
  it("carries the history on: uptime from the carry's sums, the current hour's minutes, today's accumulators", async () => {
    await env.HISTORY.put(LATEST_KEY, latestV1(carry()));
    const sim = simulation(config);
    await sim.tick(at("10:02"), { a: ["up", 16], b: ["up", null] });

    const state = await storedState(config);
    expect(state.hour).toEqual({
      h: "2096-05-04T10",
      ids: ["a", "b"],
      counts: [
        [3, 0, 0, 0, 0],
        [2, 0, 1, 0, 0],
      ],
    });
    expect(state.uptime.windows?.through).toBe("2096-05-03");
    const uptime = await latestUptime();
    // 24 h: hour 09 (60 up for a; 58 up, 2 down for b) and the current hour; 7 d adds the 7 down minutes before today.
    expect(uptime.a).toEqual({ "24h": 100, "7d": 90, "30d": 90, "90d": 90 });
    expect(uptime.b!["24h"]).toBe(Math.round((60 / 63) * 100_000) / 1000);

    await sim.runJobs();
    await sim.tick(at("11:00"), { a: ["up", 40], b: ["up", null] });
    await sim.runJobs();
    expect(HourObject.parse(await r2Json(rawHourKey("2096-05-04T10"))).ticks).toEqual([
      [0, "ux", [12, null]],
      [60_000, "uu", [14, null]],
      [120_000, "uu", [16, null]],
    ]);

    await sim.tick(at("00:00", "2096-05-05"), { a: ["up", 1], b: ["up", null] });
    await sim.runJobs();
    const day = DayObject.parse(await r2Json(dayObjectKey("2096-05-04")));
    expect(day.hours.map((h) => h.h)).toEqual(["2096-05-04T09", "2096-05-04T10", "2096-05-04T11"]);
    // Hour 09 from the imported accumulators, then 10 and 11 folded by the writer's own hour jobs.
    expect(day.rollup.a!.slice(0, 5)).toEqual([64, 0, 0, 0, 0]);
    expect(day.rollup.a![7]).toBe(60);
    expect(day.rollup.b!.slice(0, 5)).toEqual([61, 0, 3, 0, 0]);
  });

  it("writes what the previous version had not: the finished hour, the day, its month and the summary", async () => {
    await env.HISTORY.put(LATEST_KEY, latestV1(carry()));
    const sim = simulation(config);
    await sim.tick(at("10:02"), { a: ["up", 16], b: ["up", null] });
    expect((await storedState(config)).meta.jobs.slice(0, 3)).toEqual([
      { kind: "put", key: rawHourKey("2096-05-04T09") },
      { kind: "put", key: dayObjectKey("2096-05-03") },
      { kind: "day", d: "2096-05-03", step: "month" },
    ]);
    await sim.runJobs();
    expect((await storedState(config)).meta.jobs).toEqual([]);
    expect(HourObject.parse(await r2Json(rawHourKey("2096-05-04T09")))).toEqual({ v: 1, ...carry().pending.hours[0] });
    expect(DayObject.parse(await r2Json(dayObjectKey("2096-05-03")))).toEqual(carry().pending.days[0]);
    expect(Object.keys(MonthObject.parse(await r2Json(monthObjectKey("2096-05"))).days)).toEqual(["2096-05-03"]);
    expect(HistorySummary.parse(await r2Json(SUMMARY_KEY)).through).toBe("2096-05-03");
    // Pruning goes on from where the previous version had got to.
    expect((await storedState(config)).meta.pruned.raw).toBe("2096-04-26");
  });

  it("starts history afresh from a carry that does not validate, keeping the statuses", async () => {
    await env.HISTORY.put(LATEST_KEY, latestV1({ v: 2, hour: "?" }));
    const { lines, log } = logLines();
    const sim = simulation(config, { log });
    await sim.tick(at("10:02"), { a: ["up", 16], b: ["up", null] });
    expect(lines).toContain("history carry of the previous version is corrupt; history starts afresh");
    const state = await storedState(config);
    expect(state.results.a!.since).toBe("2096-05-04T08:00:00.000Z");
    expect(state.hour).toEqual({
      h: "2096-05-04T10",
      ids: ["a", "b"],
      counts: [
        [1, 0, 0, 0, 0],
        [1, 0, 0, 0, 0],
      ],
    });
    expect(state.meta.jobs).toEqual([]);
  });
});
