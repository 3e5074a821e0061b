import { env, reset } from "cloudflare:test";
import { afterEach, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import type { Config } from "../../src/config/schema";
import { type CallShard } from "../../src/shards/collect-sharded";
import { runShardedTick, shardCaller, tickViaCoordinator } from "../../src/shards/coordinator";
import { planTick } from "../../src/shards/plan-shards";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { envWith, fireCron, get } from "../helpers/worker";

const base = `http://127.0.0.1:${inject("httpPort")}`;
const T0 = Date.parse("2026-11-28T10:00:00Z");
const minute = (n: number) => T0 + n * 60_000;
const quiet = () => {};

function configOf(raw: Record<string, unknown>): Config {
  const result = parseConfig({ title: "Fleet", ...raw });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

const fleet = (n: number, path = "/slow?ms=100") =>
  Array.from({ length: n }, (_, i) => ({ id: `svc-${String(i).padStart(4, "0")}`, name: `Service ${i}`, type: "http", url: `${base}${path}&n=${i}`, timeoutMs: 2_000 }));

async function latest(): Promise<Record<string, any>> {
  return JSON.parse(await (await env.HISTORY.get(LATEST_KEY))!.text());
}

afterEach(() => reset());

describe("sharded tick", () => {
  it("probes 200 monitors, each target taking 100 ms, across shards in one tick from the cron", async () => {
    const raw = { title: "Fleet", monitors: fleet(200) };
    const plan = planTick(configOf(raw));
    expect(plan.inline).toBe(false);
    expect(plan.shards.length).toBeGreaterThanOrEqual(8);
    const bindings = envWith(raw);
    const started = Date.now();
    await fireCron(bindings, minute(0));
    const wallMs = Date.now() - started;

    const stored = await latest();
    expect(stored.tickAt).toBe(new Date(minute(0)).toISOString());
    const statuses = Object.values(stored.monitors).map((m: any) => m.status);
    expect(statuses).toHaveLength(200);
    expect(new Set(statuses)).toEqual(new Set(["up"]));
    // Every result took its 100 ms: these are real probes, not stand-ins.
    expect(Object.values(stored.monitors).every((m: any) => m.latencyMs >= 100)).toBe(true);
    expect(wallMs).toBeLessThan(60_000);

    const body = await (await get(bindings, "/api/status")).json<Record<string, any>>();
    expect(body.monitors).toHaveLength(200);
    expect(body.status).toBe("operational");
  });

  it("marks the monitors of a shard that fails unknown for the tick, judges the rest, and opens nothing", async () => {
    const config = configOf({ monitors: fleet(60, "/ok?"), limits: { monitorsPerShard: 20 } });
    const real = shardCaller(env.SHARD);
    // The second shard gets a request it must refuse: a real failure of the real object, answered with HTTP 400.
    const call: CallShard = (shard, request, signal) => real(shard, shard.key === "any/1" ? { ...request, monitors: [] } : request, signal);
    const logs: unknown[][] = [];
    for (const n of [0, 1]) {
      const summary = await runShardedTick(env, config, minute(n), (...args) => logs.push(args), call);
      expect(summary.skipped).toBeNull();
      expect(summary.events).toEqual([]);
    }
    const stored = await latest();
    const byStatus = (status: string) => Object.entries(stored.monitors).filter(([, m]: any) => m.status === status).map(([id]) => id);
    expect(byStatus("unknown")).toEqual(planTick(config).shards[1]!.monitors.map((m) => m.id));
    expect(byStatus("up")).toHaveLength(40);
    expect(stored.monitors["svc-0020"].message).toMatch(/^not probed this tick: probe shard any\/1 failed: POST shard any\/1: HTTP 400/);
    expect(stored.incidents.incidents).toEqual([]);
    expect(logs.some(([level, msg]) => level === "error" && String(msg).startsWith("probe shard gave no results"))).toBe(true);
  });

  it("gives up on a shard that hangs after its deadline, and still writes the tick", async () => {
    const config = configOf({ monitors: fleet(4, "/ok?").map((m) => ({ ...m, timeoutMs: 100 })), limits: { monitorsPerShard: 2 } });
    const real = shardCaller(env.SHARD);
    const call: CallShard = (shard, request, signal) => (shard.key === "any/0" ? new Promise(() => {}) : real(shard, request, signal));
    const started = Date.now();
    const summary = await runShardedTick(env, config, minute(0), quiet, call);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(summary.results.map((r) => r.shown)).toEqual(["unknown", "unknown", "up", "up"]);
    expect(summary.results[0]!.message).toMatch(/did not answer within 5200 ms/);
    expect((await latest()).tickAt).toBe(new Date(minute(0)).toISOString());
  });

  it("is down only when a quorum of locations agrees; fewer make it degraded, naming the regions", async () => {
    const monitor = (down: string) => ({ id: "gateway", name: "API gateway", type: "http", url: `${base}/by-location?down=${down}`, locations: ["wnam", "weur", "apac"], failureThreshold: 1 });
    const one = await runShardedTick(env, configOf({ monitors: [monitor("weur")] }), minute(0), quiet);
    expect(one.results[0]).toMatchObject({ shown: "degraded" });
    expect(one.results[0]!.message).toMatch(/^down from weur, up from wnam and apac \(weur: HTTP 503/);
    expect(one.events.map((e) => e.type)).toEqual(["incident.opened"]);
    expect((await latest()).incidents.incidents[0]).toMatchObject({ impact: "minor" });

    const two = await runShardedTick(env, configOf({ monitors: [monitor("weur,apac")] }), minute(1), quiet);
    expect(two.results[0]).toMatchObject({ shown: "down", details: { statusCode: 503 } });
    expect(two.results[0]!.message).toMatch(/^down from weur and apac, up from wnam/);
    // The same incident, now an outage: a regional problem that spread is not a second incident.
    expect(two.events.map((e) => e.type)).toEqual(["incident.updated"]);
    expect((await latest()).incidents.incidents).toEqual([expect.objectContaining({ impact: "major" })]);

    const bindings = envWith({ title: "Fleet", monitors: [monitor("weur,apac")] });
    const body = await (await get(bindings, "/api/status")).json<Record<string, any>>();
    const locations = body.monitors[0].details.locations;
    expect(locations.map((l: any) => [l.location, l.status])).toEqual([
      ["wnam", "up"],
      ["weur", "down"],
      ["apac", "down"],
    ]);
    for (const l of locations) expect(l).toEqual({ location: l.location, colo: l.colo, status: l.status, latencyMs: expect.any(Number), checkedAt: expect.any(String), message: expect.any(String) });
  });

  it("loses nothing when shards report at the same moment, nor when two ticks reach the coordinator at once", async () => {
    // Four shards whose targets all answer after the same 300 ms: their reports arrive together.
    const raw = { title: "Fleet", monitors: fleet(8, "/slow?ms=300"), limits: { monitorsPerShard: 2 } };
    const config = configOf(raw);
    expect(planTick(config).shards).toHaveLength(4);
    const coordinator = env.COORDINATOR.get(env.COORDINATOR.idFromName("coordinator"));
    const tick = (at: number) =>
      coordinator.fetch("https://coordinator.edgewatch.internal/tick", { method: "POST", body: JSON.stringify({ scheduledTime: at, config: JSON.stringify(raw) }) }).then((r) => r.json<Record<string, any>>());
    const [a, b] = await Promise.all([tick(minute(0)), tick(minute(1))]);
    // The coordinator runs them one after the other: neither is dropped, each saw all eight results.
    expect([a.skipped, b.skipped]).toEqual([null, null]);
    expect([a.counts, b.counts]).toEqual([{ up: 8 }, { up: 8 }]);
    const stored = await latest();
    expect(stored.tickAt).toBe(new Date(minute(1)).toISOString());
    expect(Object.keys(stored.monitors)).toHaveLength(8);
    // Both minutes are in the raw history, each with all eight monitors up.
    expect(stored.history.hour.ticks.map(([offset, statuses]: [number, string]) => [offset, statuses])).toEqual([
      [0, "uuuuuuuu"],
      [60_000, "uuuuuuuu"],
    ]);
  });

  it("refuses a tick request with a bad config, naming the field, and writes nothing", async () => {
    const coordinator = env.COORDINATOR.get(env.COORDINATOR.idFromName("coordinator"));
    const bad = { title: "Fleet", monitors: [{ id: "a", name: "A", type: "http", url: `${base}/ok`, locations: ["mars"] }] };
    const response = await coordinator.fetch("https://coordinator.edgewatch.internal/tick", { method: "POST", body: JSON.stringify({ scheduledTime: minute(0), config: JSON.stringify(bad) }) });
    expect(response.status).toBe(422);
    expect((await response.json<{ issues: string[] }>()).issues.join("\n")).toContain("monitors[0].locations[0]");
    const garbage = await coordinator.fetch("https://coordinator.edgewatch.internal/tick", { method: "POST", body: "{" });
    expect(garbage.status).toBe(400);
    expect(await env.HISTORY.get(LATEST_KEY)).toBeNull();
  });

  it("logs, and writes nothing, when the coordinator refuses the cron's tick", async () => {
    const logs: unknown[][] = [];
    await tickViaCoordinator(envWith('{"title": "x", "monitors": []}'), minute(0), (...args) => logs.push(args));
    expect(logs).toEqual([["error", "sharded tick failed", { status: 422, body: expect.stringContaining("monitors") }]]);
    expect(await env.HISTORY.get(LATEST_KEY)).toBeNull();
  });
});
