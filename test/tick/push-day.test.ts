import { resetBindings } from "../helpers/reset";

import { afterEach, describe, expect, it } from "vitest";
import { runNextJob } from "../../src/coordinator/archive-jobs";
import { commitTick } from "../../src/coordinator/commit-tick";
import { storesFrom } from "../../src/env/deps";
import type { ProbeDeps } from "../../src/probes/types";
import { countingBindings } from "../helpers/counting-bindings";
import { probeDeps } from "../helpers/monitors";
import { configOf, inWriter } from "../helpers/writer";

/** Push monitors beating every minute: the most the Free plan's Durable Object requests hold beside the ticks. */
const MONITORS = 50;
// Far ahead of the real clock: the alarm the writer arms (at its own clock) then never fires on its own mid-test.
const T0 = Date.parse("2096-11-28T00:00:00Z");
const MINUTE = 60_000;
const FREE = { doRequests: 100_000, rowsWritten: 100_000, rowsRead: 5_000_000, kvWrites: 1_000, r2ClassAPerMonth: 1_000_000 };

afterEach(resetBindings);

/**
 * A day of 50 push monitors, each beating every minute, every beat flipping between up and down (the worst case for
 * what a tick writes), counted as the deployment would pay for it: each beat is one Durable Object request (the
 * Worker's RPC call to the coordinator) and one SQLite row; each tick one request; each archive step one.
 */
describe("a simulated day of push monitors beating every minute", () => {
  it("stays inside every Free quota: one row a beat, no KV or R2 write for a beat", async () => {
    const config = configOf({
      monitors: Array.from({ length: MONITORS }, (_, i) => ({
        id: `job${String(i).padStart(2, "0")}`,
        name: `Job ${i}`,
        type: "push",
        tokenSecret: "PUSH_TOKEN",
      })),
    });
    let now = T0;
    const clock: ProbeDeps = { ...probeDeps(), now: () => now };
    const { counts, bucket, kv } = countingBindings();
    const stores = storesFrom({ HISTORY: bucket, STATE: kv } as never);
    const totals = { doRequests: 0, rowsRead: 0, rowsWritten: 0, beatRows: 0 };
    const writer = <T>(fn: Parameters<typeof inWriter<T>>[1]) =>
      inWriter({ config, stores, send: clock }, async (deps) => {
        try {
          return await fn(deps);
        } finally {
          totals.rowsRead += deps.sql.stats.rowsRead;
          totals.rowsWritten += deps.sql.stats.rowsWritten;
        }
      });

    let kvByBeats = 0;
    let r2ByBeats = 0;
    for (let minute = 0; minute < 1440; minute++) {
      now = T0 + minute * MINUTE;
      const before = { kv: counts.kvWrites, r2: counts.r2ClassA };
      // The minute's beats, a few seconds before the tick. Each is its own RPC call in production: counted one by one.
      await writer(async (deps) => {
        const start = deps.sql.stats.rowsWritten;
        for (const m of config.monitors) {
          totals.doRequests++;
          const stored = deps.sql.putBeat(
            { id: m.id, at: now - 5_000, beat: JSON.stringify({ status: minute % 2 ? "down" : "up" }) },
            10_000,
          );
          expect(stored.stored).toBe(true);
        }
        totals.beatRows += deps.sql.stats.rowsWritten - start;
      });
      kvByBeats += counts.kvWrites - before.kv;
      r2ByBeats += counts.r2ClassA - before.r2;
      totals.doRequests++;
      const summary = await writer((deps) => commitTick(deps, { scheduledTime: now, startedAt: now, results: [] }));
      expect(summary.skipped).toBeNull();
      for (let steps = 0; steps < 20; steps++) {
        totals.doRequests++;
        if (!(await writer((deps) => runNextJob(deps))).more) break;
      }
    }
    const day = { ...totals, kvWrites: counts.kvWrites, r2ClassA: counts.r2ClassA, kvByBeats, r2ByBeats };
    console.log(`simulated day, ${MONITORS} push monitors beating every minute:`, JSON.stringify(day));
    expect(totals.beatRows).toBe(MONITORS * 1440);
    expect(kvByBeats).toBe(0);
    expect(r2ByBeats).toBe(0);
    expect(totals.doRequests).toBeLessThanOrEqual(FREE.doRequests);
    expect(totals.rowsWritten).toBeLessThanOrEqual(FREE.rowsWritten);
    expect(totals.rowsRead).toBeLessThanOrEqual(FREE.rowsRead);
    expect(counts.kvWrites).toBeLessThanOrEqual(FREE.kvWrites);
    expect(counts.r2ClassA * 30).toBeLessThanOrEqual(FREE.r2ClassAPerMonth);
    // The ticks saw the beats: the last minute's (odd: down) is what every monitor shows.
    const shown = await writer(async (deps) => deps.hot.load()?.results);
    expect(Object.values(shown ?? {}).map((r) => r.status)).toEqual(config.monitors.map(() => "down"));
  }, 600_000);
});
