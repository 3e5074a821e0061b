import { env, reset } from "cloudflare:test";
import { afterEach, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import type { Config } from "../../src/config/schema";
import { acknowledge } from "../../src/incidents/admin-actions";
import { probeBatch } from "../../src/tick/probe-batch";
import { type Collect, runTick, type TickDeps } from "../../src/tick/run-tick";
import { mutateLatest } from "../../src/storage/mutate-latest";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { STATE_KEY } from "../../src/storage/kv-state-store";
import { countingStores } from "../helpers/counting-stores";
import { probeDeps } from "../helpers/monitors";

const base = `http://127.0.0.1:${inject("httpPort")}`;
const quiet = () => {};
const T0 = Date.parse("2026-11-28T10:00:00Z");
const minute = (n: number) => T0 + n * 60_000;
const setTarget = (key: string, status: number) => fetch(`${base}/switch/${key}?status=${status}`, { method: "POST" }).then((r) => r.arrayBuffer());

function configOf(monitors: unknown[], extra: Record<string, unknown> = {}): Config {
  const result = parseConfig({ title: "t", monitors, ...extra });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

function depsFor(config: Config, stores = countingStores()): TickDeps & { counts: ReturnType<typeof countingStores>["counts"] } {
  return { config, probe: probeDeps(), log: quiet, ...stores };
}

afterEach(() => reset());

describe("runTick with incidents", () => {
  it("opens an incident on the second failing tick, stores it in R2 once, and resolves it after two good ticks", async () => {
    const key = `gw-${crypto.randomUUID()}`;
    const deps = depsFor(configOf([{ id: "gw", name: "Gateway", type: "http", url: `${base}/switch/${key}` }]));
    await setTarget(key, 500);
    expect((await runTick(deps, minute(0))).events).toEqual([]);
    const opened = await runTick(deps, minute(1));
    expect(opened.events).toEqual([{ type: "incident.opened", incidentId: "gw-20261128T100000Z", monitorIds: ["gw"], reason: "opened" }]);
    expect(deps.counts.incidentWrites).toBe(1);
    await runTick(deps, minute(2));
    expect(deps.counts.incidentWrites).toBe(1);

    await setTarget(key, 200);
    await runTick(deps, minute(3));
    const resolved = await runTick(deps, minute(4));
    expect(resolved.events.map((e) => e.type)).toEqual(["incident.resolved"]);
    const stored = await deps.incidents.getIncident("gw-20261128T100000Z");
    expect(stored).toMatchObject({ kind: "ok", value: { status: "resolved", durationMs: 4 * 60_000, resolvedAt: new Date(minute(4)).toISOString() } });
  });

  it("retries a failing probe once within the tick: a single blip opens nothing", async () => {
    const deps = depsFor(configOf([{ id: "blip", name: "Blip", type: "http", url: `${base}/flaky/${crypto.randomUUID()}`, failureThreshold: 1 }]));
    const summary = await runTick(deps, minute(0));
    expect(summary.results[0]).toMatchObject({ status: "up", shown: "up" });
    expect(summary.events).toEqual([]);
  });

  it("skips a tick that runs twice for the same minute, or late after a newer one", async () => {
    const deps = depsFor(configOf([{ id: "a", name: "A", type: "http", url: `${base}/ok` }]));
    await runTick(deps, minute(5));
    const again = await runTick(deps, minute(5));
    const late = await runTick(deps, minute(4));
    expect([again.skipped, late.skipped]).toEqual(["duplicate", "duplicate"]);
    expect(deps.counts.latestWrites).toBe(1);
  });

  it("lets two overlapping ticks agree: the later minute always lands, the earlier only under it, one incident", async () => {
    const key = `ov-${crypto.randomUUID()}`;
    const config = configOf([{ id: "gw", name: "Gateway", type: "http", url: `${base}/switch/${key}` }]);
    await setTarget(key, 500);
    await runTick(depsFor(config), minute(0));
    const [a, b] = await Promise.all([runTick(depsFor(config), minute(1)), runTick(depsFor(config), minute(2))]);
    // The earlier minute writes only if it got there first (then the later one applies on top of it); else it gives up.
    expect(b.skipped).toBeNull();
    expect([null, "overlap"]).toContain(a.skipped);
    expect(JSON.parse(await (await env.HISTORY.get(LATEST_KEY))!.text()).tickAt).toBe(new Date(minute(2)).toISOString());
    const listed = await countingStores().incidents.listIncidents({ limit: 10 });
    expect(listed.incidents.map((i) => i.id)).toEqual(["gw-20261128T100000Z"]);
  });

  it("keeps an acknowledgement made while the tick probes, and the tick's results too: it applies them again", async () => {
    const key = `ack-${crypto.randomUUID()}`;
    const config = configOf([{ id: "gw", name: "Gateway", type: "http", url: `${base}/switch/${key}`, failureThreshold: 1 }]);
    await setTarget(key, 500);
    const stores = countingStores();
    await runTick(depsFor(config, stores), minute(0));
    const id = "gw-20261128T100000Z";
    const deps = depsFor(config, stores);
    const collect: Collect = async (monitors) => {
      const collected = await probeBatch(monitors, deps.probe, 30, 50);
      const acked = await mutateLatest(stores.latest, (snapshot) => {
        const done = acknowledge(snapshot.incidents, id, "oncall", minute(1));
        return done.ok ? { ok: true, snapshot: { ...snapshot, incidents: done.state }, value: null } : done;
      });
      expect(acked.ok).toBe(true);
      return collected;
    };
    const summary = await runTick({ ...deps, collect }, minute(1));
    expect(summary.skipped).toBeNull();
    const latest = JSON.parse(await (await env.HISTORY.get(LATEST_KEY))!.text());
    expect(latest.tickAt).toBe(new Date(minute(1)).toISOString());
    expect(latest.monitors.gw).toMatchObject({ status: "down", checkedAt: summary.results[0]!.checkedAt });
    expect(latest.incidents.incidents).toEqual([expect.objectContaining({ id, status: "open", acknowledgedBy: "oncall" })]);
  });

  it("shows monitors in a maintenance window as maintenance and opens no incident for them", async () => {
    const config = configOf([{ id: "db", name: "DB", type: "http", url: `${base}/status/500` }], {
      maintenance: [{ id: "upgrade", title: "Database upgrade", monitors: ["db"], start: new Date(minute(0)).toISOString(), end: new Date(minute(10)).toISOString() }],
    });
    const deps = depsFor(config);
    for (let i = 0; i < 3; i++) {
      const summary = await runTick(deps, minute(i));
      expect(summary.events).toEqual([]);
      expect(summary.results[0]).toMatchObject({ shown: "maintenance", status: "down" });
      expect(summary.results[0]!.message).toMatch(/^maintenance: Database upgrade \(HTTP 500/);
    }
  });

  it("retries an incident write that failed on the next tick", async () => {
    const key = `rw-${crypto.randomUUID()}`;
    const config = configOf([{ id: "gw", name: "Gateway", type: "http", url: `${base}/switch/${key}`, failureThreshold: 1 }]);
    await setTarget(key, 500);
    const stores = countingStores();
    let fail = true;
    const flakyIncidents = { ...stores.incidents, putIncident: (i: Parameters<typeof stores.incidents.putIncident>[0]) => (fail ? Promise.reject(new Error("R2 down")) : stores.incidents.putIncident(i)) };
    await runTick({ ...depsFor(config, stores), incidents: flakyIncidents }, minute(0));
    expect(JSON.parse(await (await env.HISTORY.get(LATEST_KEY))!.text()).unsavedIncidents).toEqual(["gw-20261128T100000Z"]);
    fail = false;
    await runTick({ ...depsFor(config, stores), incidents: flakyIncidents }, minute(1));
    expect((await stores.incidents.getIncident("gw-20261128T100000Z")).kind).toBe("ok");
    expect(JSON.parse(await (await env.HISTORY.get(LATEST_KEY))!.text()).unsavedIncidents).toEqual([]);
  });

  it("keeps open incidents when R2 state is corrupt, from the KV copy, and rewrites clean state", async () => {
    const key = `kv-${crypto.randomUUID()}`;
    const config = configOf([{ id: "gw", name: "Gateway", type: "http", url: `${base}/switch/${key}`, failureThreshold: 1 }]);
    await setTarget(key, 500);
    const deps = depsFor(config);
    await runTick(deps, minute(0));
    expect(JSON.parse((await env.STATE.get(STATE_KEY))!).incidents).toHaveLength(1);
    await env.HISTORY.put(LATEST_KEY, '{"version":1,"tickAt":"2026');
    const next = await runTick(deps, minute(1));
    expect(next.events).toEqual([]);
    const latest = JSON.parse(await (await env.HISTORY.get(LATEST_KEY))!.text());
    expect(latest.incidents.incidents.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([["gw-20261128T100000Z", "open"]]);
  });
});
