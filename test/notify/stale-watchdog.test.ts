import { afterEach, describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { coordinatorOf } from "../../src/coordinator/coordinator";
import { checkStale } from "../../src/coordinator/stale-check";
import { resetBindings } from "../helpers/reset";
import { probeDeps } from "../helpers/monitors";
import { envWith, get } from "../helpers/worker";
import { configOf, fireAlarm, inWriter, testWriter } from "../helpers/writer";
import { pollUntil } from "../helpers/poll";
import { recorded, recorderUrl, uniquePrefix } from "./fixtures";

afterEach(resetBindings);

const gateway = { id: "gw", name: "Gateway", type: "http", url: "https://gw.example.test/health" };
const minuteAgo = (n: number) => Math.floor(Date.now() / 60_000) * 60_000 - n * 60_000;

/** The gateway's probe result at `at`: up. */
const gatewayUp = (at: number) => ({
  type: "http" as const,
  monitorId: "gw",
  status: "up" as const,
  latencyMs: 5,
  checkedAt: new Date(at).toISOString(),
  message: "HTTP 200 in 5 ms",
  details: { statusCode: 200, checks: null },
});

/** A tick at `at` with the gateway up, through the coordinator. */
async function tickAt(config: ReturnType<typeof configOf>, at: number) {
  const summary = await testWriter({ config }).tick({ scheduledTime: at, startedAt: at, configText: null, results: [gatewayUp(at)] });
  if ("errors" in summary) throw new Error(summary.errors.join());
}

describe("monitor.stale when the ticks stop", () => {
  it("is sent once per stopped-cron episode, however often the watchdog looks and /health is asked", async () => {
    const prefix = uniquePrefix("stale");
    const raw = { title: "t", monitors: [gateway], notifications: { channels: [{ id: "ops", type: "webhook", urlSecret: "HOOK" }] } };
    const config = configOf(raw);
    await tickAt(config, minuteAgo(10));
    const send = probeDeps({ HOOK: `${recorderUrl()}${prefix}` });
    expect(await inWriter({ config, send }, (deps) => checkStale(deps, Date.now()))).toBe(1);
    expect(await inWriter({ config, send }, (deps) => checkStale(deps, Date.now()))).toBeNull();
    // /health only reads: it says the ticks stopped and sends nothing, whoever asks and how often.
    const bindings = envWith(raw, { HOOK: `${recorderUrl()}${prefix}` });
    for (let i = 0; i < 3; i++) expect((await get(bindings, "/health")).status).toBe(503);
    const sent = (await recorded(prefix)).map((r) => JSON.parse(r.body) as { event: string; reason: string });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ event: "monitor.stale" });
    expect(sent[0]!.reason).toMatch(/^no check has run for 1[01] min/);
    // A new episode (ticks resumed, then stopped again) is announced again.
    await tickAt(config, minuteAgo(5));
    expect(await inWriter({ config, send }, (deps) => checkStale(deps, Date.now()))).toBe(1);
    expect(await recorded(prefix)).toHaveLength(2);
  });

  it("sends nothing while ticks land", async () => {
    const prefix = uniquePrefix("fresh");
    const config = configOf({
      title: "t",
      monitors: [gateway],
      notifications: { channels: [{ id: "ops", type: "webhook", urlSecret: "HOOK" }] },
    });
    await tickAt(config, minuteAgo(1));
    expect(
      await inWriter({ config, send: probeDeps({ HOOK: `${recorderUrl()}${prefix}` }) }, (deps) => checkStale(deps, Date.now())),
    ).toBeNull();
    expect(await recorded(prefix)).toEqual([]);
  });

  it("needs no request: each live tick sets the coordinator's alarm past the stale limit, and when ticks stop it fires", async () => {
    const prefix = uniquePrefix("alarm");
    // An Alertmanager channel: its URL is in the config, so the object's own bindings (without the test's secrets) can send.
    const raw = {
      title: "t",
      monitors: [gateway],
      notifications: { channels: [{ id: "am", type: "alertmanager", url: `${recorderUrl()}${prefix}` }] },
    };
    // A live tick four minutes ago, through the object as the cron sends it (the config travels with it, and its
    // alarm uses the same): the alarm stood at 3.5 minutes after the tick, so it fires now, on its own.
    const at = minuteAgo(4);
    await coordinatorOf(env).tick({ scheduledTime: at, startedAt: at, configText: JSON.stringify(raw), results: [gatewayUp(at)] });
    const sent = await pollUntil(
      () => recorded(prefix),
      (r) => r.length > 0,
      { intervalMs: 50 },
    );
    expect(
      sent
        .map((r) => JSON.parse(r.body) as { labels: { alertname: string } }[])
        .flat()
        .map((a) => a.labels.alertname),
    ).toEqual(["EdgewatchMonitorStale"]);
    // Once per episode: the alarm is not set again for it, and running one anyway sends nothing more.
    await fireAlarm();
    expect(await recorded(prefix)).toHaveLength(1);
  });
});
