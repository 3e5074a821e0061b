// The generic webhook: Edgewatch's own JSON body, optionally signed with HMAC-SHA256 over the exact bytes sent.
import type { NotificationEvent } from "./event";
import { alertSeverity, httpUrl, subject, summaryLine } from "./render";
import { type ChannelRequest, type Prepared, type SecretLookup, channelLabel, jsonHeaders, readSecret, readSecretUrl } from "./request";
import type { ChannelOf } from "../config/notifications";

/** Bumped only when a field changes meaning or goes away; new fields may appear at any time. */
const WEBHOOK_BODY_VERSION = 1;

/** The body documented in docs/notifications.md. Absent things are `null`, so receivers can rely on every key. */
export function buildWebhookPayload(event: NotificationEvent) {
  return {
    version: WEBHOOK_BODY_VERSION,
    id: event.id,
    event: event.type,
    at: event.at,
    monitorIds: event.monitorIds,
    reason: event.reason,
    summary: summaryLine(event),
    title: subject(event),
    severity: alertSeverity(event),
    incident: event.incident ?? null,
    escalationLevel: event.escalationLevel ?? null,
    certificate: event.certificate ?? null,
    maintenance: event.maintenance ?? null,
    slo: event.slo ?? null,
    group: event.group ?? null,
    statusPageUrl: httpUrl(event.statusPageUrl) ?? null,
    runbook: httpUrl(event.runbook) ?? null,
  };
}
export type WebhookPayload = ReturnType<typeof buildWebhookPayload>;

/** `sha256=<hex>`: HMAC-SHA256 of `body`'s UTF-8 bytes under `key`. */
async function signBody(key: string, body: string | Uint8Array): Promise<string> {
  const encoder = new TextEncoder();
  const cryptoKey = await crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, bytes));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export async function prepareWebhook(channel: ChannelOf<"webhook">, event: NotificationEvent, secret: SecretLookup): Promise<Prepared> {
  const target = readSecretUrl(secret, channel.urlSecret);
  if (!target.ok) return target;
  const body = JSON.stringify(buildWebhookPayload(event));
  const headers = jsonHeaders({ "x-edgewatch-event": event.type, "x-edgewatch-delivery": event.id });
  const redact = [...target.redact];
  if (channel.signingSecret) {
    const key = readSecret(secret, channel.signingSecret);
    // A configured signature that cannot be made is an error: an unsigned request would be rejected, or worse, trusted.
    if (!key.ok) return key;
    headers["x-edgewatch-signature"] = await signBody(key.value, body);
    redact.push(key.value);
  }
  const request: ChannelRequest = { url: target.url, method: "POST", headers, body, label: channelLabel(channel), redact };
  return { ok: true, request };
}
