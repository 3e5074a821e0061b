import { env, reset } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { advanceHistory } from "../../src/history/advance-history";
import { r2HistoryStore } from "../../src/history/history-store";
import { addDays, DAY_MS, dayObjectKey, HOUR_MS, monthObjectKey, rawHourKey, SUMMARY_KEY } from "../../src/history/keys";
import { persistHistory } from "../../src/history/persist-history";
import { recordTick, tickSampleOf } from "../../src/history/record-tick";
import { DayObject, type HistoryCarry, HistorySummary, HourObject, MonthObject, type Rollups } from "../../src/history/schemas";

afterEach(() => reset());

const D = "2026-07-15";
const DMS = Date.parse(`${D}T00:00:00Z`);
const up = (latencyMs: number) => ({ status: "up" as const, latencyMs });

/** A carry that has just finished `day` (its hour 23 and the day are queued), with ticks at 23:58 and 23:59. */
function carryAtRollover(day = D, overrides: Partial<HistoryCarry> = {}): HistoryCarry {
  const start = Date.parse(`${day}T23:58:00Z`);
  let carry: HistoryCarry | null = null;
  for (const t of [start, start + 60_000, start + 120_000]) {
    carry = advanceHistory(carry, { tickAt: new Date(t).toISOString(), monitors: { a: up(t % 7), b: { status: "down", latencyMs: null } } }).carry;
  }
  return { ...carry!, ...overrides };
}

/** The real bucket, with chosen operations failing. */
function failing(bucket: R2Bucket, fail: { put?: (key: string) => boolean; get?: (key: string) => boolean; delete?: boolean }): R2Bucket {
  return new Proxy(bucket, {
    get(target, prop) {
      if (prop === "put") return (key: string, ...rest: unknown[]) => (fail.put?.(key) ? Promise.reject(new Error(`put ${key} failed`)) : (target.put as Function).call(target, key, ...rest));
      if (prop === "get") return (key: string, ...rest: unknown[]) => (fail.get?.(key) ? Promise.reject(new Error(`get ${key} failed`)) : (target.get as Function).call(target, key, ...rest));
      if (prop === "delete") return (keys: unknown) => (fail.delete ? Promise.reject(new Error("delete failed")) : target.delete(keys as string[]));
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function json(key: string): Promise<unknown> {
  const object = await env.HISTORY.get(key);
  return object ? JSON.parse(await object.text()) : null;
}

function logs() {
  const lines: string[] = [];
  return { lines, log: (_level: string, msg: string) => void lines.push(msg) };
}

const dayRollups = (n: number): Rollups => ({ a: [n, 0, 1, 0, 0, 5, 9, 10] });

describe("persistHistory", () => {
  it("writes a finished hour to raw/YYYY-MM-DD/HH.json and nothing else", async () => {
    let carry: HistoryCarry | null = null;
    for (const t of [DMS + 9 * HOUR_MS, DMS + 9 * HOUR_MS + 60_000, DMS + 10 * HOUR_MS]) carry = advanceHistory(carry, { tickAt: new Date(t).toISOString(), monitors: { a: up(20) } }).carry;
    const { lines, log } = logs();
    const next = await persistHistory(r2HistoryStore(env.HISTORY), carry!, { log });
    expect(lines).toEqual([]);
    expect(next.pending).toEqual({ hours: [], days: [] });
    const hour = HourObject.parse(await json(rawHourKey("2026-07-15T09")));
    expect(hour.rollup.a).toEqual([2, 0, 0, 0, 0, 20, 20, 20]);
    expect((await env.HISTORY.list()).objects.map((o) => o.key)).toEqual(["raw/2026-07-15/09.json"]);
  });

  it("at a day rollover writes the day, its month and the summary, and refreshes the complete-day sums", async () => {
    await env.HISTORY.put(monthObjectKey("2026-07"), JSON.stringify({ v: 1, month: "2026-07", days: { "2026-07-14": dayRollups(100) } }));
    await env.HISTORY.put(monthObjectKey("2026-06"), JSON.stringify({ v: 1, month: "2026-06", days: { "2026-06-30": dayRollups(50), "2026-06-01": dayRollups(7) } }));
    const next = await persistHistory(r2HistoryStore(env.HISTORY), carryAtRollover(), { log: () => {} });

    expect(next.pending).toEqual({ hours: [], days: [] });
    expect(HourObject.parse(await json(rawHourKey("2026-07-15T23"))).ticks).toHaveLength(2);
    const day = DayObject.parse(await json(dayObjectKey(D)));
    expect(day.rollup.b).toEqual([0, 0, 2, 0, 0, null, null, null]);
    expect(day.hours.map((h) => h.h)).toEqual(["2026-07-15T23"]);
    const month = MonthObject.parse(await json(monthObjectKey("2026-07")));
    expect(Object.keys(month.days).sort()).toEqual(["2026-07-14", D]);

    const summary = HistorySummary.parse(await json(SUMMARY_KEY));
    expect(summary.through).toBe(D);
    expect(summary.monitors.a!.counts.at(-1)).toEqual([2, 0, 0, 0, 0]);
    expect(summary.monitors.a!.counts.at(-2)).toEqual([100, 0, 1, 0, 0]);
    expect(summary.monitors.a!.counts.filter(Boolean)).toHaveLength(4);

    expect(next.windows!.through).toBe(D);
    expect(next.windows!.d7.a).toEqual([102, 0, 1, 0, 0]);
    expect(next.windows!.d30.a).toEqual([152, 0, 2, 0, 0]);
    expect(next.windows!.d90.a).toEqual([159, 0, 3, 0, 0]);
  });

  it("prunes by computed keys: raw hours past retention, day objects past 400 days", async () => {
    const today = addDays(D, 1);
    const seeded = [
      ...["2026-07-07", "2026-07-08", "2026-07-09"].flatMap((d) => [rawHourKey(`${d}T00`), rawHourKey(`${d}T23`)]),
      dayObjectKey(addDays(today, -402)),
      dayObjectKey(addDays(today, -401)),
      dayObjectKey(addDays(today, -400)),
      "latest.json",
    ];
    for (const key of seeded) await env.HISTORY.put(key, "{}");
    const next = await persistHistory(r2HistoryStore(env.HISTORY), carryAtRollover(), { log: () => {}, rawRetentionDays: 7 });
    const keys = (await env.HISTORY.list()).objects.map((o) => o.key);
    // Today is 07-16: raw keeps 07-09 … 07-15; day objects keep the 400 days before today.
    expect(keys.filter((k) => k.startsWith("raw/2026-07-0"))).toEqual(["raw/2026-07-09/00.json", "raw/2026-07-09/23.json"]);
    expect(keys.filter((k) => k.startsWith("days/2025"))).toEqual([dayObjectKey(addDays(today, -400))]);
    expect(keys).toContain("latest.json");
    expect(next.pruned).toEqual({ raw: "2026-07-08", days: addDays(today, -401) });
  });

  it("rebuilds a corrupt month from the day objects, and a corrupt summary from the months", async () => {
    const store = r2HistoryStore(env.HISTORY);
    for (const d of ["2026-07-01", "2026-07-02", "2026-07-14"]) await store.put(dayObjectKey(d), JSON.stringify({ v: 1, d, rollup: dayRollups(10), hours: [] }));
    await store.put(dayObjectKey("2026-07-03"), "{ truncated");
    await env.HISTORY.put(monthObjectKey("2026-07"), '{"v":1,"month":"2026-07","days":{"2026-07-01":');
    await env.HISTORY.put(monthObjectKey("2026-06"), "not json at all");
    await env.HISTORY.put(SUMMARY_KEY, '{"v":1,"through":');
    const { lines, log } = logs();
    const next = await persistHistory(store, carryAtRollover(), { log });
    expect(lines).toEqual(expect.arrayContaining(["history month is corrupt; rebuilding it from day objects", "history month is corrupt; read as empty"]));
    const month = MonthObject.parse(await json(monthObjectKey("2026-07")));
    expect(Object.keys(month.days).sort()).toEqual(["2026-07-01", "2026-07-02", "2026-07-14", D]);
    expect(HistorySummary.parse(await json(SUMMARY_KEY)).through).toBe(D);
    expect(next.windows!.d30.a).toEqual([32, 0, 3, 0, 0]);
  });

  it("rebuilds a missing month when history was already running, and starts one on a fresh start", async () => {
    const store = r2HistoryStore(env.HISTORY);
    await store.put(dayObjectKey("2026-07-10"), JSON.stringify({ v: 1, d: "2026-07-10", rollup: dayRollups(10), hours: [] }));
    await persistHistory(store, carryAtRollover(), { log: () => {} });
    expect(Object.keys(MonthObject.parse(await json(monthObjectKey("2026-07"))).days)).toEqual([D]);

    await env.HISTORY.delete(monthObjectKey("2026-07"));
    const running = carryAtRollover(D, { windows: { through: "2026-07-14", d7: {}, d30: {}, d90: {} } });
    await persistHistory(store, running, { log: () => {} });
    expect(Object.keys(MonthObject.parse(await json(monthObjectKey("2026-07"))).days).sort()).toEqual(["2026-07-10", D]);
  });

  it("never throws when R2 puts fail: the hour and day stay queued and are written by the next tick", async () => {
    const { lines, log } = logs();
    const broken = r2HistoryStore(failing(env.HISTORY, { put: () => true }));
    const carry = carryAtRollover();
    const after = await persistHistory(broken, carry, { log });
    expect(after.pending.hours.map((h) => h.h)).toEqual(["2026-07-15T23"]);
    expect(after.pending.days.map((d) => d.d)).toEqual([D]);
    expect(after.windows).toBeNull();
    expect(lines).toEqual(["history hour write failed; retried next tick", "history day write failed; retried next tick"]);
    expect((await env.HISTORY.list()).objects).toEqual([]);

    const healed = await persistHistory(r2HistoryStore(env.HISTORY), after, { log });
    expect(healed.pending).toEqual({ hours: [], days: [] });
    expect(healed.windows?.through).toBe(D);
    expect(await json(rawHourKey("2026-07-15T23"))).not.toBeNull();
    expect(await json(SUMMARY_KEY)).not.toBeNull();
  });

  it("retries the whole day when only the month write or a month read fails", async () => {
    const { log } = logs();
    const monthFails = await persistHistory(r2HistoryStore(failing(env.HISTORY, { put: (k) => k.startsWith("months/") })), carryAtRollover(), { log });
    expect(monthFails.pending.hours).toEqual([]);
    expect(monthFails.pending.days).toHaveLength(1);
    const readFails = await persistHistory(r2HistoryStore(failing(env.HISTORY, { get: (k) => k === monthObjectKey("2026-05") })), monthFails, { log });
    expect(readFails.pending.days).toHaveLength(1);
    expect(readFails.windows).toBeNull();
    const done = await persistHistory(r2HistoryStore(env.HISTORY), readFails, { log });
    expect(done.pending.days).toEqual([]);
  });

  it("carries on when the prune fails, and catches up at the next day", async () => {
    const { lines, log } = logs();
    const carry = carryAtRollover(D, { pruned: { raw: "2026-07-06", days: "2025-06-10" } });
    const next = await persistHistory(r2HistoryStore(failing(env.HISTORY, { delete: true })), carry, { log });
    expect(lines).toEqual(["history prune failed; retried at the next day"]);
    expect(next.pruned).toEqual(carry.pruned);
    expect(next.pending.days).toEqual([]);
  });

  it("writes at most one queued day per tick, oldest first", async () => {
    const first = carryAtRollover("2026-07-13");
    const second = advanceHistory(first, { tickAt: new Date(DMS + 2 * DAY_MS).toISOString(), monitors: { a: up(1) } }).carry!;
    expect(second.pending.days.map((d) => d.d)).toEqual(["2026-07-13", "2026-07-14"]);
    const store = r2HistoryStore(env.HISTORY);
    const once = await persistHistory(store, second, { log: () => {} });
    expect(once.pending.days.map((d) => d.d)).toEqual(["2026-07-14"]);
    const twice = await persistHistory(store, once, { log: () => {} });
    expect(twice.pending.days).toEqual([]);
    expect(Object.keys(MonthObject.parse(await json(monthObjectKey("2026-07"))).days).sort()).toEqual(["2026-07-13", "2026-07-14"]);
  });

  it("recordTick: advances from latest.json's monitors, persists, and logs what it ignored", async () => {
    const { lines, log } = logs();
    const store = r2HistoryStore(env.HISTORY);
    const monitors = { a: { type: "http", status: "up" as const, latencyMs: 12, checkedAt: "", message: "", details: {}, since: "" } };
    let carry = await recordTick(store, undefined, tickSampleOf("2026-07-15T09:59:00.000Z", monitors), { log });
    carry = await recordTick(store, carry, tickSampleOf("2026-07-15T09:59:00.000Z", monitors), { log });
    expect(lines).toEqual(["history ignored a tick"]);
    carry = await recordTick(store, carry, tickSampleOf("2026-07-15T10:00:00.000Z", monitors), { log, rawRetentionDays: -3 });
    expect(carry!.pending.hours).toEqual([]);
    expect(HourObject.parse(await json(rawHourKey("2026-07-15T09"))).ticks).toEqual([[3_540_000, "u", [12]]]);
    expect(await recordTick(store, null, { tickAt: "nope", monitors: {} }, { log })).toBeUndefined();
  });
});
