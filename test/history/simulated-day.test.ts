import { env, reset } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { advanceHistory } from "../../src/history/advance-history";
import { r2HistoryStore } from "../../src/history/history-store";
import { persistHistory } from "../../src/history/persist-history";
import { HistoryCarry, type HistoryStatus, type TickSample } from "../../src/history/schemas";
import { uptimeOf } from "../../src/history/uptime-of";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { rng } from "../helpers/rng";

afterEach(() => reset());

/** R2's price list: writes and lists are Class A, reads Class B, deletes free. */
const CLASS_A = ["put", "list", "createMultipartUpload", "resumeMultipartUpload"] as const;
const CLASS_B = ["get", "head"] as const;
const FREE_CLASS_A_PER_MONTH = 1_000_000;
const BUDGET_CLASS_A_PER_MONTH = 100_000;
/** What latest.json costs on its own: one put per tick. */
const LATEST_PUTS_PER_MONTH = 43_200;

/** The real R2 binding, counting every operation by name (and puts by key). */
function countingBucket(bucket: R2Bucket) {
  const calls: Record<string, number> = {};
  const putKeys: string[] = [];
  const wrapped = new Proxy(bucket, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls[String(prop)] = (calls[String(prop)] ?? 0) + 1;
        if (prop === "put") putKeys.push(String(args[0]));
        return (value as Function).apply(target, args);
      };
    },
  });
  const total = (ops: readonly string[]) => ops.reduce((sum, op) => sum + (calls[op] ?? 0), 0);
  return { bucket: wrapped, calls, putKeys, classA: () => total(CLASS_A), classB: () => total(CLASS_B) };
}


function samples(monitors: number, seed: number) {
  const random = rng(seed);
  const ids = Array.from({ length: monitors }, (_, i) => `monitor-${String(i).padStart(2, "0")}`);
  return (tickMs: number): TickSample => {
    const out: TickSample["monitors"] = {};
    for (const id of ids) {
      const r = random();
      const status: HistoryStatus = r < 0.01 ? "down" : r < 0.04 ? "degraded" : r < 0.045 ? "maintenance" : "up";
      out[id] = { status, latencyMs: status === "down" && random() < 0.5 ? null : Math.round(40 * Math.exp(random() * 2.5)) };
    }
    return { tickAt: new Date(tickMs).toISOString(), monitors: out };
  };
}

describe("a simulated day: 1,440 ticks of 20 monitors through the real R2 binding", () => {
  it("stays within the Class A budget and reads a bounded number of objects per tick", { timeout: 120_000 }, async () => {
    const counter = countingBucket(env.HISTORY);
    const store = r2HistoryStore(counter.bucket);
    const next = samples(20, 1);
    const start = Date.parse("2026-08-20T00:30:00Z");
    const errors: string[] = [];
    const log = (level: string, msg: string) => void (level !== "info" && errors.push(msg));
    let maxReadsInATick = 0;
    let maxWritesInATick = 0;
    const sizes: Record<string, number> = {};
    const started = Date.now();

    for (let i = 0; i < 1_440; i++) {
      const tickMs = start + i * 60_000;
      const [readsBefore, writesBefore] = [counter.classB(), counter.classA()];
      // The tick: read latest.json (its carry), probe, advance, persist, write latest.json with the new carry.
      const latest = await counter.bucket.get(LATEST_KEY);
      const stored = latest ? HistoryCarry.safeParse((JSON.parse(await latest.text()) as { history?: unknown }).history) : null;
      const advanced = advanceHistory(stored?.success ? stored.data : null, next(tickMs));
      const carry = await persistHistory(store, advanced.carry!, { log });
      const text = JSON.stringify({ version: 1, tickAt: new Date(tickMs).toISOString(), history: carry });
      await counter.bucket.put(LATEST_KEY, text);
      maxReadsInATick = Math.max(maxReadsInATick, counter.classB() - readsBefore);
      maxWritesInATick = Math.max(maxWritesInATick, counter.classA() - writesBefore);
      const carryBytes = JSON.stringify(carry).length;
      if (new Date(tickMs).getUTCMinutes() === 59) sizes.endOfHour = Math.max(sizes.endOfHour ?? 0, carryBytes);
      if (i === 1_439) sizes.lastTick = carryBytes;
      sizes.max = Math.max(sizes.max ?? 0, carryBytes);
    }
    const elapsedMs = Date.now() - started;

    const historyClassA = counter.classA() - (counter.putKeys.filter((k) => k === LATEST_KEY).length);
    const historyPuts = counter.putKeys.filter((k) => k !== LATEST_KEY);
    console.log(JSON.stringify({ calls: counter.calls, historyClassA, maxReadsInATick, maxWritesInATick, carryBytes: sizes, elapsedMs }));

    expect(errors).toEqual([]);
    // 24 hours, one day, its month and the summary; never a list.
    expect(historyPuts.filter((k) => k.startsWith("raw/"))).toHaveLength(24);
    expect(historyPuts.filter((k) => !k.startsWith("raw/")).sort()).toEqual(["days/2026-08-20.json", "months/2026-08.json", "summary.json"]);
    expect(counter.calls.list ?? 0).toBe(0);
    expect(historyClassA).toBe(27);
    expect(historyClassA * 30).toBeLessThanOrEqual(BUDGET_CLASS_A_PER_MONTH - LATEST_PUTS_PER_MONTH);
    expect(counter.classA() * 30).toBeLessThanOrEqual(BUDGET_CLASS_A_PER_MONTH);
    expect(counter.classA() * 30).toBeLessThan(FREE_CLASS_A_PER_MONTH / 10);
    // Deletes are free in R2; even counted as Class A they fit: one bulk delete a day.
    expect(counter.calls.delete ?? 0).toBe(1);
    expect((historyClassA + (counter.calls.delete ?? 0)) * 30).toBeLessThanOrEqual(BUDGET_CLASS_A_PER_MONTH - LATEST_PUTS_PER_MONTH);
    // Reads: latest.json every tick, plus at most the months behind the summary at the day rollover.
    expect(maxReadsInATick).toBeLessThanOrEqual(6);
    expect(counter.classB()).toBeLessThanOrEqual(1_440 + 5);
    expect(maxWritesInATick).toBeLessThanOrEqual(5);

    // And what it kept adds up: uptime over the day from the carry.
    const carry = HistoryCarry.parse((JSON.parse(await (await env.HISTORY.get(LATEST_KEY))!.text()) as { history: unknown }).history);
    const uptime = uptimeOf(carry, start + 1_439 * 60_000)["monitor-00"]!;
    expect(uptime["24h"]).toBeGreaterThan(97);
    expect(uptime["7d"]).toBeGreaterThan(97);
  });
});

describe("the carry's size", () => {
  for (const monitors of [20, 200]) {
    it(`${monitors} monitors: at the end of an hour and of a day`, () => {
      const next = samples(monitors, 2);
      const start = Date.parse("2026-08-20T00:00:00Z");
      let carry: HistoryCarry | null = null;
      const sizes = { endOfFirstHour: 0, endOfDay: 0 };
      for (let i = 0; i < 1_440; i++) {
        carry = advanceHistory(carry, next(start + i * 60_000)).carry!;
        carry = { ...carry, pending: { hours: [], days: [] } }; // as after a successful persist
        if (i === 59) sizes.endOfFirstHour = JSON.stringify(carry).length;
      }
      sizes.endOfDay = JSON.stringify(carry).length;
      console.log(JSON.stringify({ monitors, ...sizes }));
      expect(sizes.endOfDay).toBeLessThan(monitors * 3_000);
    });
  }
});
