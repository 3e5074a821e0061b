import { env, reset } from "cloudflare:test";
import { afterEach, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import type { Config } from "../../src/config/schema";
import { runTick } from "../../src/scheduler/run-tick";
import { MIN_KV_WRITE_INTERVAL_MS } from "../../src/scheduler/next-snapshot";
import { STATE_KEY } from "../../src/storage/kv-state-store";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { countingStores } from "../helpers/counting-stores";
import { probeDeps } from "../helpers/monitors";

const base = `http://127.0.0.1:${inject("httpPort")}`;

function configOf(monitors: unknown[]): Config {
  const result = parseConfig({ title: "t", monitors });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

const quiet = () => {};
afterEach(() => reset());

describe("runTick", () => {
  it("writes R2 every tick and KV only when a status changes, never more than once a tick", async () => {
    const config = configOf([
      { id: "a", name: "A", type: "http", url: `${base}/slow?ms=20` },
      { id: "b", name: "B", type: "http", url: `${base}/ok` },
    ]);
    const stores = countingStores();
    const deps = { config, probe: probeDeps(), ...stores, log: quiet };
    const t0 = Date.now();

    const first = await runTick(deps, t0);
    expect(first.wroteState).toBe(true);
    expect(stores.counts).toEqual({ latestReads: 1, latestWrites: 1, stateReads: 1, stateWrites: 1, incidentWrites: 0 });

    // Latencies differ from tick to tick; statuses do not: no KV write.
    for (let i = 1; i <= 3; i++) await runTick(deps, t0 + i * 60_000);
    expect(stores.counts).toMatchObject({ latestReads: 4, latestWrites: 4, stateReads: 1, stateWrites: 1 });
  });

  it("writes KV on a status change, holds back a change that comes too soon, and catches up later", async () => {
    const stores = countingStores();
    const ok = configOf([{ id: "a", name: "A", type: "http", url: `${base}/ok` }]);
    const failing = configOf([{ id: "a", name: "A", type: "http", url: `${base}/status/500` }]);
    const t0 = Date.now();
    const probe = probeDeps();
    await runTick({ config: ok, probe, ...stores, log: quiet }, t0);
    expect(stores.counts.stateWrites).toBe(1);

    // The clock has not moved MIN_KV_WRITE_INTERVAL_MS since the first write: KV waits.
    const soon = await runTick({ config: failing, probe, ...stores, log: quiet }, t0 + 60_000);
    expect(soon.wroteState).toBe(false);
    expect(JSON.parse((await env.STATE.get(STATE_KEY))!).monitors.a.status).toBe("up");

    const later = { ...probe, now: () => Date.now() + MIN_KV_WRITE_INTERVAL_MS };
    const caughtUp = await runTick({ config: failing, probe: later, ...stores, log: quiet }, t0 + 120_000);
    expect(caughtUp.wroteState).toBe(true);
    expect(JSON.parse((await env.STATE.get(STATE_KEY))!).monitors.a).toMatchObject({ status: "down", since: new Date(t0 + 60_000).toISOString() });
    expect(stores.counts.stateWrites).toBe(2);
  });

  it("carries on over corrupt R2 state, recovering `since` from KV, and rewrites clean state", async () => {
    const config = configOf([{ id: "a", name: "A", type: "http", url: `${base}/ok` }]);
    const stores = countingStores();
    const t0 = Date.now();
    await runTick({ config, probe: probeDeps(), ...stores, log: quiet }, t0);
    await env.HISTORY.put(LATEST_KEY, "{ truncated");
    const logs: string[] = [];
    const summary = await runTick({ config, probe: probeDeps(), ...stores, log: (_l, msg) => logs.push(msg) }, t0 + 60_000);
    expect(summary.wroteLatest).toBe(true);
    expect(logs).toContain("R2 latest is corrupt; starting from KV state");
    const latest = JSON.parse(await (await env.HISTORY.get(LATEST_KEY))!.text());
    expect(latest.monitors.a).toMatchObject({ status: "up", since: new Date(t0).toISOString() });
  });

  it("survives failing stores: results are still returned and the failures logged", async () => {
    const config = configOf([{ id: "a", name: "A", type: "http", url: `${base}/ok` }]);
    const boom = () => Promise.reject(new Error("R2 is down"));
    const logs: string[] = [];
    const summary = await runTick(
      {
        config,
        probe: probeDeps(),
        latest: { readLatest: boom, writeLatest: boom },
        state: { readState: boom, writeState: boom },
        incidents: { putIncident: boom, getIncident: boom, listIncidents: boom },
        history: { get: boom, put: boom, delete: boom },
        log: (_l, msg) => logs.push(msg),
      },
      Date.now(),
    );
    expect(summary.results.map((r) => r.status)).toEqual(["up"]);
    expect(summary).toMatchObject({ wroteLatest: false, wroteState: false });
    expect(logs).toEqual(expect.arrayContaining(["R2 latest read failed", "KV state read failed", "KV state write failed", "R2 latest write failed"]));
  });

  it("runs at most six probes at once", async () => {
    const monitors = Array.from({ length: 12 }, (_, i) => ({ id: `m${i}`, name: `M${i}`, type: "http", url: `${base}/slow?ms=150` }));
    const started = Date.now();
    const summary = await runTick({ config: configOf(monitors), probe: probeDeps(), ...countingStores(), log: quiet }, started);
    const elapsed = Date.now() - started;
    expect(summary.results).toHaveLength(12);
    // Two waves of six at 150 ms each; all twelve at once would take ~150 ms.
    expect(elapsed).toBeGreaterThanOrEqual(300);
  });
});

describe("runTick within the invocation's subrequests", () => {
  it("probes only what fits and shows the rest as unknown, never as failures", async () => {
    // 20 subrequests, 12 kept back for storage and notifications: 8 for probes.
    const parsed = parseConfig({
      title: "t",
      limits: { subrequests: 20 },
      monitors: Array.from({ length: 10 }, (_, i) => ({ id: `m${i}`, name: `M${i}`, type: "http", url: `${base}/ok` })),
    });
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    let fetches = 0;
    const probe = { ...probeDeps(), fetch: (input: RequestInfo | URL, init?: RequestInit) => (fetches++, fetch(input, init)) };
    const summary = await runTick({ config: parsed.config, probe, ...countingStores(), log: quiet }, Date.now());
    expect(fetches).toBe(8);
    expect(summary.results.map((r) => r.shown)).toEqual([...Array(8).fill("up"), "unknown", "unknown"]);
    expect(summary.results[9]!.message).toMatch(/^not probed this tick: the invocation's 20 subrequests are used up/);
    expect(summary.events).toEqual([]);
  });
});
