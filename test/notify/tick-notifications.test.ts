import { resetBindings } from "../helpers/reset";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env/deps";
import { incidentId } from "../../src/incidents/incident-id";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { probeDeps } from "../helpers/monitors";
import { pollUntil } from "../helpers/poll";
import { adminPost, envWith, fireCron } from "../helpers/worker";
import { configOf, storedState, tick } from "../helpers/writer";
import { recorded, recorderUrl, respond, uniquePrefix } from "./fixtures";
import { setSwitch, targetsBase } from "../helpers/targets";

const base = targetsBase();
const T0 = Date.parse("2026-11-28T10:00:00Z");
const minute = (n: number) => T0 + n * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const TOKEN = "adm-notify-93fa";

afterEach(resetBindings);

/** A monitor whose status the test switches, and webhook channels on the recording server. */
function setup(extra: { escalation?: unknown[]; maintenance?: unknown[]; routes?: unknown[]; channels?: string[] } = {}) {
  const key = `n-${crypto.randomUUID()}`;
  const prefix = uniquePrefix("tick");
  const channels = extra.channels ?? ["ops"];
  const secrets: Record<string, string> = {};
  for (const id of channels) secrets[`HOOK_${id.toUpperCase()}`] = `${recorderUrl()}${prefix}/${id}`;
  const config = configOf({
    publicUrl: "https://status.example.test",
    monitors: [{ id: "gw", name: "Gateway", group: "Platform", type: "http", url: `${base}/switch/${key}` }],
    maintenance: extra.maintenance ?? [],
    notifications: {
      channels: channels.map((id) => ({ id, type: "webhook", urlSecret: `HOOK_${id.toUpperCase()}` })),
      ...(extra.routes ? { routes: extra.routes } : {}),
      ...(extra.escalation ? { escalation: extra.escalation } : {}),
    },
  });
  // The writer sends with the probes' dependencies, so it finds the webhook URLs among these secrets.
  const probe = probeDeps(secrets);
  const at = (m: number) => tick({ config, probe }, minute(m));
  const events = async (channel = "ops") =>
    (await recorded(`${prefix}/${channel}`)).map((r) => JSON.parse(r.body) as { event: string; id?: string; reason?: string });
  return { key, prefix, at, events, config };
}

/**
 * A monitor and an Alertmanager channel on the recording server, for ticks through the real cron handler: the
 * coordinator object sends with its own bindings, which hold none of the test's secrets, and Alertmanager needs none.
 * A lease of a day: no renewal posts in the minutes these tests run.
 */
function viaCron(monitor: Record<string, unknown> = {}) {
  const key = `n-${crypto.randomUUID()}`;
  const prefix = uniquePrefix("cron");
  const raw = {
    title: "t",
    monitors: [{ id: "gw", name: "Gateway", type: "http", url: `${base}/switch/${key}`, ...monitor }],
    notifications: { channels: [{ id: "am", type: "alertmanager", url: `${recorderUrl()}${prefix}`, leaseMinutes: 1440 }] },
  };
  const alerts = async () =>
    (await recorded(prefix)).map(
      (r) => (JSON.parse(r.body) as { labels: Record<string, string>; annotations: Record<string, string> }[])[0]!,
    );
  return { key, prefix, raw, config: configOf(raw), bindings: envWith(raw, { ADMIN_TOKEN: TOKEN }), alerts };
}

const admin = (bindings: Bindings, path: string, body: unknown) => adminPost(bindings, path, body, TOKEN);

describe("notifications from the tick", () => {
  it("sends an incident's opening and resolution once each, however many ticks see it", async () => {
    const { key, at, events } = setup();
    await setSwitch(key, 500);
    for (let i = 0; i < 4; i++) await at(i);
    await setSwitch(key, 200);
    for (let i = 4; i < 7; i++) await at(i);
    expect((await events()).map((e) => e.event)).toEqual(["incident.opened", "incident.resolved"]);
  });

  it("never sends twice when two cron invocations overlap", async () => {
    const { key, config, bindings, alerts } = viaCron();
    await setSwitch(key, 500);
    await fireCron(bindings, minute(0));
    await Promise.all([fireCron(bindings, minute(1)), fireCron(bindings, minute(2))]);
    await fireCron(bindings, minute(3));
    const id = "gw-20261128T100000Z";
    expect((await alerts()).map((a) => a.labels.edgewatch_incident)).toEqual([id]);
    const { delivery } = await storedState(config);
    expect(Object.keys(delivery.done)).toEqual([`${id}:opened@am`]);
    expect(delivery.outbox).toEqual([]);
  });

  it("holds an acknowledgement that arrives while the tick sends until the tick is done, and keeps both", async () => {
    // Admin actions are stamped with the real clock: the tick runs around it.
    const t = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const { key, prefix, config, bindings, alerts } = viaCron({ failureThreshold: 1 });
    await respond(`${prefix}/api/v2/alerts`, { delayMs: 1500, times: 1 });
    await setSwitch(key, 500);
    const ticking = fireCron(bindings, t);
    // The recorder has the opening (and holds its answer back): the tick is sending, its incident committed.
    expect(await pollUntil(alerts, (sent) => sent.length > 0, { intervalMs: 50 })).toHaveLength(1);
    const id = incidentId("gw", iso(t));
    const acked = await admin(bindings, `/api/admin/incidents/${id}/acknowledge`, { by: "oncall" });
    await ticking;
    expect(acked.status).toBe(200);

    const stored = await storedState(config);
    expect(stored.incidents.incidents).toEqual([expect.objectContaining({ id, status: "open", acknowledgedBy: "oncall" })]);
    // The tick's outcome is kept, and the acknowledgement's notification waits for the next tick.
    expect(Object.keys(stored.delivery.done)).toEqual([`${id}:opened@am`]);
    expect(stored.delivery.outbox.map((e) => [e.event.type, e.event.reason, e.claimedAt])).toEqual([
      ["incident.updated", "acknowledged by oncall", null],
    ]);
    const latest = JSON.parse(await (await env.HISTORY.get(LATEST_KEY))!.text());
    expect(latest.incidents).toEqual([expect.objectContaining({ id, acknowledgedBy: "oncall" })]);

    // Queued at the real time of the acknowledgement: the first minute after it sends it. That is t + 2 min only if
    // the test began over ~1.5 s (the tick the acknowledgement waits for) before its minute's end.
    await fireCron(bindings, Math.floor(Date.now() / 60_000) * 60_000 + 60_000);
    expect((await alerts()).map((a) => a.annotations.description)).toEqual([
      expect.stringContaining("opened"),
      expect.stringContaining("acknowledged by oncall"),
    ]);
  });

  it("retries a failed delivery on a later tick, with backoff", async () => {
    const { key, prefix, at, events } = setup();
    await respond(`${prefix}/ops`, { status: 503, times: 1 });
    await setSwitch(key, 500);
    await at(0);
    await at(1); // opens; the first attempt gets 503
    expect(await recorded(`${prefix}/ops`)).toHaveLength(1);
    await at(2); // retried one minute later: delivered
    await at(3);
    const all = await recorded(`${prefix}/ops`);
    expect(all.map((r) => JSON.parse(r.body).event)).toEqual(["incident.opened", "incident.opened"]);
    expect((await events()).length).toBe(2);
  });

  it("escalates an unacknowledged incident along the configured levels, on time", async () => {
    const { key, at, events } = setup({
      channels: ["ops", "lead", "manager"],
      routes: [{ channels: ["ops"] }],
      escalation: [
        { afterMinutes: 15, channels: ["lead"] },
        { afterMinutes: 60, channels: ["manager"] },
      ],
    });
    await setSwitch(key, 500);
    // Opens at minute 1 (first failure at 0); escalations are due 15 and 60 minutes after it opened.
    for (const m of [0, 1, 15, 16, 59, 60, 61, 90]) await at(m);
    expect((await events("ops")).map((e) => e.event)).toEqual(["incident.opened"]);
    const lead = await events("lead");
    expect(lead.map((e) => [e.event, e.reason])).toEqual([["incident.escalated", "escalated to level 1 (not resolved after 15 min)"]]);
    expect((await events("manager")).map((e) => e.event)).toEqual(["incident.escalated"]);
  });

  it("routes by monitor and group, and sends nothing for monitors in maintenance", async () => {
    const routed = setup({ channels: ["ops", "other"], routes: [{ groups: ["Platform"], channels: ["ops"] }] });
    await setSwitch(routed.key, 500);
    for (let i = 0; i < 3; i++) await routed.at(i);
    expect((await routed.events("ops")).map((e) => e.event)).toEqual(["incident.opened"]);
    expect(await routed.events("other")).toEqual([]);

    const quiet = setup({ maintenance: [{ id: "mw", title: "Upgrade", monitors: ["gw"], start: iso(minute(0)), end: iso(minute(30)) }] });
    await setSwitch(quiet.key, 500);
    for (let i = 0; i < 5; i++) await quiet.at(i);
    expect(await quiet.events()).toEqual([]);
  });

  it("sends one message for a flapping monitor, not one per flip", async () => {
    const { key, at, events } = setup();
    for (let i = 0; i < 20; i++) {
      await setSwitch(key, i % 2 ? 500 : 200);
      await at(i);
    }
    const sent = (await events()).map((e) => `${e.event}:${e.reason}`);
    expect(sent).toEqual(["incident.opened:opened"]);
  });
});
