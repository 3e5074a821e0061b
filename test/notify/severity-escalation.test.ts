import { resetBindings } from "../helpers/reset";
import { afterEach, describe, expect, it } from "vitest";
import { probed } from "../helpers/fixtures";
import { clockedWriter, configOf } from "../helpers/writer";
import { recorded, recorderUrl, uniquePrefix } from "./fixtures";

afterEach(resetBindings);

// Far ahead of the real clock: no alarm the writer arms fires mid-test.
const T0 = Date.parse("2096-03-01T00:00:00Z");
const minute = (n: number) => T0 + n * 60_000;

/**
 * The guide's routing on the recording server: a PagerDuty service that wakes the on-call (SEV-1 only), a chat for
 * everything else, and a team lead's webhook. `escalation` is the test's own.
 */
function setup(monitors: Record<string, unknown>[], escalation: unknown[]) {
  const prefix = uniquePrefix("sev");
  const config = configOf({
    monitors: monitors.map((m) => ({ type: "http", url: `https://${m.id}.example.test/health`, name: m.id, failureThreshold: 1, ...m })),
    notifications: {
      channels: [
        { id: "oncall", type: "pagerduty", routingKeySecret: "PD_KEY", apiUrl: `${recorderUrl()}${prefix}/pd` },
        { id: "chat", type: "webhook", urlSecret: "CHAT_URL" },
        { id: "lead", type: "webhook", urlSecret: "LEAD_URL" },
      ],
      routes: [
        { severities: ["SEV-1"], channels: ["oncall"] },
        { severities: ["SEV-2", "SEV-3", "SEV-4"], channels: ["chat"] },
      ],
      escalation,
    },
  });
  const writer = clockedWriter(config, {
    PD_KEY: "R0UT1NGKEY0123456789abcdefABCDEF",
    CHAT_URL: `${recorderUrl()}${prefix}/chat`,
    LEAD_URL: `${recorderUrl()}${prefix}/lead`,
  });
  const pages = async () =>
    (await recorded(`${prefix}/pd/`)).map(
      (r) => JSON.parse(r.body) as { event_action: string; dedup_key: string; payload?: { summary: string } },
    );
  const hook = async (channel: "chat" | "lead") =>
    (await recorded(`${prefix}/${channel}`)).map((r) => JSON.parse(r.body) as { event: string; reason: string; monitorIds: string[] });
  return { config, writer, pages, hook };
}

const GUIDE_PATH = [
  {
    severities: ["SEV-1"],
    levels: [
      { afterMinutes: 15, channels: ["oncall"] },
      { afterMinutes: 60, channels: ["lead"] },
    ],
  },
  { severities: ["SEV-2", "SEV-3", "SEV-4"], levels: [{ afterMinutes: 240, channels: ["chat"] }] },
];

describe("severity in routes and escalation", () => {
  it("pages a SEV-1 incident at once and never a SEV-3 one, which goes to chat and escalates there", async () => {
    const { writer, pages, hook } = setup(
      [
        { id: "api", severity: "SEV-1" },
        { id: "grafana", severity: "SEV-3" },
      ],
      GUIDE_PATH,
    );
    for (const m of [0, 1, 15, 60, 240, 241])
      await writer.at(minute(m), [probed("api", "down", minute(m)), probed("grafana", "down", minute(m))]);

    const sent = await pages();
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((p) => p.dedup_key.startsWith("api-"))).toBe(true);
    expect(sent[0]).toMatchObject({ event_action: "trigger", payload: { summary: "[SEV-1] api is down (opened)" } });
    expect((await hook("chat")).map((e) => [e.monitorIds[0], e.event, e.reason])).toEqual([
      ["grafana", "incident.opened", "opened"],
      ["grafana", "incident.escalated", "escalated to level 1 (not resolved after 240 min)"],
    ]);
  });

  it("escalates an acknowledged but unresolved SEV-1 at 1 h, showing the acknowledgement, and tells the level reached how it ends", async () => {
    const { writer, pages, hook } = setup([{ id: "api", severity: "SEV-1" }], GUIDE_PATH);
    const down = (m: number) => writer.at(minute(m), [probed("api", "down", minute(m))]);
    await down(0);
    await down(1);
    const acked = await writer.change(minute(5), { kind: "acknowledge", id: "api-20960301T000000Z", by: "alice" });
    expect(acked).toMatchObject({ ok: true });
    for (const m of [6, 15, 59]) await down(m);
    expect(await hook("lead")).toEqual([]);
    await down(60);
    expect(await hook("lead")).toEqual([
      expect.objectContaining({
        event: "incident.escalated",
        reason: "escalated to level 2 (not resolved after 60 min; acknowledged by alice)",
      }),
    ]);
    // The on-call's page: opened, acknowledged, escalated to level 1 at 15 minutes (the acknowledgement did not stop it).
    expect((await pages()).map((p) => p.event_action)).toEqual(["trigger", "acknowledge", "trigger"]);

    for (const m of [61, 62]) await writer.at(minute(m), [probed("api", "up", minute(m))]);
    expect((await hook("lead")).map((e) => e.event)).toEqual(["incident.escalated", "incident.resolved"]);
    expect((await pages()).at(-1)?.event_action).toBe("resolve");
  });

  it('stops at the acknowledgement with escalateUntil: "acknowledged"', async () => {
    const policy = [{ ...GUIDE_PATH[0], escalateUntil: "acknowledged" }];
    const { writer, hook, pages } = setup([{ id: "api", severity: "SEV-1" }], policy);
    await writer.at(minute(0), [probed("api", "down", minute(0))]);
    await writer.at(minute(1), [probed("api", "down", minute(1))]);
    await writer.change(minute(5), { kind: "acknowledge", id: "api-20960301T000000Z", by: "alice" });
    for (const m of [15, 60, 90]) await writer.at(minute(m), [probed("api", "down", minute(m))]);
    expect(await hook("lead")).toEqual([]);
    expect((await pages()).map((p) => p.event_action)).toEqual(["trigger", "acknowledge"]);
  });

  it("takes the older plain list of levels as one policy for every severity, escalating until resolved", async () => {
    const { writer, hook } = setup([{ id: "grafana", severity: "SEV-4" }], [{ afterMinutes: 30, channels: ["lead"] }]);
    await writer.at(minute(0), [probed("grafana", "down", minute(0))]);
    await writer.at(minute(1), [probed("grafana", "down", minute(1))]);
    await writer.change(minute(2), { kind: "acknowledge", id: "grafana-20960301T000000Z", by: "bob" });
    await writer.at(minute(31), [probed("grafana", "down", minute(31))]);
    expect((await hook("lead")).map((e) => e.reason)).toEqual(["escalated to level 1 (not resolved after 30 min; acknowledged by bob)"]);
  });
});
