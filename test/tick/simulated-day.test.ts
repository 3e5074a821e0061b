import { resetBindings } from "../helpers/reset";

import { afterEach, describe, expect, it } from "vitest";
import { commitTick } from "../../src/coordinator/commit-tick";
import { runNextJob } from "../../src/coordinator/archive-jobs";
import { storesFrom } from "../../src/env/deps";
import type { ProbeDeps } from "../../src/probes/types";
import { planTick } from "../../src/shards/plan-shards";
import { dueMonitors } from "../../src/tick/due-monitors";
import { probeBatch } from "../../src/probes/probe-batch";
import { countingBindings } from "../helpers/counting-bindings";
import { probeDeps } from "../helpers/monitors";
import { configOf, inWriter } from "../helpers/writer";

const MONITORS = 100;
// Far ahead of the real clock: the alarm the writer arms (at its own clock) then never fires on its own mid-test.
const T0 = Date.parse("2096-11-28T00:00:00Z");
const MINUTE = 60_000;
/** The Free plan's daily quotas (Durable Objects, KV) and R2's monthly Class A, as a day's share. */
const FREE = { doRequests: 100_000, rowsWritten: 100_000, rowsRead: 5_000_000, kvWrites: 1_000, r2ClassAPerMonth: 1_000_000 };

afterEach(resetBindings);

/**
 * A day and five minutes of one-minute ticks (after half a day to start from) for 100 http monitors, every one of them flipping between up and down
 * every minute (the worst case for writes), with a webhook channel. Probes answer from an in-process fetch (this test
 * counts storage, not network). Everything the writer does goes through the real bindings, counted: R2 and KV by
 * proxies, SQLite rows by the cursors' own counts, Durable Object requests as the deployment would make them (the
 * cron's call to the coordinator, one per shard the plan calls, one per archive step run by the alarm).
 */
describe("a simulated worst-case day of 100 monitors", () => {
  it("stays inside every Free quota, and the hot state is the same size at 23:59 as at 00:05", async () => {
    const config = configOf({
      monitors: Array.from({ length: MONITORS }, (_, i) => ({
        id: `m${String(i).padStart(3, "0")}`,
        name: `M${i}`,
        type: "http",
        url: `https://m${i}.example.test/health`,
      })),
      notifications: { channels: [{ id: "ops", type: "webhook", urlSecret: "HOOK_OPS" }] },
    });
    let now = T0;
    let minute = 0;
    let sends = 0;
    const flipping: ProbeDeps = {
      ...probeDeps({ HOOK_OPS: "https://hooks.example.test/edgewatch" }),
      now: () => now,
      fetch: async (input) => {
        if (String(input instanceof Request ? input.url : input).startsWith("https://hooks.")) return (sends++, new Response("ok"));
        return new Response('{"status":"ok"}', { status: minute % 2 ? 500 : 200, headers: { "content-type": "application/json" } });
      },
    };
    const { counts, bucket, kv } = countingBindings();
    const stores = storesFrom({ HISTORY: bucket, STATE: kv } as never);
    const sql = { rowsRead: 0, rowsWritten: 0 };
    let doRequests = 0;
    let opened = 0;
    let hotAt2359 = 0;
    let hotAt0005 = 0;
    const writer = <T>(fn: Parameters<typeof inWriter<T>>[1]) =>
      inWriter({ config, stores, send: flipping }, async (deps) => {
        doRequests++;
        try {
          return await fn(deps);
        } finally {
          sql.rowsRead += deps.sql.stats.rowsRead;
          sql.rowsWritten += deps.sql.stats.rowsWritten;
        }
      });
    // Each minute's results come from a real probe batch of the first up and down minute, stamped with the minute's
    // time: every probe leaves a timeout timer running until it fires, and a whole day in one test invocation would
    // pass the runtime's 10,000 active timers (a real tick is an invocation of its own).
    const templates = new Map<number, Awaited<ReturnType<typeof probeBatch>>["results"]>();
    const probed = async (due: typeof config.monitors, m: number) => {
      const parity = Math.abs(m % 2);
      if (!templates.has(parity)) {
        const batch = (await probeBatch(due, flipping, 10_000, 10_000)).results;
        expect(batch.map((r) => r.status)).toEqual(due.map(() => (parity ? "down" : "up")));
        templates.set(parity, batch);
      }
      const checkedAt = new Date(now).toISOString();
      return templates.get(parity)!.map((r) => ({ ...r, checkedAt }));
    };
    // What a tick reads (the archive jobs' own blobs left out).
    const TICK_READS = ["meta", "results", "tracks", "incidents", "delivery", "hour", "uptime", "warmup"];
    const hotSize = () =>
      inWriter({ config }, async (deps) =>
        Object.entries(deps.sql.blobSizes()).reduce((sum, [name, size]) => (TICK_READS.includes(name) ? sum + size : sum), 0),
      );

    // From noon of the day before: the measured day starts with a day's archives behind it, as any day after the first.
    let before = { counts: { ...counts }, sql: { ...sql }, doRequests: 0, opened: 0, sends: 0 };
    for (minute = -720; minute < 1440 + 6; minute++) {
      now = T0 + minute * MINUTE;
      if (minute === 0) before = { counts: { ...counts }, sql: { ...sql }, doRequests, opened, sends };
      const due = dueMonitors(config.monitors, now);
      doRequests += planTick({ ...config, monitors: due }).shards.length;
      const results = await probed(due, minute);
      const summary = await writer((deps) => commitTick(deps, { scheduledTime: now, startedAt: now, results }));
      opened += summary.events.filter((e) => e.type === "incident.opened").length;
      // The alarm runs the archive jobs, one step an invocation, before the next minute.
      for (let steps = 0; steps < 20; steps++) if (!(await writer((deps) => runNextJob(deps))).more) break;
      if (minute === 1439) hotAt2359 = await hotSize();
      if (minute === 1445) hotAt0005 = await hotSize();
    }
    // The measured day (00:00 to 23:59), less what the half day before it did.
    const kvWrites = counts.kvWrites - before.counts.kvWrites;
    const r2ClassA = counts.r2ClassA - before.counts.r2ClassA;
    const rowsWritten = sql.rowsWritten - before.sql.rowsWritten;
    const rowsRead = sql.rowsRead - before.sql.rowsRead;
    doRequests -= before.doRequests;
    opened -= before.opened;
    sends -= before.sends;
    const day = {
      kvWrites,
      r2ClassA,
      r2ClassB: counts.r2ClassB - before.counts.r2ClassB,
      rowsWritten,
      rowsRead,
      doRequests,
      opened,
      sends,
      hotAt2359,
      hotAt0005,
    };
    console.log(`simulated day, ${MONITORS} monitors flipping every minute:`, JSON.stringify(day));
    expect(doRequests).toBeLessThanOrEqual(FREE.doRequests);
    expect(rowsWritten).toBeLessThanOrEqual(FREE.rowsWritten);
    expect(rowsRead).toBeLessThanOrEqual(FREE.rowsRead);
    expect(kvWrites).toBeLessThanOrEqual(FREE.kvWrites);
    expect(r2ClassA * 30).toBeLessThanOrEqual(FREE.r2ClassAPerMonth);
    // Flapping keeps one incident per monitor open all along (opened the day before) instead of one per flip.
    expect(before.opened).toBe(MONITORS);
    expect(opened).toBe(0);
    expect(before.sends).toBeGreaterThanOrEqual(MONITORS);
    expect(Math.abs(hotAt2359 - hotAt0005) / hotAt0005).toBeLessThanOrEqual(0.05);
    // The archives of the day were written: its 24 hours, the day, its month and the summary.
    const keys = (await bucket.list({ prefix: "raw/2096-11-28/" })).objects.length;
    expect(keys).toBe(24);
    for (const key of ["days/2096-11-28.json", "months/2096-11.json", "summary.json", "recent.json"])
      expect(await bucket.head(key), key).not.toBeNull();
  }, 600_000);
});
