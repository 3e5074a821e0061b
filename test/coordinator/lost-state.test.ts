import { resetBindings } from "../helpers/reset";

import { env, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { commitTick } from "../../src/coordinator/commit-tick";
import { coordinatorOf } from "../../src/coordinator/coordinator";
import { storesFrom } from "../../src/env/deps";
import type { CollectedResult } from "../../src/probes/probe-batch";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { STATE_KEY } from "../../src/storage/kv-state-store";
import { countingBindings } from "../helpers/counting-bindings";
import { probeDeps } from "../helpers/monitors";
import { recorded, recorderUrl, uniquePrefix } from "../notify/fixtures";
import { configOf, inWriter, storedState } from "../helpers/writer";

afterEach(resetBindings);

// Far ahead of the real clock: no alarm the writer arms fires mid-test.
const T0 = Date.parse("2096-03-01T00:00:00Z");
const minute = (n: number) => T0 + n * 60_000;
const gateway = { id: "gw", name: "Gateway", type: "http", url: "https://gw.example.test/health" };

function result(status: "up" | "down", at: number): CollectedResult {
  const code = status === "up" ? 200 : 500;
  return {
    type: "http",
    monitorId: "gw",
    status,
    latencyMs: 4,
    checkedAt: new Date(at).toISOString(),
    message: `HTTP ${code} in 4 ms`,
    details: { statusCode: code, checks: null },
  };
}

/** The writer's own storage wiped, as if the object were new: what a lost or reset Durable Object looks like. */
const wipeWriter = () => runInDurableObject(coordinatorOf(env), (_instance, state) => state.storage.deleteAll());

describe("lost or corrupt state", () => {
  it("two overlapping ticks through the coordinator, with its storage gone and latest.json and KV corrupt, page once", async () => {
    await env.HISTORY.put(LATEST_KEY, "{ corrupt");
    await env.STATE.put(STATE_KEY, "{ corrupt");
    const prefix = uniquePrefix("overlap");
    // An Alertmanager channel: its URL is in the config, so the object's own bindings can send without the test's secrets.
    const raw = {
      title: "t",
      monitors: [gateway],
      notifications: { channels: [{ id: "am", type: "alertmanager", url: `${recorderUrl()}${prefix}` }] },
    };
    const configText = JSON.stringify(raw);
    const stub = coordinatorOf(env);
    const call = (at: number) => stub.tick({ scheduledTime: at, startedAt: at, configText, results: [result("down", at)] });
    await call(minute(0));
    // The cron fired twice for the same minute (a retry, or two colos): both arrive at once.
    const both = await Promise.all([call(minute(1)), call(minute(1))]);
    const opened = both.flatMap((s) => ("events" in s ? s.events : [])).filter((e) => e.type === "incident.opened");
    expect(opened).toHaveLength(1);
    expect(both.reduce((sum, s) => sum + ("notified" in s ? s.notified : 0), 0)).toBe(1);
    expect((await storedState(configOf(raw))).incidents.incidents).toHaveLength(1);
  });

  it("keeps KV writes within the Free plan's 1,000 a day when R2 fails on every tick", async () => {
    const config = configOf({ title: "t", monitors: [gateway] });
    const { counts, bucket, kv } = countingBindings();
    const real = storesFrom({ HISTORY: bucket, STATE: kv } as never);
    const r2Down = () => Promise.reject(new Error("R2 is down"));
    const stores = {
      ...real,
      latest: { ...real.latest, writeLatest: r2Down, readLatestText: r2Down, readLatest: r2Down },
      incidents: { ...real.incidents, putIncident: r2Down },
    };
    const send = { ...probeDeps(), now: () => T0 };
    // A monitor that changes every minute: the most KV would ever be asked to hold.
    for (let n = 0; n < 1440; n++) {
      const at = minute(n);
      await inWriter({ config, stores, send: { ...send, now: () => at } }, (deps) =>
        commitTick(deps, { scheduledTime: at, startedAt: at, results: [result(n % 2 ? "down" : "up", at)] }),
      );
    }
    expect(counts.kvWrites).toBeGreaterThan(0);
    expect(counts.kvWrites).toBeLessThanOrEqual(721);
  }, 120_000);

  it("an escalation already sent is not sent again when the writer's storage is lost (latest.json carries on)", async () => {
    const prefix = uniquePrefix("lost-escalation");
    const raw = {
      title: "t",
      monitors: [gateway],
      notifications: {
        channels: [{ id: "ops", type: "webhook", urlSecret: "HOOK" }],
        escalation: [
          { afterMinutes: 15, channels: ["ops"] },
          { afterMinutes: 60, channels: ["ops"] },
        ],
      },
    };
    const config = configOf(raw);
    let now = minute(0);
    const probe = { ...probeDeps({ HOOK: `${recorderUrl()}${prefix}` }), now: () => now };
    // The writer as the tests drive it: the results are given, the sends real.
    const at = async (n: number, status: "up" | "down") => {
      now = minute(n);
      return inWriter({ config, send: probe }, (deps) =>
        commitTick(deps, { scheduledTime: now, startedAt: now, results: [result(status, now)] }),
      );
    };
    for (let n = 0; n <= 20; n++) await at(n, "down");
    const events = async () => (await recorded(prefix)).map((r) => (JSON.parse(r.body) as { event: string }).event);
    expect(await events()).toEqual(["incident.opened", "incident.escalated"]);

    await wipeWriter();
    for (let n = 21; n <= 59; n++) await at(n, "down");
    // Neither the opening nor level 1 again; the incident is the same one.
    expect(await events()).toEqual(["incident.opened", "incident.escalated"]);
    expect((await storedState(config)).incidents.incidents).toHaveLength(1);
    // Level 2 still comes when it is due: an hour after the incident opened (the second failing minute).
    await at(60, "down");
    expect(await events()).toHaveLength(2);
    await at(61, "down");
    expect(await events()).toEqual(["incident.opened", "incident.escalated", "incident.escalated"]);
  });
});
