import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import type { Config } from "../../src/config/schema";
import { probeCost, probeCpuMs } from "../../src/probes";
import { RESERVED_SUBREQUESTS } from "../../src/probes/subrequest-budget";
import { SHARD_BASE_CPU_MS, SHARD_WALL_BUDGET_MS, type ShardPlan, planTick, worstCaseWallMs } from "../../src/shards/plan-shards";

// Timeouts short enough that the wall-time bound never binds, unless a test says otherwise.
const http = (i: number, fields: Record<string, unknown> = {}) => ({
  id: `http-${i}`,
  name: `HTTP ${i}`,
  type: "http",
  url: `https://svc-${i}.example.test/health`,
  timeoutMs: 3_000,
  ...fields,
});
const tls = (i: number) => ({ id: `tls-${i}`, name: `TLS ${i}`, type: "tls", host: `svc-${i}.example.test`, timeoutMs: 3_000 });

function config(monitors: unknown[], limits?: Record<string, unknown>): Config {
  const result = parseConfig({ title: "Plan", monitors, ...(limits ? { limits } : {}) });
  if (!result.ok) throw new Error(`invalid test config:\n${result.errors.join("\n")}`);
  return result.config;
}

const many = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
const ids = (shards: readonly ShardPlan[]) => shards.flatMap((s) => s.monitors.map((m) => m.id));
const sizes = (shards: readonly ShardPlan[]) => shards.map((s) => s.monitors.length);

function expectWithinLimits(shard: ShardPlan, limits: Config["limits"]) {
  expect(shard.monitors.length).toBeGreaterThan(0);
  expect(shard.monitors.length).toBeLessThanOrEqual(limits.monitorsPerShard);
  expect(shard.monitors.reduce((sum, m) => sum + 2 * probeCost(m), 0)).toBeLessThanOrEqual(limits.subrequests);
  expect(shard.monitors.reduce((sum, m) => sum + probeCpuMs(m), 0)).toBeLessThanOrEqual(limits.cpuMs - SHARD_BASE_CPU_MS);
  expect(worstCaseWallMs(shard.monitors)).toBeLessThanOrEqual(SHARD_WALL_BUDGET_MS);
}

describe("parseConfig (test configs)", () => {
  it("builds the configs these tests plan, with the default limits", () => {
    expect(parseConfig({ title: "Plan", monitors: many(5, (i) => http(i)) }).ok).toBe(true);
    expect(config([http(0)]).limits).toEqual({ subrequests: 50, cpuMs: 10, monitorsPerShard: 25 });
  });
});

describe("planTick", () => {
  it("runs a small config inline, with no shards", () => {
    // The writer (the coordinator, an invocation of its own): 3 ms and 0.015 ms a monitor.
    expect(planTick(config(many(5, (i) => http(i))))).toEqual({ inline: true, shards: [], dropped: [], writerCpuMs: 3.1 });
  });

  it("counts the probes against the cron's invocation: 13 http monitors fit its 10 ms, 14 are sharded", () => {
    // 3.5 ms for the tick and 0.5 ms a probe; judging and storing is the writer's, not the cron's.
    expect(planTick(config(many(13, (i) => http(i)))).inline).toBe(true);
    const sharded = planTick(config(many(14, (i) => http(i))));
    expect(sharded.inline).toBe(false);
    expect(sharded.writerCpuMs).toBe(3.2);
    expect(planTick(config(many(200, (i) => http(i)))).writerCpuMs).toBe(6);
  });

  it("shards 200 http monitors: each in exactly one shard, every shard within the limits", () => {
    const cfg = config(many(200, (i) => http(i)));
    const plan = planTick(cfg);
    expect(plan.inline).toBe(false);
    expect(plan.dropped).toEqual([]);
    expect(plan.shards.length).toBeGreaterThan(1);

    const assigned = ids(plan.shards);
    expect(assigned).toHaveLength(200);
    expect(new Set(assigned).size).toBe(200);
    for (const shard of plan.shards) {
      expect(shard.location).toBeNull();
      expectWithinLimits(shard, cfg.limits);
    }
  });

  it("gives shards unique keys", () => {
    const plan = planTick(config(many(200, (i) => http(i))));
    const keys = plan.shards.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("keeps config order across shards", () => {
    const cfg = config(many(200, (i) => http(i)));
    expect(ids(planTick(cfg).shards)).toEqual(cfg.monitors.map((m) => m.id));
  });

  it("keeps config order across shards when monitor types are mixed", () => {
    const cfg = config(many(120, (i) => (i % 3 === 0 ? tls(i) : http(i))));
    const plan = planTick(cfg);
    expect(plan.inline).toBe(false);
    expect(ids(plan.shards)).toEqual(cfg.monitors.map((m) => m.id));
    for (const shard of plan.shards) expectWithinLimits(shard, cfg.limits);
  });

  it("makes smaller shards of tls monitors than of http ones under cpuMs 10", () => {
    const httpPlan = planTick(
      config(
        many(100, (i) => http(i)),
        { cpuMs: 10 },
      ),
    );
    const tlsPlan = planTick(
      config(
        many(100, (i) => tls(i)),
        { cpuMs: 10 },
      ),
    );
    expect(Math.max(...sizes(tlsPlan.shards))).toBeLessThan(Math.max(...sizes(httpPlan.shards)));
    expect(tlsPlan.shards.length).toBeGreaterThan(httpPlan.shards.length);
    // Within 10 − 2 ms: eight tls (1 ms each) to a shard, sixteen http (0.5 ms each).
    expect(sizes(tlsPlan.shards)[0]).toBe(8);
    expect(sizes(httpPlan.shards)[0]).toBe(16);
  });

  it("makes bigger tls shards under cpuMs 30000 than under cpuMs 10", () => {
    const cpuBound = planTick(
      config(
        many(100, (i) => tls(i)),
        { cpuMs: 10 },
      ),
    );
    const roomy = planTick(
      config(
        many(100, (i) => tls(i)),
        { cpuMs: 30_000 },
      ),
    );
    expect(Math.max(...sizes(roomy.shards))).toBeGreaterThan(Math.max(...sizes(cpuBound.shards)));
    expect(roomy.shards.length).toBeLessThan(cpuBound.shards.length);
    // Now subrequests bound them: 2 × 2 per tls monitor within 50.
    expect(sizes(roomy.shards)[0]).toBe(12);
  });

  it("sizes tls shards like http ones when neither CPU nor subrequests bind", () => {
    const limits = { cpuMs: 30_000, subrequests: 1000 };
    const tlsPlan = planTick(
      config(
        many(100, (i) => tls(i)),
        limits,
      ),
    );
    const httpPlan = planTick(
      config(
        many(100, (i) => http(i)),
        limits,
      ),
    );
    expect(sizes(tlsPlan.shards)).toEqual(sizes(httpPlan.shards));
    expect(sizes(tlsPlan.shards)).toEqual([25, 25, 25, 25]);
  });

  it("keeps a shard small enough to finish inside the minute when every target hangs: a mass outage shows as down", () => {
    // Default 10 s timeouts: two rounds of six, each probe timing out twice, is 40 s; a third round would be 60 s.
    const plan = planTick(
      config(
        many(100, (i) => http(i, { timeoutMs: undefined })),
        { subrequests: 1000, cpuMs: 30_000 },
      ),
    );
    expect(sizes(plan.shards)).toEqual([12, 12, 12, 12, 12, 12, 12, 12, 4]);
    for (const shard of plan.shards) expect(worstCaseWallMs(shard.monitors)).toBe(Math.ceil(shard.monitors.length / 6) * 20_000);
    // One slow monitor only shrinks the shard it is in.
    const mixed = planTick(
      config(
        many(50, (i) => http(i, i === 30 ? { timeoutMs: 20_000 } : {})),
        { subrequests: 1000, cpuMs: 30_000 },
      ),
    );
    expect(sizes(mixed.shards)).toEqual([25, 6, 19]);
  });

  it("puts a located monitor once in a shard for each of its locations", () => {
    const cfg = config([http(0), http(1, { locations: ["wnam", "weur", "apac"] }), http(2)]);
    const plan = planTick(cfg);
    expect(plan.inline).toBe(false);
    expect(plan.dropped).toEqual([]);

    const holding = plan.shards.filter((s) => s.monitors.some((m) => m.id === "http-1"));
    expect(holding.map((s) => s.location).sort()).toEqual(["apac", "weur", "wnam"]);
    for (const shard of holding) expect(shard.monitors.filter((m) => m.id === "http-1")).toHaveLength(1);

    const anywhere = plan.shards.filter((s) => s.location === null);
    expect(ids(anywhere)).toEqual(["http-0", "http-2"]);
    const keys = plan.shards.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("never runs a config with located monitors inline, however small", () => {
    const plan = planTick(config([http(0, { locations: ["weur"] })]));
    expect(plan.inline).toBe(false);
    expect(plan.shards).toHaveLength(1);
    expect(plan.shards[0]).toMatchObject({ location: "weur" });
    expect(ids(plan.shards)).toEqual(["http-0"]);
  });

  it("leaves no empty shard for unlocated monitors when every monitor is located", () => {
    const plan = planTick(config([http(0, { locations: ["weur", "apac"] }), http(1, { locations: ["apac"] })]));
    expect(plan.shards.every((s) => s.monitors.length > 0)).toBe(true);
    expect(plan.shards.map((s) => [s.location, ids([s])])).toEqual([
      ["weur", ["http-0"]],
      ["apac", ["http-0", "http-1"]],
    ]);
  });

  it("puts shards the coordinator cannot call in dropped, not shards", () => {
    // One monitor a shard, and 20 − 12 = 8 shard calls left to the coordinator.
    const cfg = config(
      many(11, (i) => http(i)),
      { subrequests: 20, monitorsPerShard: 1 },
    );
    const callable = cfg.limits.subrequests - RESERVED_SUBREQUESTS;
    const plan = planTick(cfg);
    expect(plan.inline).toBe(false);
    expect(plan.shards).toHaveLength(callable);
    expect(plan.dropped).toHaveLength(11 - callable);
    expect(ids(plan.shards)).toEqual(cfg.monitors.slice(0, callable).map((m) => m.id));
    expect(ids(plan.dropped)).toEqual(cfg.monitors.slice(callable).map((m) => m.id));
  });

  it("calls every shard when there are exactly as many as the coordinator can call", () => {
    const cfg = config(
      many(8, (i) => http(i)),
      { subrequests: 20, monitorsPerShard: 1 },
    );
    const plan = planTick(cfg);
    expect(plan.shards).toHaveLength(8);
    expect(plan.dropped).toEqual([]);
  });

  it("plans the same config the same way every time", () => {
    const monitors = [...many(60, (i) => http(i)), ...many(20, (i) => tls(i)), http(99, { locations: ["wnam", "eeur"] })];
    const first = planTick(config(monitors));
    const second = planTick(config(monitors));
    const shape = (shards: readonly ShardPlan[]) => shards.map((s) => ({ key: s.key, location: s.location, ids: ids([s]) }));
    expect(shape(second.shards)).toEqual(shape(first.shards));
    expect(shape(second.dropped)).toEqual(shape(first.dropped));
    expect(second.inline).toBe(first.inline);
  });

  it("splits 1,000 monitors into shards of monitorsPerShard on a Paid plan's limits", () => {
    const cfg = config(
      many(1000, (i) => http(i)),
      { subrequests: 1000, cpuMs: 30_000 },
    );
    expect(cfg.limits.monitorsPerShard).toBe(25);
    const plan = planTick(cfg);
    expect(plan.inline).toBe(false);
    expect(plan.dropped).toEqual([]);
    expect(plan.shards).toHaveLength(40);
    expect(plan.shards.every((s) => s.monitors.length === 25)).toBe(true);
    expect(ids(plan.shards)).toEqual(cfg.monitors.map((m) => m.id));
  });
  it("gives push monitors no room: nothing probes them, and the writer's estimate still counts them", () => {
    const push = Array.from({ length: 40 }, (_, i) => ({ id: `job-${i}`, name: `Job ${i}`, type: "push", tokenSecret: "PUSH_TOKEN" }));
    const plan = planTick(config([http(1), ...push]));
    expect(plan).toMatchObject({ inline: true, shards: [], dropped: [] });
    expect(plan.writerCpuMs).toBe(
      planTick(
        config(
          Array.from({ length: 41 }, (_, i) => http(i)),
          { subrequests: 1000, cpuMs: 1000, monitorsPerShard: 500 },
        ),
      ).writerCpuMs,
    );
  });
});
