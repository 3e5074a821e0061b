import { describe, expect, it } from "vitest";
import * as z from "zod";
import { Incident } from "../../src/incidents/types";
import { buildAlertmanagerPayload, buildAlertmanagerRefresh } from "../../src/notify/channel-alertmanager";
import { buildDiscordPayload, embedLength } from "../../src/notify/channel-discord";
import { buildPagerDutyPayload, pagerDutyAction } from "../../src/notify/channel-pagerduty";
import { buildSlackPayload } from "../../src/notify/channel-slack";
import { buildTelegramPayload } from "../../src/notify/channel-telegram";
import { buildWebhookPayload } from "../../src/notify/channel-webhook";
import { NotificationEvent, NotificationEventType } from "../../src/notify/event";
import { escapeSlack, escapeTelegramHtml, fitEscaped, truncate } from "../../src/notify/render";
import { incident } from "../helpers/fixtures";
import { GATEWAY_DOWN, HOSTILE, ROUTING_KEY, everyEvent, opened } from "./fixtures";
import {
  AlertmanagerPostableAlerts,
  DiscordWebhookBody,
  PagerDutyBody,
  PagerDutyFollowUpBody,
  PagerDutyTriggerBody,
  SlackWebhookBody,
  TelegramSendMessageBody,
  telegramHtmlProblem,
  telegramVisibleLength,
} from "./provider-schemas";

/** The body the README documents for the generic webhook. */
const DocumentedWebhookBody = z.strictObject({
  version: z.literal(1),
  id: z.string().min(1),
  event: NotificationEventType,
  at: z.iso.datetime(),
  monitorIds: z.array(z.string()),
  reason: z.string(),
  summary: z.string(),
  title: z.string(),
  severity: z.enum(["critical", "error", "warning", "info"]),
  incident: Incident.nullable(),
  escalationLevel: z.int().positive().nullable(),
  certificate: z.strictObject({ monitorId: z.string(), daysLeft: z.number(), notAfter: z.string(), tier: z.number() }).nullable(),
  group: z.string().nullable(),
  statusPageUrl: z.url().nullable(),
  runbook: z.url().nullable(),
  maintenance: z.strictObject({ id: z.string(), title: z.string(), start: z.iso.datetime(), end: z.iso.datetime() }).nullable(),
  // The event's own shape: the same fields, documented in docs/notifications.md.
  slo: NotificationEvent.shape.slo.unwrap().nullable(),
});

const HUGE = "x".repeat(5000) + " <b>&amp; " + "é🙂".repeat(3000);

/** Every event kind, plain, hostile and oversized. */
function allEvents(): [string, NotificationEvent][] {
  const out: [string, NotificationEvent][] = [];
  for (const [variant, fields] of [
    ["plain", {}],
    ["hostile", { title: HOSTILE, cause: { message: HOSTILE, phase: "status" }, acknowledgedBy: HOSTILE }],
    ["huge", { title: HUGE, cause: { message: HUGE, phase: "status" }, monitorIds: Array.from({ length: 40 }, (_, i) => `monitor-${i}`) }],
  ] as const) {
    for (const [kind, event] of Object.entries(everyEvent(fields)))
      out.push([
        `${kind} (${variant})`,
        variant === "hostile" ? { ...event, reason: `${event.reason} ${HOSTILE}`, group: HOSTILE } : event,
      ]);
  }
  return out;
}

describe("every payload passes its provider's documented schema", () => {
  it.each(allEvents())("%s", (_name, event) => {
    expect(NotificationEvent.safeParse(event).success).toBe(true);
    expect(SlackWebhookBody.safeParse(buildSlackPayload(event)).error).toBeUndefined();
    expect(DiscordWebhookBody.safeParse(buildDiscordPayload(event)).error).toBeUndefined();
    expect(PagerDutyBody.safeParse(buildPagerDutyPayload(event, ROUTING_KEY)).error).toBeUndefined();
    const telegram = buildTelegramPayload(event, -1001234567890);
    expect(TelegramSendMessageBody.safeParse(telegram).error).toBeUndefined();
    expect(telegramHtmlProblem(telegram.text)).toBeNull();
    expect(AlertmanagerPostableAlerts.safeParse(buildAlertmanagerPayload(event, 15)).error).toBeUndefined();
    const webhook = buildWebhookPayload(event);
    expect(DocumentedWebhookBody.safeParse(webhook).error).toBeUndefined();
    expect(JSON.parse(JSON.stringify(webhook))).toEqual(webhook);
  });
});

describe("severity", () => {
  it.each([
    ["SEV-1", "critical"],
    ["SEV-2", "error"],
    ["SEV-3", "warning"],
    ["SEV-4", "info"],
  ] as const)("%s maps to %s for PagerDuty, Alertmanager and the webhook", (severity, expected) => {
    const event = opened({}, { severity });
    const pd = PagerDutyTriggerBody.parse(buildPagerDutyPayload(event, ROUTING_KEY));
    expect(pd.payload.severity).toBe(expected);
    expect(buildAlertmanagerPayload(event)[0]!.labels.severity).toBe(expected);
    expect(buildWebhookPayload(event).severity).toBe(expected);
  });

  it("certificates are more severe as expiry nears; a stale monitor is a warning", () => {
    const cert = everyEvent().certificate!;
    const at = (daysLeft: number) => ({ ...cert, certificate: { ...cert.certificate!, daysLeft } });
    const sev = (e: NotificationEvent) => PagerDutyTriggerBody.parse(buildPagerDutyPayload(e, ROUTING_KEY)).payload.severity;
    expect([sev(at(29)), sev(at(13)), sev(at(6)), sev(at(0.5))]).toEqual(["info", "warning", "error", "critical"]);
    expect(sev(everyEvent().stale!)).toBe("warning");
  });
});

describe("PagerDuty Events API v2", () => {
  const events = everyEvent();
  it("triggers on open with dedup_key = the incident id, and resolves on resolve with the same key", () => {
    const open = PagerDutyTriggerBody.parse(buildPagerDutyPayload(events.opened!, ROUTING_KEY));
    expect(open).toMatchObject({ routing_key: ROUTING_KEY, event_action: "trigger", dedup_key: "api-gateway-20261128T210100Z" });
    expect(open.payload).toMatchObject({
      source: "api-gateway",
      component: "api-gateway",
      group: "Platform",
      class: "status",
      timestamp: "2026-11-28T21:02:00.000Z",
    });
    expect(open.payload.summary).toBe("[SEV-1] API gateway is down (opened)");
    expect(open.links).toEqual([{ href: "https://status.example.com/incidents/api-gateway-20261128T210100Z", text: "Edgewatch status" }]);
    expect(open.payload.custom_details).toMatchObject({
      incident_id: "api-gateway-20261128T210100Z",
      cause: "HTTP 503 in 41 ms (expected 200-299)",
      impact: "critical",
    });
    const resolved = PagerDutyFollowUpBody.parse(buildPagerDutyPayload(events.resolved!, ROUTING_KEY));
    expect(resolved).toEqual({ routing_key: ROUTING_KEY, event_action: "resolve", dedup_key: "api-gateway-20261128T210100Z" });
  });

  it("re-triggers on an update or an escalation (the same alert, updated), and acknowledges an acknowledgement", () => {
    expect(pagerDutyAction(events.updated!)).toBe("trigger");
    expect(buildPagerDutyPayload(events.updated!, ROUTING_KEY).dedup_key).toBe("api-gateway-20261128T210100Z");
    expect(pagerDutyAction(events.escalated!)).toBe("trigger");
    const ack = PagerDutyFollowUpBody.parse(buildPagerDutyPayload(events.acknowledged!, ROUTING_KEY));
    expect(ack).toEqual({ routing_key: ROUTING_KEY, event_action: "acknowledge", dedup_key: "api-gateway-20261128T210100Z" });
    // An acknowledged incident whose impact rises is still a trigger, so the alert's summary follows.
    expect(pagerDutyAction({ ...events.acknowledged!, reason: "impact raised" })).toBe("trigger");
  });

  it("keeps one alert per certificate (expiry date) and truncates the summary to 1024", () => {
    const cert = buildPagerDutyPayload(everyEvent().certificate!, ROUTING_KEY);
    expect(cert.dedup_key).toBe("certificate:api-gateway-tls:2026-12-05T00:00:00.000Z");
    const long = PagerDutyTriggerBody.parse(buildPagerDutyPayload(opened({}, { title: HUGE }), ROUTING_KEY));
    expect(long.payload.summary.length).toBeLessThanOrEqual(1024);
    expect(long.payload.summary.endsWith("…")).toBe(true);
  });
});

describe("Alertmanager postable alerts", () => {
  const events = everyEvent();
  it("an open incident: labels identify it, startsAt is its start, endsAt a lease ahead", () => {
    const [alert] = AlertmanagerPostableAlerts.parse(buildAlertmanagerPayload(events.opened!, 15));
    expect(alert).toEqual({
      labels: {
        alertname: "EdgewatchIncident",
        monitor: "api-gateway",
        severity: "critical",
        edgewatch_incident: "api-gateway-20261128T210100Z",
        group: "Platform",
      },
      annotations: {
        summary: "API gateway is down",
        description: "[SEV-1] API gateway is down (opened): HTTP 503 in 41 ms (expected 200-299)",
        edgewatch_severity: "SEV-1",
        impact: "critical",
      },
      startsAt: "2026-11-28T21:01:00.000Z",
      endsAt: "2026-11-28T21:17:00.000Z",
      generatorURL: "https://status.example.com/incidents/api-gateway-20261128T210100Z",
    });
  });

  it("on resolve, endsAt is the resolve time and the labels are the same (the same alert ends)", () => {
    const [open] = buildAlertmanagerPayload(events.opened!, 15);
    const [resolved] = AlertmanagerPostableAlerts.parse(buildAlertmanagerPayload(events.resolved!, 15));
    expect(resolved!.endsAt).toBe("2026-11-28T21:13:00.000Z");
    expect(resolved!.labels).toEqual(open!.labels);
  });

  it("the lease renewal re-posts only open incidents, each a lease ahead of now", () => {
    const alerts = buildAlertmanagerRefresh(
      [
        incident(GATEWAY_DOWN),
        incident({
          ...GATEWAY_DOWN,
          id: "grafana-20261128T200000Z",
          monitorIds: ["grafana"],
          ...{ status: "resolved", resolvedAt: "2026-11-28T20:30:00.000Z", durationMs: 1 },
        }),
      ],
      "2026-11-28T22:00:00.000Z",
      10,
      { groupOf: () => "Platform" },
    );
    expect(AlertmanagerPostableAlerts.parse(alerts)).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ startsAt: "2026-11-28T21:01:00.000Z", endsAt: "2026-11-28T22:10:00.000Z" });
    // The same identity as the alert the open event posted, so Alertmanager renews it rather than adding another.
    expect(alerts[0]!.labels).toEqual(buildAlertmanagerPayload(events.opened!, 15)[0]!.labels);
  });

  it("certificate and staleness warnings are alerts of their own that expire with their lease", () => {
    const [cert] = AlertmanagerPostableAlerts.parse(buildAlertmanagerPayload(events.certificate!, 60));
    expect(cert!.labels).toMatchObject({ alertname: "EdgewatchCertificateExpiring", monitor: "api-gateway-tls", severity: "error" });
    expect(cert!.endsAt).toBe("2026-11-28T22:02:00.000Z");
    const [stale] = AlertmanagerPostableAlerts.parse(buildAlertmanagerPayload(events.stale!, 15));
    expect(stale!.labels).toMatchObject({ alertname: "EdgewatchMonitorStale", monitor: "grafana", severity: "warning" });
  });
});

describe("escaping a hostile incident title", () => {
  const event = opened({ reason: `opened ${HOSTILE}` }, { title: HOSTILE, cause: { message: HOSTILE, phase: "status" } });

  it("Slack: &, < and > escaped in every mrkdwn text, so no tag, link or <!everyone> survives", () => {
    const payload = buildSlackPayload(event);
    const texts = [
      payload.text,
      ...payload.blocks.flatMap((b) =>
        "text" in b ? [b.text.text] : "fields" in b ? b.fields.map((f) => f.text) : b.elements.map((e) => e.text),
      ),
    ];
    const joined = texts.join("\n");
    expect(joined).toContain("&lt;img src=x onerror=alert(1)&gt; &amp; &lt;@everyone&gt;");
    expect(joined).not.toContain("<img");
    expect(joined).not.toContain("<@everyone>");
    // The only control sequences left are our own: the date and the status page link.
    const controls = [...joined.matchAll(/<([^>]*)>/g)].map((m) => m[1]!);
    for (const c of controls)
      expect(c).toMatch(/^(!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|[^|]+|https:\/\/status\.example\.com\/[^|]*\|Status page)$/);
  });

  it("Telegram: only Telegram's own tags, everything else as entities", () => {
    const { text } = buildTelegramPayload(event, "@edgewatch_alerts");
    expect(telegramHtmlProblem(text)).toBeNull();
    expect(text).toContain("&lt;img src=x onerror=alert(1)&gt; &amp; &lt;@everyone&gt;");
    expect(text).not.toContain("<img");
  });

  it("Discord: markdown escaped and no mention can ping", () => {
    const payload = buildDiscordPayload(event);
    expect(payload.allowed_mentions).toEqual({ parse: [] });
    const embed = payload.embeds[0];
    const all = [embed.title, embed.description ?? "", ...embed.fields.map((f) => f.name + f.value)].join("\n");
    expect(all).toContain("\\<img src=x onerror=alert(1)\\> & \\<@everyone\\>");
    expect(all).not.toMatch(/(^|[^\\])<@/);
    expect(all).not.toMatch(/(^|[^\\])\[/);
  });

  it("Discord: a title cannot format, link or quote", () => {
    const sneaky = "# Big\n> quote **bold** [click](https://evil.example) ||spoiler|| `code` <t:0:R> 1. list";
    const embed = buildDiscordPayload(opened({}, { title: sneaky, cause: { message: sneaky, phase: "status" } })).embeds[0];
    expect(embed.title).toBe(
      "🔴 Incident opened: # Big \\> quote \\*\\*bold\\*\\* \\[click\\](https://evil.example) \\|\\|spoiler\\|\\| \\`code\\` \\<t:0:R\\> 1. list",
    );
    expect(embed.description).toContain("**Cause**: \\# Big\n\\> quote");
  });

  it("the webhook, PagerDuty and Alertmanager carry the text as data, unchanged", () => {
    expect(buildWebhookPayload(event).incident?.title).toBe(HOSTILE);
    expect(PagerDutyTriggerBody.parse(buildPagerDutyPayload(event, ROUTING_KEY)).payload.summary).toContain(HOSTILE);
    expect(buildAlertmanagerPayload(event)[0]!.annotations.summary).toBe(HOSTILE);
  });
});

describe("limits", () => {
  const event = opened({ reason: HUGE }, { title: HUGE, cause: { message: HUGE, phase: "status" } });

  it("Telegram stays within 4096 characters, markup included, and cuts between entities", () => {
    const { text } = buildTelegramPayload(event, 1);
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(telegramVisibleLength(text)).toBeLessThanOrEqual(4096);
    expect(telegramHtmlProblem(text)).toBeNull();
    expect(text).toContain("Edgewatch · api-gateway-20261128T210100Z:opened");
  });

  it("Discord stays within 6000 characters across the embed, and each field within its own limit", () => {
    const payload = DiscordWebhookBody.parse(buildDiscordPayload(event));
    expect(embedLength(buildDiscordPayload(event).embeds[0])).toBeLessThanOrEqual(6000);
    expect(payload.embeds![0]!.title!.length).toBeLessThanOrEqual(256);
  });

  it("Slack keeps every text object within 3000 (fields 2000)", () => {
    expect(SlackWebhookBody.safeParse(buildSlackPayload(event)).error).toBeUndefined();
  });

  it("truncation never splits an escape, an entity or a surrogate pair", () => {
    expect(fitEscaped("a&b<c>d", 9, escapeSlack)).toBe("a&amp;b…");
    expect(fitEscaped("<<<<", 9, escapeTelegramHtml)).toBe("&lt;&lt;…");
    expect(fitEscaped("<<<<", 3, escapeTelegramHtml)).toBe("…");
    expect(truncate("🙂🙂🙂", 4)).toBe("🙂…");
    for (let max = 1; max < 40; max++) {
      const cut = fitEscaped(HOSTILE, max, escapeSlack);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(/&[a-z]*$|&[a-z]*…$/);
    }
  });
});
