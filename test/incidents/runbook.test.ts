import { describe, expect, it } from "vitest";
import { openManual } from "../../src/incidents/admin-actions";
import { transition } from "../../src/incidents/transition";
import { Incident } from "../../src/incidents/types";
import { planNotifications } from "../../src/notify/plan";
import { EMPTY_DELIVERY } from "../../src/notify/delivery-state";
import { incident } from "../helpers/fixtures";
import { configOf } from "../helpers/writer";

const T0 = Date.parse("2096-03-01T00:00:00Z");
const RUNBOOK = "https://docs.example.test/troubleshooting#1-api-gateway-issues";
const config = configOf({
  monitors: [
    { id: "gw", name: "Gateway", type: "http", url: "https://gw.example.test/", runbook: RUNBOOK, failureThreshold: 1 },
    { id: "web", name: "Web", type: "http", url: "https://web.example.test/" },
  ],
  notifications: { channels: [{ id: "chat", type: "webhook", urlSecret: "U" }] },
});

describe("runbooks", () => {
  it("an incident keeps its monitor's runbook, and its notifications carry it", () => {
    const t = transition(
      { tracks: {}, incidents: [] },
      [{ monitorId: "gw", status: "down", message: "HTTP 500", phase: "status" }],
      config,
      T0,
    );
    expect(t.state.incidents[0]).toMatchObject({ id: "gw-20960301T000000Z", runbook: RUNBOOK });
    const planned = planNotifications({
      config,
      events: t.events,
      incidents: t.state.incidents,
      delivery: EMPTY_DELIVERY,
      inMaintenance: new Set(),
      nowMs: T0,
    });
    expect(planned.outbox.map((e) => (e.event as { runbook?: string }).runbook)).toEqual([RUNBOOK]);
  });

  it("a manual incident takes the runbook of the first of its monitors that has one", () => {
    const opened = openManual(
      { tracks: {}, incidents: [] },
      config,
      { monitorIds: ["web", "gw"], title: "t", message: "m", impact: "minor", by: "a" },
      T0,
    );
    expect(opened.ok && opened.incident.runbook).toBe(RUNBOOK);
  });

  it("an incident stored before runbooks existed still reads, and its events take the monitor's runbook from the config", () => {
    const { runbook: _none, ...old } = incident({ id: "gw-20960301T000000Z", monitorIds: ["gw"] });
    const parsed = Incident.parse(JSON.parse(JSON.stringify(old)));
    expect(parsed).not.toHaveProperty("runbook");
    expect(parsed).not.toHaveProperty("affected");
    const planned = planNotifications({
      config,
      events: [{ type: "incident.updated", incidentId: parsed.id, monitorIds: ["gw"], reason: "update posted" }],
      incidents: [parsed],
      delivery: EMPTY_DELIVERY,
      inMaintenance: new Set(),
      nowMs: T0,
    });
    expect((planned.outbox[0]?.event as { runbook?: string }).runbook).toBe(RUNBOOK);
  });
});
