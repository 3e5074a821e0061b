// What a channel builder hands to send.ts: the request to make, and what must never be shown of it.
import type { NotificationChannel } from "../config/notifications";
import { NOTIFY_USER_AGENT } from "../net/user-agent";

export interface ChannelRequest {
  url: string;
  method: "POST";
  headers: Record<string, string>;
  /** The exact text sent (as UTF-8): what the webhook signature covers. */
  body: string;
  /** How errors name it: `slack channel "ops"`; never a secret URL. */
  label: string;
  /** Secret values, and the URLs and parts of them that carry a secret: scrubbed from every error. */
  redact: string[];
}

export type Prepared = { ok: true; request: ChannelRequest } | { ok: false; error: string };

export type SecretLookup = (name: string) => string | undefined;

export function channelLabel(channel: Pick<NotificationChannel, "type" | "id">): string {
  return `${channel.type} channel "${channel.id}"`;
}

/** A secret's value, or the error naming it (never a value). */
export function readSecret(secret: SecretLookup, name: string): { ok: true; value: string } | { ok: false; error: string } {
  let value: string | undefined;
  try {
    value = secret(name);
  } catch {
    value = undefined;
  }
  return value === undefined || value === "" ? { ok: false, error: `secret ${name} is not set` } : { ok: true, value: value.trim() };
}

/**
 * A URL held in a secret (Slack and Discord webhook URLs are credentials in themselves), with the strings to scrub:
 * the URL as given and as normalised, its path, and every path segment, query value and user info long enough to
 * be a token.
 */
export function readSecretUrl(
  secret: SecretLookup,
  name: string,
): { ok: true; url: string; redact: string[] } | { ok: false; error: string } {
  const read = readSecret(secret, name);
  if (!read.ok) return read;
  let url: URL;
  try {
    url = new URL(read.value);
  } catch {
    return { ok: false, error: `secret ${name} does not hold a valid URL` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, error: `secret ${name} does not hold an http(s) URL` };
  return { ok: true, url: url.toString(), redact: urlSecretParts(read.value, url) };
}

function urlSecretParts(raw: string, url: URL): string[] {
  const parts = [raw, url.toString(), url.pathname + url.search, url.pathname, url.username, url.password];
  for (const segment of url.pathname.split("/")) parts.push(segment, safeDecode(segment));
  for (const value of url.searchParams.values()) parts.push(value);
  return parts.filter((p) => p.length >= 8);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `https://host/prefix` + `/api/v2/alerts` → `https://host/prefix/api/v2/alerts`, keeping the base's query. */
export function joinUrl(base: string, path: string): string {
  const url = new URL(base);
  url.pathname = url.pathname.replace(/\/+$/, "") + path;
  url.hash = "";
  return url.toString();
}

export function jsonHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { "content-type": "application/json; charset=utf-8", accept: "application/json", "user-agent": NOTIFY_USER_AGENT, ...extra };
}

/** A JSON POST to the URL a secret holds (Slack's and Discord's webhooks), scrubbing every part of that URL from errors. */
export function postToSecretUrl(
  channel: Pick<NotificationChannel, "type" | "id"> & { urlSecret: string },
  payload: unknown,
  secret: SecretLookup,
): Prepared {
  const target = readSecretUrl(secret, channel.urlSecret);
  if (!target.ok) return target;
  const body = JSON.stringify(payload);
  return {
    ok: true,
    request: { url: target.url, method: "POST", headers: jsonHeaders(), body, label: channelLabel(channel), redact: target.redact },
  };
}
