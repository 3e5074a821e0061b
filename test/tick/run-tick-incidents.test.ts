import { resetBindings } from "../helpers/reset";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env/deps";
import { incidentId } from "../../src/incidents/incident-id";
import { STATE_KEY } from "../../src/storage/kv-state-store";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import type { Stores } from "../../src/storage/types";
import { countingStores } from "../helpers/counting-stores";
import { adminPost, envWith, fireCron } from "../helpers/worker";
import { configOf, storedLatest, storedState, tick } from "../helpers/writer";
import { pollUntil } from "../helpers/poll";
import { incident } from "../helpers/fixtures";
import { recorded, recorderUrl, respond, uniquePrefix } from "../notify/fixtures";
import { setSwitch, targetsBase } from "../helpers/targets";

const base = targetsBase();
const T0 = Date.parse("2026-11-28T10:00:00Z");
const minute = (n: number) => T0 + n * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const latestJson = storedLatest;
const TOKEN = "adm-incidents-5d21";

/** A gateway monitor on a switchable target (and any other monitors), as raw config and parsed. */
function gateway(fields: Record<string, unknown> = {}, more: unknown[] = [], extra: Record<string, unknown> = {}) {
  const key = `gw-${crypto.randomUUID()}`;
  const raw = {
    title: "t",
    monitors: [{ id: "gw", name: "Gateway", type: "http", url: `${base}/switch/${key}`, ...fields }, ...more],
    ...extra,
  };
  return { key, raw, config: configOf(raw) };
}

const admin = (bindings: Bindings, path: string, body: unknown) => adminPost(bindings, path, body, TOKEN);

afterEach(resetBindings);

describe("runTick with incidents", () => {
  it("opens an incident on the second failing tick, stores it in R2 once, and resolves it after two good ticks", async () => {
    const { key, config } = gateway();
    const stores = countingStores();
    await setSwitch(key, 500);
    expect((await tick({ config, stores }, minute(0))).events).toEqual([]);
    const opened = await tick({ config, stores }, minute(1));
    expect(opened.events).toEqual([{ type: "incident.opened", incidentId: "gw-20261128T100000Z", monitorIds: ["gw"], reason: "opened" }]);
    expect(stores.counts.incidentWrites).toBe(1);
    await tick({ config, stores }, minute(2));
    expect(stores.counts.incidentWrites).toBe(1);

    await setSwitch(key, 200);
    await tick({ config, stores }, minute(3));
    const resolved = await tick({ config, stores }, minute(4));
    expect(resolved.events.map((e) => e.type)).toEqual(["incident.resolved"]);
    const stored = await stores.incidents.getIncident("gw-20261128T100000Z");
    expect(stored).toMatchObject({ kind: "ok", value: { status: "resolved", durationMs: 4 * 60_000, resolvedAt: iso(minute(4)) } });
  });

  it("retries a failing probe once within the tick: a single blip opens nothing", async () => {
    const config = configOf({
      monitors: [{ id: "blip", name: "Blip", type: "http", url: `${base}/flaky/${crypto.randomUUID()}`, failureThreshold: 1 }],
    });
    const summary = await tick({ config }, minute(0));
    expect(summary.results[0]).toMatchObject({ status: "up", shown: "up" });
    expect(summary.events).toEqual([]);
  });

  it("skips a tick that runs twice for the same minute, or late after a newer one", async () => {
    const config = configOf({ monitors: [{ id: "a", name: "A", type: "http", url: `${base}/ok` }] });
    const stores = countingStores();
    await tick({ config, stores }, minute(5));
    const again = await tick({ config, stores }, minute(5));
    const late = await tick({ config, stores }, minute(4));
    expect([again.skipped, late.skipped]).toEqual(["duplicate", "duplicate"]);
    expect(stores.counts.latestWrites).toBe(1);
    expect((await storedState(config)).meta.lastTickAt).toBe(iso(minute(5)));
  });

  it("lets two overlapping cron invocations agree: the later minute lands whichever reaches the coordinator first, one incident", async () => {
    const { key, raw, config } = gateway();
    const bindings = envWith(raw);
    await setSwitch(key, 500);
    await fireCron(bindings, minute(0));
    // The coordinator runs one call after the other: the earlier minute lands before the later one or is skipped
    // after it, never on top of it.
    await Promise.all([fireCron(bindings, minute(1)), fireCron(bindings, minute(2))]);
    expect((await latestJson()).tickAt).toBe(iso(minute(2)));
    const stored = await storedState(config);
    expect(stored.meta.lastTickAt).toBe(iso(minute(2)));
    expect(stored.incidents.incidents.map((i) => [i.id, i.status])).toEqual([["gw-20261128T100000Z", "open"]]);
    const listed = await countingStores().incidents.listIncidents({ limit: 10 });
    expect(listed.incidents.map((i) => i.id)).toEqual(["gw-20261128T100000Z"]);
  });

  it("holds the later minute until the earlier one, still sending, is done, and lands on top of it", async () => {
    const prefix = uniquePrefix("overlap");
    const channels = [{ id: "am", type: "alertmanager", url: `${recorderUrl()}${prefix}`, leaseMinutes: 1440 }];
    const { key, raw, config } = gateway({}, [], { notifications: { channels } });
    const bindings = envWith(raw);
    await respond(`${prefix}/api/v2/alerts`, { delayMs: 1500, times: 1 });
    await setSwitch(key, 500);
    await fireCron(bindings, minute(0));
    const earlier = fireCron(bindings, minute(1));
    // The recorder has the opening and holds its answer back: minute 1 is inside the coordinator, sending.
    expect(
      await pollUntil(
        () => recorded(prefix),
        (r) => r.length > 0,
        { intervalMs: 50 },
      ),
    ).toHaveLength(1);
    await fireCron(bindings, minute(2));
    await earlier;

    expect((await latestJson()).tickAt).toBe(iso(minute(2)));
    const stored = await storedState(config);
    expect(stored.meta.lastTickAt).toBe(iso(minute(2)));
    expect(stored.incidents.incidents.map((i) => [i.id, i.status])).toEqual([["gw-20261128T100000Z", "open"]]);
    // Three failing minutes, the streak counted up to the threshold (2): past it nothing changes.
    expect(stored.incidents.tracks.gw).toMatchObject({ failStreak: 2, incidentId: "gw-20261128T100000Z" });
    expect(stored.delivery).toMatchObject({ outbox: [], done: { "gw-20261128T100000Z:opened@am": expect.any(String) } });
  });

  it("keeps an acknowledgement made while the tick probes, and the tick's results too", async () => {
    // Admin actions are stamped with the real clock: the ticks run around it.
    const t = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const { key, raw, config } = gateway({ failureThreshold: 1 }, [
      { id: "slow", name: "Slow", type: "http", url: `${base}/slow?ms=1500` },
    ]);
    const bindings = envWith(raw, { ADMIN_TOKEN: TOKEN });
    await setSwitch(key, 500);
    await fireCron(bindings, t);
    const id = incidentId("gw", iso(t));
    const before = await storedState(config);

    let tickDone = false;
    const ticking = fireCron(bindings, t + 60_000).then(() => (tickDone = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const acked = await admin(bindings, `/api/admin/incidents/${id}/acknowledge`, { by: "oncall" });
    expect(acked.status).toBe(200);
    // The slow probe still runs: the writer took the change before the tick's results reached it.
    expect(tickDone).toBe(false);
    await ticking;

    const stored = await storedState(config);
    expect(stored.meta.lastTickAt).toBe(iso(t + 60_000));
    expect(stored.results.gw).toMatchObject({ status: "down", since: iso(t) });
    expect(Date.parse(stored.results.gw!.checkedAt)).toBeGreaterThan(Date.parse(before.results.gw!.checkedAt));
    expect(stored.incidents.incidents).toEqual([expect.objectContaining({ id, status: "open", acknowledgedBy: "oncall" })]);
    const latest = await latestJson();
    expect(latest.tickAt).toBe(iso(t + 60_000));
    expect(latest.incidents).toEqual([expect.objectContaining({ id, status: "open", acknowledgedBy: "oncall" })]);
  });

  it("shows monitors in a maintenance window as maintenance and opens no incident for them", async () => {
    const config = configOf({
      monitors: [{ id: "db", name: "DB", type: "http", url: `${base}/status/500` }],
      maintenance: [{ id: "upgrade", title: "Database upgrade", monitors: ["db"], start: iso(minute(0)), end: iso(minute(10)) }],
    });
    for (let i = 0; i < 3; i++) {
      const summary = await tick({ config }, minute(i));
      expect(summary.events).toEqual([]);
      expect(summary.results[0]).toMatchObject({ shown: "maintenance", status: "down" });
      expect(summary.results[0]!.message).toMatch(/^maintenance: Database upgrade \(HTTP 500/);
    }
  });

  it("retries an incident write that failed on the next tick", async () => {
    const { key, config } = gateway({ failureThreshold: 1 });
    await setSwitch(key, 500);
    const counting = countingStores();
    let fail = true;
    const stores: Stores = {
      ...counting,
      incidents: {
        ...counting.incidents,
        putIncident: (i) => (fail ? Promise.reject(new Error("R2 down")) : counting.incidents.putIncident(i)),
      },
    };
    await tick({ config, stores }, minute(0));
    expect((await storedState(config)).meta.unsavedIncidents).toEqual(["gw-20261128T100000Z"]);
    fail = false;
    await tick({ config, stores }, minute(1));
    expect((await counting.incidents.getIncident("gw-20261128T100000Z")).kind).toBe("ok");
    expect((await storedState(config)).meta.unsavedIncidents).toEqual([]);
  });
});

describe("the writer's state and a corrupt latest.json", () => {
  it("on its first run after an upgrade, takes open incidents and statuses from KV when latest.json is corrupt", async () => {
    const { key, config } = gateway({ failureThreshold: 1 });
    const id = "gw-20261128T100000Z";
    const open = incident({
      id,
      monitorIds: ["gw"],
      title: "Gateway is down",
      severity: "SEV-1",
      impact: "critical",
      startedAt: iso(minute(0)),
      cause: { message: "HTTP 503 in 41 ms (expected 200-299)", phase: "status" },
      updates: [{ at: iso(minute(0)), status: "investigating", message: "Gateway is down" }],
    });
    const gw = { status: "down", since: iso(minute(0)), message: "HTTP 500", checkedAt: iso(minute(0)) };
    await env.STATE.put(STATE_KEY, JSON.stringify({ version: 1, updatedAt: iso(minute(0)), monitors: { gw }, incidents: [open] }));
    await env.HISTORY.put(LATEST_KEY, '{"version":1,"tickAt":"2026');
    await setSwitch(key, 500);

    // Still failing: the imported incident carries on, no second one opens.
    expect((await tick({ config }, minute(1))).events).toEqual([]);
    const latest = await latestJson();
    expect(latest.v).toBe(3);
    expect(latest.monitors.gw).toMatchObject({ status: "down", since: iso(minute(0)) });
    expect(latest.incidents.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([[id, "open"]]);
    expect((await storedState(config)).incidents.tracks.gw).toMatchObject({ incidentId: id });

    await setSwitch(key, 200);
    await tick({ config }, minute(2));
    const resolved = await tick({ config }, minute(3));
    expect(resolved.events).toEqual([expect.objectContaining({ type: "incident.resolved", incidentId: id })]);
  });

  it("after its first run never reads latest.json again: a corrupt one changes nothing and is rewritten", async () => {
    const { key, config } = gateway({ failureThreshold: 1 });
    await setSwitch(key, 500);
    const stores = countingStores();
    expect((await tick({ config, stores }, minute(0))).events.map((e) => e.type)).toEqual(["incident.opened"]);
    await env.HISTORY.put(LATEST_KEY, '{"version":1,"tickAt":"2026');
    const next = await tick({ config, stores }, minute(1));
    expect(next.events).toEqual([]);
    expect(stores.counts).toMatchObject({ latestReads: 1, stateReads: 1 });
    const latest = await latestJson();
    expect(latest.tickAt).toBe(iso(minute(1)));
    expect(latest.incidents.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([["gw-20261128T100000Z", "open"]]);
  });
});
