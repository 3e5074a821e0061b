import { resetBindings } from "../helpers/reset";
import { env } from "cloudflare:test";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_JOBS } from "../../src/coordinator/archive-jobs";
import { DAY_MS, dayKeyOf, HOUR_MS, hourKeyOf, rawHourKey } from "../../src/history/keys";
import type { HistoryCarry } from "../../src/history/schemas";
import type { AppEnv } from "../../src/http/app";
import { history } from "../../src/http/history-api";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { probeDeps } from "../helpers/monitors";
import { envWith } from "../helpers/worker";
import { configOf, inWriter, runJobs, storedState, testWriter } from "../helpers/writer";
import { failingBucket, r2Json, resultOf, simulation, storesWith } from "./history-fixtures";

afterEach(resetBindings);

const raw = { title: "t", monitors: [{ id: "a", name: "a", type: "http", url: "https://a.example.test/" }] };
const config = configOf(raw);
const at = (s: string) => Date.parse(`${s}:00Z`);

describe("archives stay right when R2 refuses them for a while, and after an upgrade", () => {
  it("hours queued while R2 failed across a day's end are archived once it heals", async () => {
    const sim = simulation(config, { stores: storesWith(failingBucket(env.HISTORY, { put: (k) => k.startsWith("raw/") })), log: () => {} });
    const t0 = at("2096-03-10T00:00");
    // 60 hours without raw archives: the 10th's day steps wait behind its hours, the 11th's hours behind them.
    for (let h = 0; h <= 60; h++) await sim.tick(t0 + h * HOUR_MS, { a: ["up", h] });
    sim.stores = storesWith(env.HISTORY);
    await sim.runJobs(500);
    const missing: string[] = [];
    for (let h = 0; h < 60; h++)
      if ((await r2Json(rawHourKey(hourKeyOf(t0 + h * HOUR_MS)))) === null) missing.push(hourKeyOf(t0 + h * HOUR_MS));
    expect(missing).toEqual([]);
  });

  it("the job queue stays bounded (MAX_JOBS) while R2 refuses archives", async () => {
    const sim = simulation(config, { stores: storesWith(failingBucket(env.HISTORY, { put: (k) => k.startsWith("raw/") })), log: () => {} });
    const t0 = at("2096-03-10T00:00");
    for (let h = 0; h <= 80; h++) await sim.tick(t0 + h * HOUR_MS, { a: ["up", h] });
    expect((await storedState(config)).meta.jobs.length).toBeLessThanOrEqual(MAX_JOBS);
  });

  function v1WithPending(): string {
    const hour = { h: "2096-05-04T09", ids: ["a"], ticks: [[0, "u", [5]]] as [number, string, (number | null)[]][] };
    const carry: HistoryCarry = {
      v: 1,
      hour: { h: "2096-05-04T10", ids: ["a"], ticks: [[0, "u", [6]]] },
      hours: [{ h: hour.h, m: { a: [1, 0, 0, 0, 0, 5, 5, 5] } }],
      today: { d: "2096-05-04", m: {} },
      windows: null,
      pending: {
        hours: [{ v: 1, ...hour, rollup: { a: [1, 0, 0, 0, 0, 5, 5, 5] } }],
        days: [{ v: 1, d: "2096-05-03", rollup: {}, hours: [] }],
      },
      pruned: { raw: null, days: null },
    };
    return JSON.stringify({ version: 1, tickAt: "2096-05-04T10:00:00.000Z", durationMs: 1, monitors: {}, kv: null, history: carry });
  }

  it("a pending day's month, summary and prune run once each", async () => {
    await env.HISTORY.put(LATEST_KEY, v1WithPending());
    const sim = simulation(config);
    await sim.tick(at("2096-05-04T10:01"), { a: ["up", 7] });
    expect(await sim.runJobs()).toBe(5); // put hour, put day, month, summary, prune
  });

  it("imported archive jobs arm the alarm", async () => {
    await env.HISTORY.put(LATEST_KEY, v1WithPending());
    const sim = simulation(config);
    await sim.tick(at("2096-05-04T10:01"), { a: ["up", 7] });
    expect((await storedState(config)).meta.jobs.length).toBeGreaterThan(0);
    expect(await inWriter(sim.options(), (deps) => deps.sql.getAlarm())).not.toBeNull();
  });

  describe("live-history: a finished hour not yet archived", () => {
    const app = new Hono<AppEnv>().route("/api", history);
    const get = async (path: string) => (await (await app.request(path, {}, envWith(raw))).json()) as { points: any[] };

    async function hourNotArchived() {
      const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 3 * HOUR_MS;
      const stores = storesWith(failingBucket(env.HISTORY, { put: (k) => k.startsWith("raw/") }));
      const options = { config, stores, log: () => {}, send: { ...probeDeps(), now: () => Date.now() + 365 * DAY_MS } };
      for (const t of [hour + 60_000, hour + 120_000, hour + HOUR_MS])
        await testWriter(options).tick({ scheduledTime: t, startedAt: t, configText: null, results: [resultOf("a", ["down", 9], t)] });
      await runJobs(options);
      return hour;
    }

    it("its raw minutes are served at resolution=raw", async () => {
      const hour = await hourNotArchived();
      const { points } = await get(
        `/api/monitors/a/history?resolution=raw&from=${new Date(hour).toISOString()}&to=${new Date(hour + HOUR_MS - 1).toISOString()}`,
      );
      expect(points).toHaveLength(2);
    });

    it("it counts in today's point at resolution=day", async () => {
      const hour = await hourNotArchived();
      const { points } = await get(`/api/monitors/a/history?resolution=day&from=${dayKeyOf(hour)}`);
      const today = points.find((p) => p.at.startsWith(dayKeyOf(hour + HOUR_MS)));
      expect(today.down).toBe(dayKeyOf(hour) === dayKeyOf(hour + HOUR_MS) ? 3 : 1);
    });
  });
});
