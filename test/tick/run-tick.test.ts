import { resetBindings } from "../helpers/reset";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import type { Config } from "../../src/config/schema";
import { runTick } from "../../src/tick/run-tick";
import { MIN_KV_WRITE_INTERVAL_MS } from "../../src/decide/decide-tick";
import { probeBatch } from "../../src/probes/probe-batch";
import { storedState, testWriter, tickDeps } from "../helpers/writer";
import { STATE_KEY } from "../../src/storage/kv-state-store";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { decodeShown } from "../../src/decide/compact-result";
import { countingStores } from "../helpers/counting-stores";
import { probeDeps } from "../helpers/monitors";

const base = `http://127.0.0.1:${inject("httpPort")}`;

function configOf(monitors: unknown[]): Config {
  const result = parseConfig({ title: "t", monitors });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

afterEach(resetBindings);

describe("runTick", () => {
  it("writes R2 every tick and KV only when a status changes, never more than once a tick", async () => {
    const config = configOf([
      { id: "a", name: "A", type: "http", url: `${base}/slow?ms=20` },
      { id: "b", name: "B", type: "http", url: `${base}/ok` },
    ]);
    const stores = countingStores();
    const deps = tickDeps({ config, stores });
    const t0 = Date.now();

    const first = await runTick(deps, t0);
    expect(first.wroteState).toBe(true);
    // The first run looks for a previous version's state (latest.json, then KV), finds none, and starts.
    expect(stores.counts).toEqual({ latestReads: 1, latestWrites: 1, stateReads: 1, stateWrites: 1, incidentWrites: 0 });

    // Latencies differ from tick to tick; statuses do not: no KV write, and the writer reads nothing back.
    for (let i = 1; i <= 3; i++) await runTick(deps, t0 + i * 60_000);
    expect(stores.counts).toMatchObject({ latestReads: 1, latestWrites: 4, stateReads: 1, stateWrites: 1 });
  });

  it("writes KV on a status change, holds back a change that comes too soon, and catches up later", async () => {
    const stores = countingStores();
    const ok = configOf([{ id: "a", name: "A", type: "http", url: `${base}/ok` }]);
    const failing = configOf([{ id: "a", name: "A", type: "http", url: `${base}/status/500` }]);
    const t0 = Date.now();
    const probe = probeDeps();
    await runTick(tickDeps({ config: ok, probe, stores }), t0);
    expect(stores.counts.stateWrites).toBe(1);

    // The clock has not moved MIN_KV_WRITE_INTERVAL_MS since the first write: KV waits.
    const soon = await runTick(tickDeps({ config: failing, probe, stores }), t0 + 60_000);
    expect(soon.wroteState).toBe(false);
    expect(JSON.parse((await env.STATE.get(STATE_KEY))!).monitors.a.status).toBe("up");

    const later = { ...probe, now: () => Date.now() + MIN_KV_WRITE_INTERVAL_MS };
    const caughtUp = await runTick(tickDeps({ config: failing, probe: later, stores }), t0 + 120_000);
    expect(caughtUp.wroteState).toBe(true);
    expect(JSON.parse((await env.STATE.get(STATE_KEY))!).monitors.a).toMatchObject({
      status: "down",
      since: new Date(t0 + 60_000).toISOString(),
    });
    expect(stores.counts.stateWrites).toBe(2);
  });

  it("does not depend on latest.json: a corrupt one is rewritten, `since` kept from the writer's own state", async () => {
    const config = configOf([{ id: "a", name: "A", type: "http", url: `${base}/ok` }]);
    const t0 = Date.now();
    await runTick(tickDeps({ config }), t0);
    await env.HISTORY.put(LATEST_KEY, "{ truncated");
    const summary = await runTick(tickDeps({ config }), t0 + 60_000);
    expect(summary.wroteLatest).toBe(true);
    const latest = JSON.parse(await (await env.HISTORY.get(LATEST_KEY))!.text());
    expect(decodeShown(latest.monitors.a)).toMatchObject({ status: "up", since: new Date(t0).toISOString() });
  });

  it("survives failing stores: results are still returned and the failures logged", async () => {
    const config = configOf([{ id: "a", name: "A", type: "http", url: `${base}/ok` }]);
    const boom = () => Promise.reject(new Error("R2 is down"));
    const logs: string[] = [];
    const stores = {
      latest: { readLatest: boom, readLatestText: boom, writeLatest: boom },
      state: { readState: boom, writeState: boom },
      incidents: { putIncident: boom, getIncident: boom, listIncidents: boom, pruneIncidents: boom },
      history: { get: boom, put: boom, delete: boom },
    };
    const t0 = Date.now();
    const summary = await runTick(tickDeps({ config, stores, log: (_l, msg) => logs.push(msg) }), t0);
    expect(summary.results.map((r) => r.status)).toEqual(["up"]);
    expect(summary).toMatchObject({ wroteLatest: false, wroteState: false });
    expect(logs).toEqual(
      expect.arrayContaining([
        "R2 latest read failed during the import",
        "KV state read failed",
        "KV state write failed",
        "R2 latest write failed",
      ]),
    );
    // The writer's own state holds the tick all the same.
    expect((await storedState(config)).meta.lastTickAt).toBe(new Date(t0).toISOString());
  });

  it("runs at most six probes at once", async () => {
    const monitors = Array.from({ length: 12 }, (_, i) => ({ id: `m${i}`, name: `M${i}`, type: "http", url: `${base}/slow?ms=150` }));
    const started = Date.now();
    const summary = await runTick(tickDeps({ config: configOf(monitors) }), started);
    const elapsed = Date.now() - started;
    expect(summary.results).toHaveLength(12);
    // Two waves of six at 150 ms each; all twelve at once would take ~150 ms.
    expect(elapsed).toBeGreaterThanOrEqual(300);
  });
});

describe("a tick within the invocation's subrequests", () => {
  it("probes only what fits and shows the rest as unknown, never as failures", async () => {
    const config = configOf(Array.from({ length: 10 }, (_, i) => ({ id: `m${i}`, name: `M${i}`, type: "http", url: `${base}/ok` })));
    let fetches = 0;
    const probe = { ...probeDeps(), fetch: (input: RequestInfo | URL, init?: RequestInit) => (fetches++, fetch(input, init)) };
    // 20 subrequests, 12 kept back for storage and notifications: 8 for probes.
    const collected = await probeBatch(config.monitors, probe, 8, 20);
    expect(fetches).toBe(8);
    const summary = await testWriter({ config }).tick({
      scheduledTime: Date.now(),
      startedAt: Date.now(),
      configText: null,
      results: collected.results,
    });
    if ("errors" in summary) throw new Error("refused");
    expect(summary.results.map((r) => r.shown)).toEqual([...Array(8).fill("up"), "unknown", "unknown"]);
    expect(summary.results[9]!.message).toMatch(/^not probed this tick: the invocation's 20 subrequests are used up/);
    expect(summary.events).toEqual([]);
  });
});
