import { resetBindings } from "../helpers/reset";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, inject, it } from "vitest";
import { storesFrom } from "../../src/env/deps";
import { AlertmanagerWebhook, applyAlertmanagerWebhook } from "../../src/incidents/alertmanager-alerts";
import { ALERT_EXPIRY_GRACE_MS, expireAlerts } from "../../src/incidents/alertmanager-expiry";
import type { IncidentState } from "../../src/incidents/transition";
import type { Incident } from "../../src/incidents/types";
import { recorded, recorderUrl, uniquePrefix } from "../notify/fixtures";
import { probeDeps } from "../helpers/monitors";
import { change, configOf, storedState, tick } from "../helpers/writer";

const base = `http://127.0.0.1:${inject("httpPort")}`;
// Far in the future, so no alarm the ticks arm can fire while the test runs.
const T0 = Date.parse("2096-05-01T10:00:00Z");
const minute = (n: number) => T0 + n * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const ID = "api-gateway-am-a1b2c3d4-20960501T095500Z";
// The default refreshWithinMinutes: Alertmanager's default repeat_interval (4 h) and a grace hour.
const WITHIN = 300 * 60_000;

afterEach(resetBindings);

function webhook(status: "firing" | "resolved", endsAt: string): AlertmanagerWebhook {
  return AlertmanagerWebhook.parse({
    version: "4",
    status,
    receiver: "edgewatch",
    groupKey: "{}",
    alerts: [
      {
        status,
        labels: { alertname: "HighLatency", service: "api-gateway" },
        annotations: {},
        startsAt: iso(minute(-5)),
        endsAt,
        fingerprint: "a1b2c3d4e5f60718",
      },
    ],
  });
}

const config = configOf({ monitors: [{ id: "api-gateway", name: "API gateway", type: "http", url: `${base}/ok` }] });
const openWith = (endsAt: string): IncidentState =>
  applyAlertmanagerWebhook({ tracks: {}, incidents: [] }, config, webhook("firing", endsAt), minute(0)).state;

describe("expireAlerts", () => {
  it("resolves an open Alertmanager incident once its endsAt is more than the grace past, with a resolved event", () => {
    const state = openWith(iso(minute(4)));
    const endsAt = minute(4);
    expect(ALERT_EXPIRY_GRACE_MS).toBe(5 * 60_000);
    expect(config.alertmanagerReceiver.refreshWithinMinutes * 60_000).toBe(WITHIN);
    expect(expireAlerts(state, endsAt + ALERT_EXPIRY_GRACE_MS, WITHIN)).toEqual({ state, changed: [], events: [] });
    const expired = expireAlerts(state, endsAt + ALERT_EXPIRY_GRACE_MS + 1, WITHIN);
    const incident = expired.state.incidents[0]!;
    expect(incident).toMatchObject({
      id: ID,
      status: "resolved",
      resolvedAt: iso(endsAt + ALERT_EXPIRY_GRACE_MS + 1),
      durationMs: 14 * 60_000 + 1,
    });
    expect(incident.updates.at(-1)).toEqual({
      at: incident.resolvedAt,
      status: "resolved",
      message: expect.stringContaining(`not refreshed since its endsAt ${iso(endsAt)}`),
    });
    expect(expired.changed).toEqual([incident]);
    expect(expired.events).toEqual([{ type: "incident.resolved", incidentId: ID, monitorIds: ["api-gateway"], reason: "resolved" }]);
    // The input is left as it was.
    expect(state.incidents[0]!.status).toBe("open");
  });

  it("expires an alert without an end (Go's zero time) once no firing send came for refreshWithinMinutes", () => {
    const zero = openWith("0001-01-01T00:00:00Z");
    expect(zero.incidents[0]).toMatchObject({ alertSeenAt: iso(minute(0)) });
    expect(zero.incidents[0]!.alertEndsAt).toBeUndefined();
    expect(expireAlerts(zero, minute(0) + WITHIN, WITHIN).changed).toEqual([]);
    const expired = expireAlerts(zero, minute(0) + WITHIN + 1, WITHIN);
    expect(expired.events).toEqual([{ type: "incident.resolved", incidentId: ID, monitorIds: ["api-gateway"], reason: "resolved" }]);
    expect(expired.changed[0]!.updates.at(-1)!.message).toContain(`not sent again since ${iso(minute(0))}`);
  });

  it("never expires a resolved incident, other sources' incidents, or one stored before sends were timed", () => {
    const far = minute(100_000);
    const { alertSeenAt: _seen, ...untimed } = openWith("0001-01-01T00:00:00Z").incidents[0]!;
    const open = openWith(iso(minute(4))).incidents[0]!;
    const others: Incident[] = [
      { ...open, id: "a-20960501T095500Z", status: "resolved", resolvedAt: iso(minute(1)), durationMs: 6 * 60_000 },
      { ...open, id: "b-20960501T095500Z", source: "monitor" },
      { ...open, id: "c-20960501T095500Z", source: "manual" },
      { ...untimed, id: "d-20960501T095500Z" },
    ];
    const state = { tracks: {}, incidents: others };
    expect(expireAlerts(state, far, WITHIN).state).toBe(state);
  });
});

describe("stale Alertmanager incidents in the tick", () => {
  function setup() {
    const prefix = uniquePrefix("am-expiry");
    const raw = {
      monitors: [{ id: "api-gateway", name: "API gateway", type: "http", url: `${base}/ok` }],
      notifications: { channels: [{ id: "ops", type: "webhook", urlSecret: "HOOK_OPS" }], routes: [{ channels: ["ops"] }] },
    };
    let clock = minute(0);
    // The receiver stamps its changes with the writer's clock: set to the test's minute, not the real one.
    const deps = { ...probeDeps({ HOOK_OPS: `${recorderUrl()}${prefix}/ops` }), now: () => clock };
    const options = { config: configOf(raw), send: deps, probe: deps };
    const at = (n: number) => (clock = minute(n));
    const runTick = (n: number) => tick(options, at(n));
    const receive = (n: number, body: AlertmanagerWebhook) => (at(n), change(options, { kind: "alertmanager", payload: body }));
    const sent = async () => (await recorded(`${prefix}/ops`)).map((r) => (JSON.parse(r.body) as { event: string }).event);
    return { options, runTick, receive, sent };
  }

  it("stays open while Alertmanager refreshes it, then resolves, records and notifies once the refreshes stop", async () => {
    const { options, runTick, receive, sent } = setup();
    await runTick(0);
    expect(await receive(0, webhook("firing", iso(minute(4))))).toMatchObject({ changed: [{ id: ID, status: "open" }] });
    await runTick(1);
    // Re-sent at minute 3 with a later end: past the first endsAt and its grace (minute 9), still open.
    expect(await receive(3, webhook("firing", iso(minute(10))))).toMatchObject({ changed: [] });
    for (const n of [9, 10, 15]) expect((await runTick(n)).events, `minute ${n}`).toEqual([]);
    const open = (await storedState(options.config)).incidents.incidents;
    expect(open).toEqual([expect.objectContaining({ id: ID, status: "open", alertEndsAt: iso(minute(10)) })]);

    const summary = await runTick(16);
    expect(summary.events).toEqual([{ type: "incident.resolved", incidentId: ID, monitorIds: ["api-gateway"], reason: "resolved" }]);
    const [incident] = (await storedState(options.config)).incidents.incidents;
    expect(incident).toMatchObject({ id: ID, status: "resolved", resolvedAt: iso(minute(16)), source: "alertmanager" });
    expect(incident!.updates.at(-1)!.message).toContain(`not refreshed since its endsAt ${iso(minute(10))}`);
    const record = await storesFrom(env).incidents.getIncident(ID);
    expect(record).toMatchObject({ kind: "ok", value: { status: "resolved" } });
    expect(await sent()).toEqual(["incident.opened", "incident.resolved"]);

    // Nothing more happens: later ticks and a late resolve from Alertmanager change nothing.
    expect((await runTick(17)).events).toEqual([]);
    expect(await receive(18, webhook("resolved", iso(minute(17))))).toMatchObject({ changed: [] });
  });

  it("keeps an alert without an end open while Alertmanager repeats it, and resolves it once the repeats stop", async () => {
    const { options, runTick, receive, sent } = setup();
    await runTick(0);
    await receive(0, webhook("firing", "0001-01-01T00:00:00Z"));
    // Alertmanager's repeat_interval (4 h): the same alert, firing, with no end.
    expect(await receive(240, webhook("firing", "0001-01-01T00:00:00Z"))).toMatchObject({ changed: [] });
    expect((await runTick(540)).events).toEqual([]);
    expect((await storedState(options.config)).incidents.incidents).toEqual([
      expect.objectContaining({ id: ID, status: "open", alertSeenAt: iso(minute(240)) }),
    ]);
    // No send for more than refreshWithinMinutes (300): Alertmanager is gone, and the incident must not stay open for ever.
    expect((await runTick(541)).events).toEqual([
      { type: "incident.resolved", incidentId: ID, monitorIds: ["api-gateway"], reason: "resolved" },
    ]);
    expect(await sent()).toEqual(["incident.opened", "incident.resolved"]);
  });
});
