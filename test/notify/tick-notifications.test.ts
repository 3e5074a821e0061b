import { reset } from "cloudflare:test";
import { afterEach, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import type { Config } from "../../src/config/schema";
import { runTick, type TickDeps } from "../../src/tick/run-tick";
import { countingStores } from "../helpers/counting-stores";
import { probeDeps } from "../helpers/monitors";
import { recorded, recorderUrl, respond, uniquePrefix } from "./fixtures";

const base = `http://127.0.0.1:${inject("httpPort")}`;
const T0 = Date.parse("2026-11-28T10:00:00Z");
const minute = (n: number) => T0 + n * 60_000;
const setTarget = (key: string, status: number) => fetch(`${base}/switch/${key}?status=${status}`, { method: "POST" }).then((r) => r.arrayBuffer());

afterEach(() => reset());

/** A monitor whose status the test switches, and webhook channels on the recording server. */
function setup(extra: { escalation?: unknown[]; maintenance?: unknown[]; routes?: unknown[]; channels?: string[] } = {}) {
  const key = `n-${crypto.randomUUID()}`;
  const prefix = uniquePrefix("tick");
  const channels = extra.channels ?? ["ops"];
  const secrets: Record<string, string> = {};
  for (const id of channels) secrets[`HOOK_${id.toUpperCase()}`] = `${recorderUrl()}${prefix}/${id}`;
  const parsed = parseConfig({
    title: "t",
    publicUrl: "https://status.example.test",
    monitors: [{ id: "gw", name: "Gateway", group: "Platform", type: "http", url: `${base}/switch/${key}` }],
    maintenance: extra.maintenance ?? [],
    notifications: {
      channels: channels.map((id) => ({ id, type: "webhook", urlSecret: `HOOK_${id.toUpperCase()}` })),
      ...(extra.routes ? { routes: extra.routes } : {}),
      ...(extra.escalation ? { escalation: extra.escalation } : {}),
    },
  });
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  const stores = countingStores();
  const deps = (config: Config = parsed.config): TickDeps => ({ config, probe: probeDeps(secrets), log: () => {}, ...stores });
  const events = async (channel = "ops") => (await recorded(`${prefix}/${channel}`)).map((r) => JSON.parse(r.body) as { event: string; id?: string; reason?: string });
  return { key, prefix, deps, events, config: parsed.config };
}

describe("notifications from the tick", () => {
  it("sends an incident's opening and resolution once each, however many ticks see it", async () => {
    const { key, deps, events } = setup();
    await setTarget(key, 500);
    for (let i = 0; i < 4; i++) await runTick(deps(), minute(i));
    await setTarget(key, 200);
    for (let i = 4; i < 7; i++) await runTick(deps(), minute(i));
    expect((await events()).map((e) => e.event)).toEqual(["incident.opened", "incident.resolved"]);
    const [opened] = await events();
    expect(opened).toMatchObject({ event: "incident.opened" });
  });

  it("never sends twice when two ticks overlap", async () => {
    const { key, deps, events } = setup();
    await setTarget(key, 500);
    await runTick(deps(), minute(0));
    await Promise.all([runTick(deps(), minute(1)), runTick(deps(), minute(2))]);
    await runTick(deps(), minute(3));
    expect((await events()).map((e) => e.event)).toEqual(["incident.opened"]);
  });

  it("retries a failed delivery on a later tick, with backoff", async () => {
    const { key, prefix, deps, events } = setup();
    await respond(`${prefix}/ops`, { status: 503, times: 1 });
    await setTarget(key, 500);
    await runTick(deps(), minute(0));
    await runTick(deps(), minute(1)); // opens; the first attempt gets 503
    expect(await recorded(`${prefix}/ops`)).toHaveLength(1);
    await runTick(deps(), minute(2)); // retried one minute later: delivered
    await runTick(deps(), minute(3));
    const all = await recorded(`${prefix}/ops`);
    expect(all.map((r) => JSON.parse(r.body).event)).toEqual(["incident.opened", "incident.opened"]);
    expect((await events()).length).toBe(2);
  });

  it("escalates an unacknowledged incident along the configured levels, on time", async () => {
    const { key, deps, events } = setup({
      channels: ["ops", "lead", "manager"],
      routes: [{ channels: ["ops"] }],
      escalation: [
        { afterMinutes: 15, channels: ["lead"] },
        { afterMinutes: 60, channels: ["manager"] },
      ],
    });
    await setTarget(key, 500);
    // Opens at minute 1 (first failure at 0); escalations are due 15 and 60 minutes after it opened.
    for (const m of [0, 1, 15, 16, 59, 60, 61, 90]) await runTick(deps(), minute(m));
    expect((await events("ops")).map((e) => e.event)).toEqual(["incident.opened"]);
    const lead = await events("lead");
    expect(lead.map((e) => [e.event, e.reason])).toEqual([["incident.escalated", "escalated to level 1 (no acknowledgement after 15 min)"]]);
    expect((await events("manager")).map((e) => e.event)).toEqual(["incident.escalated"]);
  });

  it("routes by monitor and group, and sends nothing for monitors in maintenance", async () => {
    const routed = setup({ channels: ["ops", "other"], routes: [{ groups: ["Platform"], channels: ["ops"] }] });
    await setTarget(routed.key, 500);
    for (let i = 0; i < 3; i++) await runTick(routed.deps(), minute(i));
    expect((await routed.events("ops")).map((e) => e.event)).toEqual(["incident.opened"]);
    expect(await routed.events("other")).toEqual([]);

    const quiet = setup({ maintenance: [{ id: "mw", title: "Upgrade", monitors: ["gw"], start: new Date(minute(0)).toISOString(), end: new Date(minute(30)).toISOString() }] });
    await setTarget(quiet.key, 500);
    for (let i = 0; i < 5; i++) await runTick(quiet.deps(), minute(i));
    expect(await quiet.events()).toEqual([]);
  });

  it("sends one message for a flapping monitor, not one per flip", async () => {
    const { key, deps, events } = setup();
    for (let i = 0; i < 20; i++) {
      await setTarget(key, i % 2 ? 500 : 200);
      await runTick(deps(), minute(i));
    }
    const sent = (await events()).map((e) => `${e.event}:${e.reason}`);
    expect(sent).toEqual(["incident.opened:opened"]);
  });
});
