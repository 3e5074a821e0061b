import { resetBindings } from "../helpers/reset";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { STATUS_ORDER, exactPercentile, uptimePercent, zeroCounts } from "../../src/history/rollup";
import { dayObjectKey, HOUR_MS, hourKeyOf, rawHourKey } from "../../src/history/keys";
import { type Counts, DayObject, HourObject } from "../../src/history/schemas";
import { parseLatestText } from "../../src/storage/latest-object";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { countingBucket, type Said, simulation, storesWith } from "../coordinator/history-fixtures";
import { rng } from "../helpers/rng";
import { configOf, inWriter } from "../helpers/writer";

afterEach(resetBindings);

/** R2 Class A operations (writes, lists) a month that Edgewatch allows itself: a tenth of the Free plan's. */
const BUDGET_CLASS_A_PER_MONTH = 100_000;

const MONITORS = 20;
const ids = Array.from({ length: MONITORS }, (_, i) => `monitor-${String(i).padStart(2, "0")}`);
const config = configOf({ monitors: ids.map((id) => ({ id, name: id, type: "http", url: `https://${id}.example.test/health` })) });
const LETTER: Record<string, string> = { up: "u", degraded: "d", down: "x", unknown: "n" };

/** What each monitor's probe says each minute: mostly up, some degraded, a few down and a few without a verdict. */
function minutes(seed: number) {
  const random = rng(seed);
  return (): Record<string, Said> => {
    const out: Record<string, Said> = {};
    for (const id of ids) {
      const r = random();
      const status = r < 0.01 ? "down" : r < 0.04 ? "degraded" : r < 0.045 ? "unknown" : "up";
      out[id] = [status, status === "unknown" || (status === "down" && random() < 0.5) ? null : Math.round(40 * Math.exp(random() * 2.5))];
    }
    return out;
  };
}

describe("a simulated day: 1,440 ticks of 20 monitors through the writer and the real R2 binding", () => {
  it("archives every hour and the day exactly, within the Class A budget and with bounded reads", { timeout: 240_000 }, async () => {
    const counter = countingBucket(env.HISTORY);
    const errors: string[] = [];
    const sim = simulation(config, {
      stores: storesWith(counter.bucket),
      log: (level, msg) => void (level !== "info" && errors.push(msg)),
    });
    const next = minutes(1);
    const start = Date.parse("2096-08-20T00:30:00Z");
    const said: { t: number; m: Record<string, Said> }[] = [];
    const max = { tickReads: 0, tickWrites: 0, jobReads: 0, jobWrites: 0 };
    /** Bytes of the history the writer keeps, after each hour's archive. */
    const stateBytes: number[] = [];

    for (let i = 0; i < 1_440; i++) {
      const t = start + i * 60_000;
      const m = next();
      said.push({ t, m });
      let [reads, writes] = [counter.classB(), counter.classA()];
      const summary = await sim.tick(t, m);
      if (i > 0) max.tickReads = Math.max(max.tickReads, counter.classB() - reads);
      max.tickWrites = Math.max(max.tickWrites, counter.classA() - writes);
      if (!summary.jobs) continue;
      // As the alarm would: the archive jobs right after the tick that queued them.
      [reads, writes] = [counter.classB(), counter.classA()];
      await sim.runJobs();
      max.jobReads = Math.max(max.jobReads, counter.classB() - reads);
      max.jobWrites = Math.max(max.jobWrites, counter.classA() - writes);
      stateBytes.push(
        await inWriter(
          sim.options(),
          async (deps) => JSON.stringify([deps.hot.load()!.hour, deps.hot.load()!.uptime, deps.hot.dayAccumulators()]).length,
        ),
      );
    }

    const historyPuts = counter.putKeys.filter((k) => k !== LATEST_KEY && !k.startsWith("incidents/"));
    console.log(
      JSON.stringify({
        calls: counter.calls,
        historyPuts: historyPuts.length,
        max,
        historyStateBytes: stateBytes.filter((_, i) => i % 6 === 0),
      }),
    );
    expect(errors).toEqual([]);

    // Class A: 24 hours (and recent.json with each), one day, its month and the summary; one list, the day's prune of
    // resolved incidents past their retention (history itself is pruned by computed keys).
    expect(historyPuts.filter((k) => k.startsWith("raw/"))).toHaveLength(24);
    expect(historyPuts.filter((k) => k === "recent.json")).toHaveLength(24);
    expect(historyPuts.filter((k) => !k.startsWith("raw/") && k !== "recent.json").sort()).toEqual([
      "days/2096-08-20.json",
      "months/2096-08.json",
      "summary.json",
    ]);
    expect(counter.calls.list ?? 0).toBe(1);
    expect(counter.putKeys.filter((k) => k === LATEST_KEY)).toHaveLength(1_440);
    expect(counter.classA() * 30).toBeLessThanOrEqual(BUDGET_CLASS_A_PER_MONTH);
    // Deletes are free in R2; the prune is one bulk delete a day.
    expect(counter.calls.delete ?? 0).toBe(1);
    // Reads: a tick reads nothing (the writer keeps its state; only the very first looks for a previous version's
    // latest.json); the day's archive reads the month's day objects when its month is missing, and the summary's months.
    expect(max.tickReads).toBe(0);
    expect(max.jobReads).toBeLessThanOrEqual(31 + 1 + 4);
    expect(counter.classB()).toBeLessThanOrEqual(1 + 31 + 1 + 4);
    expect(max.tickWrites).toBeLessThanOrEqual(1 + 3); // latest.json and incident records
    expect(max.jobWrites).toBeLessThanOrEqual(6); // raw hour, recent.json, day, month, summary, the incident prune's list
    // What the writer keeps of history (the hour's counts, the uptime sums, the day's accumulators) is bounded by
    // monitors, not by the time of day: the raw minutes live in rows, at most an hour of them.
    expect(Math.max(...stateBytes)).toBeLessThan(MONITORS * 1_000);
    const rows = await inWriter(sim.options(), async (deps) => ({
      points: deps.sql.points(0, Number.MAX_SAFE_INTEGER).length,
      hours: deps.sql.hours("").length,
    }));
    expect(rows.points).toBeLessThanOrEqual(60);
    expect(rows.hours).toBeLessThanOrEqual(26);

    // What the archives hold, computed straight from what the probes said.
    const id = "monitor-07";
    const index = ids.indexOf(id);
    for (const h of ["2096-08-20T00", "2096-08-20T13", "2096-08-20T23"]) {
      const inHour = said.filter((s) => hourKeyOf(s.t) === h);
      const object = HourObject.parse(JSON.parse(await (await env.HISTORY.get(rawHourKey(h)))!.text()));
      expect(object.ticks.map(([offset, letters]) => [offset, letters[index]])).toEqual(
        inHour.map((s) => [s.t - Date.parse(`${h}:00:00Z`), LETTER[s.m[id]![0]]]),
      );
      expect(object.rollup[id]).toEqual(rollupOf(inHour.map((s) => s.m[id]!)));
    }
    const day = DayObject.parse(JSON.parse(await (await env.HISTORY.get(dayObjectKey("2096-08-20")))!.text()));
    const ofDay = said.filter((s) => s.t < Date.parse("2096-08-21T00:00:00Z")).map((s) => s.m[id]!);
    expect(day.hours).toHaveLength(24);
    expect(day.rollup[id]!.slice(0, 5)).toEqual(countsOf(ofDay));
    expect(day.rollup[id]![7]).toBe(rollupOf(ofDay)[7]);

    // Uptime at the last tick: its hour and the 24 before it, and the archived day with today, both cover every minute.
    const latest = parseLatestText(await (await env.HISTORY.get(LATEST_KEY))!.text());
    if (latest.kind !== "ok") throw new Error("latest.json unreadable");
    const all = uptimePercent(countsOf(said.map((s) => s.m[id]!)));
    expect(latest.value.uptime[id]).toEqual({ "24h": all, "7d": all, "30d": all, "90d": all });
    expect(said.at(-1)!.t - start).toBe(1_439 * 60_000);
    expect(hourKeyOf(said.at(-1)!.t)).toBe(hourKeyOf(start + 24 * HOUR_MS));
  });
});

function countsOf(minutesSaid: Said[]): Counts {
  const counts = zeroCounts();
  for (const [status] of minutesSaid) counts[STATUS_ORDER.indexOf(status)]! += 1;
  return counts;
}

function rollupOf(minutesSaid: Said[]) {
  const latencies = minutesSaid.flatMap(([, ms]) => (ms === null ? [] : [ms])).sort((a, b) => a - b);
  return [...countsOf(minutesSaid), exactPercentile(latencies, 0.5), exactPercentile(latencies, 0.95), latencies.at(-1) ?? null];
}
