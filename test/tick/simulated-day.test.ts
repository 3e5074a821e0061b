import { env, reset } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import { storesFrom } from "../../src/deps";
import type { ProbeDeps } from "../../src/probes/types";
import { runTick } from "../../src/tick/run-tick";
import { countingBindings, type OpCounts } from "../helpers/counting-bindings";
import { probeDeps } from "../helpers/monitors";

const MONITORS = 20;
const TICKS_PER_DAY = 1440;
const T0 = Date.parse("2026-11-28T00:00:00Z");

afterEach(() => reset());

/**
 * A day of one-minute ticks for 20 monitors, every one of them flipping between up and down every tick: the worst
 * case for writes. Probes answer from an in-process fetch (this test counts storage operations, not network), and
 * the clock follows the simulated minutes.
 */
describe("a simulated day, worst case", () => {
  it("stays inside the Free plan: KV writes ≤ 1,000 a day, R2 Class A ≤ 100,000 a month, bounded reads per tick", async () => {
    const parsed = parseConfig({
      title: "t",
      monitors: Array.from({ length: MONITORS }, (_, i) => ({ id: `m${i}`, name: `M${i}`, type: "http", url: `https://m${i}.example.test/health` })),
    });
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    let now = T0;
    let tick = 0;
    const flipping: ProbeDeps = {
      ...probeDeps(),
      now: () => now,
      fetch: async () => new Response('{"status":"ok"}', { status: tick % 2 ? 500 : 200, headers: { "content-type": "application/json" } }),
    };
    const { counts, bucket, kv } = countingBindings();
    const stores = storesFrom({ ...env, HISTORY: bucket, STATE: kv });
    let maxReadsPerTick = 0;
    let opened = 0;
    for (tick = 0; tick < TICKS_PER_DAY; tick++) {
      now = T0 + tick * 60_000;
      const before: OpCounts = { ...counts };
      const summary = await runTick({ config: parsed.config, probe: flipping, ...stores, log: () => {} }, now);
      opened += summary.events.filter((e) => e.type === "incident.opened").length;
      maxReadsPerTick = Math.max(maxReadsPerTick, counts.r2ClassB - before.r2ClassB + counts.kvReads - before.kvReads);
    }
    console.log(`simulated day, ${MONITORS} monitors flipping every tick:`, JSON.stringify({ ...counts, maxReadsPerTick, incidentsOpened: opened }));
    expect(counts.kvWrites).toBeLessThanOrEqual(1_000);
    expect(counts.r2ClassA * 30).toBeLessThanOrEqual(100_000);
    expect(maxReadsPerTick).toBeLessThanOrEqual(4);
    // Flapping keeps one incident per monitor instead of one per flip.
    expect(opened).toBe(MONITORS);
  }, 180_000);
});
