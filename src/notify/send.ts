// Sends one notification to one channel. Never throws; every failure says whether trying again later can help, and
// no error ever carries a secret: not a token, a routing key, a signing key, nor a webhook URL (Slack's and
// Discord's URLs are credentials in themselves; Telegram's token sits in its path).
import type { Incident } from "../incidents/types";
import { settleWithin } from "../core/settle-within";
import { deadline } from "../net/deadline";
import { readCapped } from "../net/read-body";
import { discard, send } from "../net/request";
import { type RefreshContext, prepareAlertmanager, prepareAlertmanagerRefresh } from "./channel-alertmanager";
import { prepareDiscord } from "./channel-discord";
import { preparePagerDuty } from "./channel-pagerduty";
import { prepareSlack } from "./channel-slack";
import { prepareTelegram } from "./channel-telegram";
import { prepareWebhook } from "./channel-webhook";
import type { NotificationEvent } from "./event";
import { type ChannelRequest, type Prepared, type SecretLookup, channelLabel } from "./request";
import type { ChannelOf, NotificationChannel } from "../config/notifications";

export interface SendDeps {
  fetch: typeof fetch;
  /** The value of a Worker secret, or undefined when it is not set. */
  secret: SecretLookup;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** The whole attempt: connect, headers and the (capped) error body. Default 5000. */
  timeoutMs?: number;
}

export type SendResult =
  | { ok: true; status: number }
  | {
      ok: false;
      /** 408, 429, 5xx, timeouts and network errors: worth another attempt later. Anything else is not. */
      retryable: boolean;
      /** `slack channel "ops": HTTP 404: no_team`. Names a missing secret, never shows a value. */
      error: string;
      /** The HTTP status, when there was an answer. */
      status?: number;
      /** On 429 and 503: what the provider asked for (Retry-After, Discord's and Telegram's `retry_after`), when it did. Uncapped: the outbox caps it. */
      retryAfterMs?: number;
    };

const DEFAULT_TIMEOUT_MS = 5_000;
/** The most of an error answer that is read, for its message; the rest is cancelled. */
const ERROR_BODY_BYTES = 4_096;
/** A fetch that ignores its abort signal is given up on this much later. */
const GRACE_MS = 2_000;

type Prepare<C> = (channel: C, event: NotificationEvent, secret: SecretLookup) => Prepared | Promise<Prepared>;

/** Each channel type's request builder; a new type that is missing here is a compile error. */
const preparers: { [T in NotificationChannel["type"]]: Prepare<ChannelOf<T>> } = {
  webhook: prepareWebhook,
  slack: prepareSlack,
  discord: prepareDiscord,
  pagerduty: preparePagerDuty,
  telegram: prepareTelegram,
  alertmanager: prepareAlertmanager,
};

/** The request a channel makes for an event, or why it cannot be made (a missing secret, a malformed one). */
async function prepareRequest(channel: NotificationChannel, event: NotificationEvent, secret: SecretLookup): Promise<Prepared> {
  return (preparers[channel.type] as Prepare<NotificationChannel>)(channel, event, secret);
}

export async function sendNotification(channel: NotificationChannel, event: NotificationEvent, deps: SendDeps): Promise<SendResult> {
  const label = channelLabel(channel);
  let prepared: Prepared;
  try {
    prepared = await prepareRequest(channel, event, deps.secret);
  } catch (error) {
    // Only the error's class: its message could quote anything it was given.
    return {
      ok: false,
      retryable: false,
      error: `${label}: could not build the request (${error instanceof Error ? error.name : "error"})`,
    };
  }
  if (!prepared.ok) return { ok: false, retryable: false, error: `${label}: ${prepared.error}` };
  return sendRequest(prepared.request, deps);
}

/**
 * Renews the Alertmanager leases of the open incidents (see channels/alertmanager.ts); `context.groupOf` must give
 * the group their events carried. Nothing to renew is a success without a request.
 */
export async function refreshAlertmanager(
  channel: ChannelOf<"alertmanager">,
  incidents: readonly Incident[],
  deps: SendDeps,
  context: RefreshContext = {},
): Promise<SendResult> {
  if (!incidents.some((i) => i.status === "open")) return { ok: true, status: 204 };
  let prepared: Prepared;
  try {
    prepared = prepareAlertmanagerRefresh(channel, incidents, new Date(deps.now()).toISOString(), deps.secret, context);
  } catch (error) {
    return {
      ok: false,
      retryable: false,
      error: `${channelLabel(channel)}: could not build the request (${error instanceof Error ? error.name : "error"})`,
    };
  }
  if (!prepared.ok) return { ok: false, retryable: false, error: `${channelLabel(channel)}: ${prepared.error}` };
  return sendRequest(prepared.request, deps);
}

/** Makes a prepared request. Never throws; gives up at the timeout, and at the latest two seconds after it. */
async function sendRequest(request: ChannelRequest, deps: SendDeps): Promise<SendResult> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const late = (): SendResult => ({ ok: false, retryable: true, error: `${request.label}: timeout after ${timeoutMs} ms` });
  return settleWithin(attempt(request, deps, timeoutMs), timeoutMs + GRACE_MS, late);
}

async function attempt(request: ChannelRequest, deps: SendDeps, timeoutMs: number): Promise<SendResult> {
  const fail = (retryable: boolean, words: string, extra: { status?: number; retryAfterMs?: number } = {}): SendResult => ({
    ok: false,
    retryable,
    error: `${request.label}: ${scrub(words, request.redact)}`,
    ...extra,
  });
  // The label names the channel; the URL, even redacted, may be a credential (Slack's, Discord's): never in words.
  const sent = await send(deps.fetch, request, deadline(timeoutMs));
  if (!sent.ok) return fail(true, sent.reason);
  const { response } = sent;
  const status = response.status;
  if (status >= 200 && status < 300) {
    await discard(response);
    return { ok: true, status };
  }
  let text = "";
  try {
    text = (await readCapped(response, ERROR_BODY_BYTES)).text;
  } catch {
    // A body cut off by the timeout: the status says enough.
  }
  if (status >= 300 && status < 400) return fail(false, `HTTP ${status} redirect (not followed): check the URL`, { status });
  const retryable = status === 408 || status === 429 || status >= 500;
  const detail = errorDetail(text);
  // Retry-After means "not before" only on 429 (RFC 6585) and 503 (RFC 9110); on a 500 it is not a promise, and
  // the outbox would wait on it for nothing.
  const retryAfterMs = status === 429 || status === 503 ? retryAfter(response.headers.get("retry-after"), text, deps.now()) : undefined;
  return fail(retryable, `HTTP ${status}${detail ? `: ${detail}` : ""}`, {
    status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** What the provider said, in a line: Telegram's `description`, Discord's and PagerDuty's `message` and `errors`. */
function errorDetail(text: string): string {
  let words = "";
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of ["description", "message", "error", "status"]) if (typeof json?.[key] === "string") parts.push(json[key] as string);
    if (Array.isArray(json?.errors)) parts.push(json.errors.filter((e): e is string => typeof e === "string").join("; "));
    words = [...new Set(parts.filter(Boolean))].join(": ");
  } catch {
    words = /<html|<!doctype/i.test(text) ? "" : text;
  }
  words = words.replace(/\s+/g, " ").trim();
  return words.length > 200 ? `${words.slice(0, 199)}…` : words;
}

/** Retry-After (seconds or an HTTP date), else `retry_after` (seconds) in Discord's or Telegram's JSON answer. */
function retryAfter(header: string | null, text: string, nowMs: number): number | undefined {
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  }
  try {
    const json = JSON.parse(text) as { retry_after?: unknown; parameters?: { retry_after?: unknown } };
    const seconds = json?.retry_after ?? json?.parameters?.retry_after;
    if (typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  } catch {
    // not JSON
  }
  return undefined;
}

/** Every secret value (and its URL-encoded and JSON-escaped forms) replaced by `[redacted]`, longest first. */
function scrub(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>();
  for (const value of secrets) {
    if (value.length < 4) continue;
    forms.add(value);
    forms.add(encodeURIComponent(value));
    forms.add(JSON.stringify(value).slice(1, -1));
  }
  let out = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) if (form.length >= 4) out = out.split(form).join("[redacted]");
  return out;
}
