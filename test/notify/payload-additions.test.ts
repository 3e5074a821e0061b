import { describe, expect, it } from "vitest";
import { buildAlertmanagerPayload, buildAlertmanagerRefresh } from "../../src/notify/channel-alertmanager";
import { buildDiscordPayload } from "../../src/notify/channel-discord";
import { buildPagerDutyPayload } from "../../src/notify/channel-pagerduty";
import { buildSlackPayload } from "../../src/notify/channel-slack";
import { buildTelegramPayload } from "../../src/notify/channel-telegram";
import { buildWebhookPayload } from "../../src/notify/channel-webhook";
import { incident } from "../helpers/fixtures";
import { GATEWAY_DOWN, ROUTING_KEY, everyEvent, opened } from "./fixtures";

// What the events this alerting work added look like in each provider's payload (payloads.test.ts checks them all
// against the providers' documented schemas).

describe("runbooks", () => {
  const RUNBOOK = "https://docs.example.test/troubleshooting#5xx-errors";
  it("every channel carries the event's runbook", () => {
    const event = opened({ runbook: RUNBOOK });
    expect(buildWebhookPayload(event).runbook).toBe(RUNBOOK);
    expect(JSON.stringify(buildSlackPayload(event).blocks)).toContain(RUNBOOK);
    expect(buildDiscordPayload(event).embeds[0].description).toContain("docs.example.test");
    expect(buildTelegramPayload(event, 1).text).toContain(`<b>Runbook:</b> ${RUNBOOK}`);
    const trigger = buildPagerDutyPayload(event, ROUTING_KEY) as { links?: unknown; payload: { custom_details: Record<string, unknown> } };
    expect(trigger.links).toContainEqual({ href: RUNBOOK, text: "Runbook" });
    expect(trigger.payload.custom_details.runbook).toBe(RUNBOOK);
    expect(buildAlertmanagerPayload(event)[0]!.annotations.runbook_url).toBe(RUNBOOK);
    const refreshed = buildAlertmanagerRefresh([incident({ ...GATEWAY_DOWN, runbook: RUNBOOK })], event.at, 15);
    expect(refreshed[0]!.annotations.runbook_url).toBe(RUNBOOK);
  });

  it("renders nothing for a runbook that is not an http(s) URL", () => {
    const event = opened({ runbook: "javascript:alert(1)" });
    expect(buildWebhookPayload(event).runbook).toBeNull();
    expect(JSON.stringify(buildSlackPayload(event))).not.toContain("javascript");
    expect(buildAlertmanagerPayload(event)[0]!.annotations).not.toHaveProperty("runbook_url");
  });
});

describe("maintenance windows", () => {
  it("a start raises an informational alert for the window's span and its end closes the same one", () => {
    const { maintenanceStarted: started, maintenanceEnded: ended } = everyEvent();
    const [start, end] = [buildPagerDutyPayload(started!, ROUTING_KEY), buildPagerDutyPayload(ended!, ROUTING_KEY)];
    expect(start).toMatchObject({
      event_action: "trigger",
      payload: {
        severity: "info",
        summary: "[MAINTENANCE] Maintenance: Database upgrade (Database upgrade started; planned until 2026-12-01T03:00:00.000Z)",
      },
    });
    expect(end).toMatchObject({ event_action: "resolve", dedup_key: start.dedup_key });
    const [a, b] = [buildAlertmanagerPayload(started!)[0]!, buildAlertmanagerPayload(ended!)[0]!];
    expect(a).toMatchObject({
      labels: { alertname: "EdgewatchMaintenance", severity: "info" },
      startsAt: "2026-12-01T02:00:00.000Z",
      endsAt: "2026-12-01T03:00:00.000Z",
    });
    expect(b.labels).toEqual(a.labels);
    expect(b.endsAt).toBe(ended!.at);
    expect(buildWebhookPayload(started!)).toMatchObject({
      event: "maintenance.started",
      maintenance: { id: "db-upgrade" },
      incident: null,
    });
    expect(buildTelegramPayload(ended!, 1).text).toContain("<b>Maintenance ended</b>");
  });
});
