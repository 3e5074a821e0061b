import { resetBindings } from "../helpers/reset";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { TickInput, TickSummary } from "../../src/coordinator/commit-tick";
import { coordinatorOf, type InvalidConfig } from "../../src/coordinator/coordinator";
import type { CallShard } from "../../src/shards/collect-sharded";
import { planTick } from "../../src/shards/plan-shards";
import { shardCaller } from "../../src/shards/probe-shard";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { probeBatch } from "../../src/probes/probe-batch";
import { runTick, type TickWriter } from "../../src/tick/run-tick";
import { probeDeps } from "../helpers/monitors";
import { envWith, fireCron, get } from "../helpers/worker";
import { configOf, inWriter, storedLatest, storedState, tickDeps } from "../helpers/writer";

const base = `http://127.0.0.1:${inject("httpPort")}`;
const T0 = Date.parse("2026-11-28T10:00:00Z");
const minute = (n: number) => T0 + n * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

const fleet = (n: number, path = "/slow?ms=100") =>
  Array.from({ length: n }, (_, i) => ({
    id: `svc-${String(i).padStart(4, "0")}`,
    name: `Service ${i}`,
    type: "http",
    url: `${base}${path}&n=${i}`,
    timeoutMs: 2_000,
  }));

const latest = storedLatest;

function summaryOf(answer: TickSummary | InvalidConfig): TickSummary {
  if ("errors" in answer) throw new Error(`the coordinator refused the tick: ${answer.errors.join("; ")}`);
  return answer;
}

afterEach(resetBindings);

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
    expect(stored.tickAt).toBe(iso(minute(0)));
    const monitors = Object.values(stored.monitors) as Record<string, any>[];
    expect(monitors).toHaveLength(200);
    expect(new Set(monitors.map((m) => m.status))).toEqual(new Set(["up"]));
    // Every result took its 100 ms: these are real probes, not stand-ins.
    expect(monitors.every((m) => m.latencyMs >= 100)).toBe(true);
    expect(wallMs).toBeLessThan(60_000);

    const body = await (await get(bindings, "/api/status")).json<Record<string, any>>();
    expect(body.monitors).toHaveLength(200);
    expect(body.status).toBe("operational");
  });

  it("marks the monitors of a shard that fails unknown for the tick, judges the rest, and opens nothing", async () => {
    const config = configOf({ title: "Fleet", monitors: fleet(60, "/ok?"), limits: { monitorsPerShard: 20 } });
    const real = shardCaller(env.SHARD);
    // The second shard gets a request it cannot carry out: the real object throws, and the error comes back over RPC.
    const callShard: CallShard = (shard, request) => real(shard, shard.key === "any/1" ? { ...request, monitors: null as never } : request);
    const logs: unknown[][] = [];
    // Two ticks in a row: a shard failing again is still no reason to open an incident.
    for (const n of [0, 1]) {
      const summary = await runTick({ ...tickDeps({ config, log: (...args) => logs.push(args) }), callShard }, minute(n));
      expect(summary.skipped).toBeNull();
      expect(summary.events).toEqual([]);
    }
    const stored = await latest();
    expect(stored.tickAt).toBe(iso(minute(1)));
    const byStatus = (status: string) =>
      Object.entries(stored.monitors)
        .filter(([, m]: [string, any]) => m.status === status)
        .map(([id]) => id);
    const failed = planTick(config).shards[1]!.monitors.map((m) => m.id);
    expect(byStatus("unknown")).toEqual(failed);
    expect(byStatus("up")).toHaveLength(60 - failed.length);
    expect(stored.monitors["svc-0020"].message).toMatch(/^not probed this tick: probe shard any\/1 failed: \S/);
    expect(stored.incidents).toEqual([]);
    expect((await storedState(config)).incidents.incidents).toEqual([]);
    expect(logs.some(([level, msg]) => level === "error" && String(msg).startsWith("probe shard gave no results"))).toBe(true);
  });

  it("gives up on a shard that hangs after its deadline, and still writes the tick", async () => {
    const config = configOf({
      title: "Fleet",
      monitors: fleet(4, "/ok?").map((m) => ({ ...m, timeoutMs: 100 })),
      limits: { monitorsPerShard: 2 },
    });
    const real = shardCaller(env.SHARD);
    const callShard: CallShard = (shard, request) => (shard.key === "any/0" ? new Promise(() => {}) : real(shard, request));
    const started = Date.now();
    const summary = await runTick({ ...tickDeps({ config }), callShard }, minute(0));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(summary.results.map((r) => r.shown)).toEqual(["unknown", "unknown", "up", "up"]);
    // Two probes of 100 ms, each retried once, and the 5 s margin.
    expect(summary.results[0]!.message).toMatch(/did not answer within 5200 ms/);
    expect(summary.events).toEqual([]);
    expect((await latest()).tickAt).toBe(iso(minute(0)));
  });

  it("is down only when a quorum of locations agrees; fewer make it degraded, naming the regions", async () => {
    const monitor = (down: string) => ({
      id: "gateway",
      name: "API gateway",
      type: "http",
      url: `${base}/by-location?down=${down}`,
      locations: ["wnam", "weur", "apac"],
      failureThreshold: 1,
    });
    const one = await runTick(tickDeps({ config: configOf({ title: "Fleet", monitors: [monitor("weur")] }) }), minute(0));
    expect(one.results[0]).toMatchObject({ shown: "degraded" });
    expect(one.results[0]!.message).toMatch(/^down from weur, up from wnam and apac \(weur: HTTP 503/);
    expect(one.events.map((e) => e.type)).toEqual(["incident.opened"]);
    expect((await latest()).incidents).toEqual([expect.objectContaining({ impact: "minor" })]);

    const two = await runTick(tickDeps({ config: configOf({ title: "Fleet", monitors: [monitor("weur,apac")] }) }), minute(1));
    expect(two.results[0]).toMatchObject({ shown: "down", details: { statusCode: 503 } });
    expect(two.results[0]!.message).toMatch(/^down from weur and apac, up from wnam/);
    // The same incident, now an outage: a regional problem that spread is not a second incident.
    expect(two.events.map((e) => e.type)).toEqual(["incident.updated"]);
    expect(two.events[0]!.incidentId).toBe(one.events[0]!.incidentId);
    expect((await latest()).incidents).toEqual([expect.objectContaining({ id: one.events[0]!.incidentId, impact: "major" })]);

    const bindings = envWith({ title: "Fleet", monitors: [monitor("weur,apac")] });
    const body = await (await get(bindings, "/api/status")).json<Record<string, any>>();
    const locations = body.monitors[0].details.locations;
    expect(locations.map((l: any) => [l.location, l.status])).toEqual([
      ["wnam", "up"],
      ["weur", "down"],
      ["apac", "down"],
    ]);
    // Over RPC a shard learns no colo: the location hint is all that is known of where it ran.
    for (const l of locations)
      expect(l).toEqual({
        location: l.location,
        colo: null,
        status: l.status,
        latencyMs: expect.any(Number),
        checkedAt: expect.any(String),
        message: expect.any(String),
      });
  });

  it("loses nothing when shards report together, nor when two ticks reach the coordinator at once", async () => {
    // Four shards per tick whose targets all answer after the same 300 ms: their results arrive together.
    const raw = { title: "Fleet", monitors: fleet(8, "/slow?ms=300"), limits: { monitorsPerShard: 2 } };
    const config = configOf(raw);
    expect(planTick(config).shards).toHaveLength(4);
    const coordinator = coordinatorOf(env);
    // Holds each cron invocation's call until both have their results, then makes both calls in the same turn: the
    // coordinator gets them together and must not let the second in while the first awaits I/O.
    const held: { input: TickInput & { configText: string | null }; answer: (a: Promise<TickSummary | InvalidConfig>) => void }[] = [];
    const writer: TickWriter = {
      tick: (input) =>
        new Promise((answer) => {
          held.push({ input, answer });
          if (held.length === 2) for (const h of held) h.answer(coordinator.tick(h.input));
        }),
    };
    const deps = { ...tickDeps({ config }), configText: JSON.stringify(raw), writer };
    const [a, b] = await Promise.all([runTick(deps, minute(0)), runTick(deps, minute(1))]);
    // Calls made together may arrive in either order. One runs after the other: the later minute always lands; the
    // earlier one lands before it, or is skipped after it, never on top of it.
    expect(b).toMatchObject({ skipped: null, counts: { up: 8 } });
    expect([null, "duplicate"]).toContain(a.skipped);
    if (a.skipped === null) expect(a.counts).toEqual({ up: 8 });
    const applied = a.skipped === null ? [minute(0), minute(1)] : [minute(1)];

    const stored = await latest();
    expect(stored.tickAt).toBe(iso(minute(1)));
    expect(Object.keys(stored.monitors)).toHaveLength(8);
    const state = await storedState(config);
    expect(state.meta.lastTickAt).toBe(iso(minute(1)));
    // Every minute applied is counted for every monitor, and has its raw point, all eight up.
    expect(state.hour!.counts.map((c) => c[0])).toEqual(Array(8).fill(applied.length));
    const points = await inWriter({ config }, async (deps) => deps.sql.points(minute(0), minute(60)));
    expect(points.map((p) => [p.t, p.letters])).toEqual(applied.map((t) => [t, "uuuuuuuu"]));
  });

  it("skips, as a duplicate, a tick for an earlier minute that reaches the coordinator after a later one", async () => {
    const raw = { title: "Fleet", monitors: fleet(2, "/ok?") };
    const config = configOf(raw);
    const configText = JSON.stringify(raw);
    const coordinator = coordinatorOf(env);
    const { results } = await probeBatch(config.monitors, probeDeps(), 10, 50);
    const input = (n: number) => ({ scheduledTime: minute(n), startedAt: Date.now(), configText, results });
    expect(summaryOf(await coordinator.tick(input(2)))).toMatchObject({ skipped: null, counts: { up: 2 } });
    expect(summaryOf(await coordinator.tick(input(1)))).toMatchObject({ skipped: "duplicate", wroteLatest: false });
    expect((await latest()).tickAt).toBe(iso(minute(2)));
    expect((await storedState(config)).meta.lastTickAt).toBe(iso(minute(2)));
    const points = await inWriter({ config }, async (deps) => deps.sql.points(minute(0), minute(60)));
    expect(points.map((p) => [p.t, p.letters])).toEqual([[minute(2), "uu"]]);
  });

  it("refuses a tick whose config is invalid, naming the field, and writes nothing", async () => {
    const coordinator = coordinatorOf(env);
    const bad = { title: "Fleet", monitors: [{ id: "a", name: "A", type: "http", url: `${base}/ok`, locations: ["mars"] }] };
    const input = { scheduledTime: minute(0), startedAt: Date.now(), results: [] };
    const refused = await coordinator.tick({ ...input, configText: JSON.stringify(bad) });
    expect(refused).toEqual({
      ok: false,
      status: 422,
      errors: expect.arrayContaining([expect.stringContaining("monitors[0].locations[0]")]),
    });
    expect(await coordinator.tick({ ...input, configText: "{bad" })).toEqual({
      ok: false,
      status: 422,
      errors: [expect.stringContaining("not valid JSON")],
    });
    expect(await env.HISTORY.get(LATEST_KEY)).toBeNull();
  });

  it("fails the cron's tick, writing nothing, when the coordinator refuses it", async () => {
    const config = configOf({ title: "Fleet", monitors: fleet(1, "/ok?") });
    const deps = { ...tickDeps({ config }), configText: "{bad", writer: coordinatorOf(env) };
    await expect(runTick(deps, minute(0))).rejects.toThrow(/^the coordinator refused the tick: invalid configuration: /);
    expect(await env.HISTORY.get(LATEST_KEY)).toBeNull();
  });
});
