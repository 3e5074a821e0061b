// PagerDuty Events API v2: `trigger` on open (and on every update or escalation, which PagerDuty folds into the same
// alert by dedup_key), `acknowledge` when someone acknowledged the incident, `resolve` on resolve.
import type { NotificationEvent } from "./event";
import { type AlertSeverity, alertSeverity, httpUrl, subjectKey, summaryLine, truncate } from "./render";
import { type Prepared, type SecretLookup, channelLabel, joinUrl, jsonHeaders, readSecret } from "./request";
import type { ChannelOf } from "../config/notifications";

const PAGERDUTY_API_URL = "https://events.pagerduty.com";
const PAGERDUTY_LIMITS = { summary: 1024, dedupKey: 255 } as const;

export type PagerDutyAction = "trigger" | "acknowledge" | "resolve";

export interface PagerDutyTrigger {
  routing_key: string;
  event_action: "trigger";
  dedup_key: string;
  payload: {
    summary: string;
    source: string;
    severity: AlertSeverity;
    timestamp?: string;
    component: string;
    group?: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  client: string;
  client_url?: string;
  links?: { href: string; text: string }[];
}
export interface PagerDutyFollowUp {
  routing_key: string;
  event_action: "acknowledge" | "resolve";
  dedup_key: string;
}
export type PagerDutyEvent = PagerDutyTrigger | PagerDutyFollowUp;

/**
 * Which action an event is. An `incident.updated` whose reason starts with `acknowledged` (sent when someone
 * acknowledges the incident) is an `acknowledge`; any other update re-triggers, which updates the alert in place.
 */
export function pagerDutyAction(event: NotificationEvent): PagerDutyAction {
  if (event.type === "incident.resolved" || event.type === "maintenance.ended") return "resolve";
  if (
    event.type === "incident.updated" &&
    event.incident?.acknowledgedAt &&
    event.incident.status === "open" &&
    /^acknowledged\b/i.test(event.reason)
  )
    return "acknowledge";
  return "trigger";
}

export function buildPagerDutyPayload(event: NotificationEvent, routingKey: string): PagerDutyEvent {
  const action = pagerDutyAction(event);
  const dedup_key = truncate(subjectKey(event), PAGERDUTY_LIMITS.dedupKey);
  if (action !== "trigger") return { routing_key: routingKey, event_action: action, dedup_key };
  const incident = event.incident;
  const monitors = event.certificate ? [event.certificate.monitorId] : event.monitorIds;
  const at = Date.parse(event.at);
  const link = httpUrl(event.statusPageUrl);
  const custom_details: Record<string, unknown> = { event: event.type, reason: event.reason, monitors };
  if (incident) {
    Object.assign(custom_details, {
      incident_id: incident.id,
      severity: incident.severity,
      impact: incident.impact,
      status: incident.status,
      flapping: incident.flapping,
      started_at: incident.startedAt,
      cause: incident.cause.message,
    });
  }
  if (event.escalationLevel) custom_details.escalation_level = event.escalationLevel;
  if (event.certificate) custom_details.certificate = event.certificate;
  const runbook = httpUrl(event.runbook);
  if (runbook) custom_details.runbook = runbook;
  const trigger: PagerDutyTrigger = {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key,
    payload: {
      summary: truncate(summaryLine(event), PAGERDUTY_LIMITS.summary),
      source: truncate(monitors.join(", ") || "edgewatch", 255),
      severity: alertSeverity(event),
      component: truncate(monitors.join(", ") || "edgewatch", 255),
      class: incident ? incident.cause.phase : event.type,
      custom_details,
    },
    client: "Edgewatch",
  };
  if (Number.isFinite(at)) trigger.payload.timestamp = new Date(at).toISOString();
  if (event.group) trigger.payload.group = truncate(event.group, 255);
  if (link) trigger.client_url = link;
  const links = [...(link ? [{ href: link, text: "Edgewatch status" }] : []), ...(runbook ? [{ href: runbook, text: "Runbook" }] : [])];
  if (links.length) trigger.links = links;
  return trigger;
}

export function preparePagerDuty(channel: ChannelOf<"pagerduty">, event: NotificationEvent, secret: SecretLookup): Prepared {
  const key = readSecret(secret, channel.routingKeySecret);
  if (!key.ok) return key;
  const body = JSON.stringify(buildPagerDutyPayload(event, key.value));
  const url = joinUrl(channel.apiUrl ?? PAGERDUTY_API_URL, "/v2/enqueue");
  return { ok: true, request: { url, method: "POST", headers: jsonHeaders(), body, label: channelLabel(channel), redact: [key.value] } };
}
