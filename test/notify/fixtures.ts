// Runs inside workerd: events and incidents to notify about, and a client for the recording server (Node side,
// test/helpers/recording-server.ts) that stands in for every provider.
import { inject } from "vitest";
import type { Incident } from "../../src/incidents/types";
import type { NotificationEvent } from "../../src/notify/event";
import type { SendDeps } from "../../src/notify/send";
import { incident } from "../helpers/fixtures";
import type { RecordedRequest } from "../helpers/recording-server";

export const HOSTILE = "<img src=x onerror=alert(1)> & <@everyone>";

/** The incident every notification test is about: the API gateway, down since 21:01 (give it to `incident()`, with what a test changes). */
export const GATEWAY_DOWN: Partial<Incident> & Pick<Incident, "id" | "monitorIds"> = {
  id: "api-gateway-20261128T210100Z",
  monitorIds: ["api-gateway"],
  title: "API gateway is down",
  severity: "SEV-1",
  impact: "critical",
  startedAt: "2026-11-28T21:01:00.000Z",
  cause: { message: "HTTP 503 in 41 ms (expected 200-299)", phase: "status" },
  updates: [{ at: "2026-11-28T21:02:00.000Z", status: "investigating", message: "API gateway is down: HTTP 503 in 41 ms" }],
};

export const RESOLVED = { status: "resolved", resolvedAt: "2026-11-28T21:13:00.000Z", durationMs: 12 * 60_000 } as const;

export function opened(fields: Partial<NotificationEvent> = {}, incidentFields: Partial<Incident> = {}): NotificationEvent {
  const i = incident({ ...GATEWAY_DOWN, ...incidentFields });
  return {
    type: "incident.opened",
    id: `${i.id}:opened`,
    at: "2026-11-28T21:02:00.000Z",
    monitorIds: i.monitorIds,
    incident: i,
    reason: "opened",
    statusPageUrl: "https://status.example.com/incidents/api-gateway-20261128T210100Z",
    group: "Platform",
    ...fields,
  };
}

/** One event of every kind, as the tick would send them. */
export function everyEvent(incidentFields: Partial<Incident> = {}): Record<string, NotificationEvent> {
  const open = incident({ ...GATEWAY_DOWN, ...incidentFields });
  const resolved = incident({ ...GATEWAY_DOWN, ...incidentFields, ...RESOLVED });
  const acked = incident({ ...GATEWAY_DOWN, ...incidentFields, acknowledgedAt: "2026-11-28T21:05:00.000Z", acknowledgedBy: "alice" });
  return {
    opened: opened({}, incidentFields),
    updated: { ...opened({}, incidentFields), type: "incident.updated", id: `${open.id}:impact`, reason: "impact raised" },
    acknowledged: {
      ...opened({}, incidentFields),
      type: "incident.updated",
      id: `${open.id}:ack`,
      incident: acked,
      reason: "acknowledged by alice",
    },
    escalated: {
      ...opened({}, incidentFields),
      type: "incident.escalated",
      id: `${open.id}:escalated:2`,
      reason: "escalated to level 2 (not resolved after 15 min)",
      escalationLevel: 2,
    },
    resolved: {
      ...opened({}, incidentFields),
      type: "incident.resolved",
      id: `${open.id}:resolved`,
      at: "2026-11-28T21:13:00.000Z",
      incident: resolved,
      reason: "resolved after 12 min",
    },
    certificate: {
      type: "certificate.expiring",
      id: "cert:api-gateway:2026-12-05T00:00:00.000Z:7",
      at: "2026-11-28T21:02:00.000Z",
      monitorIds: ["api-gateway-tls"],
      reason: "7 days left",
      certificate: { monitorId: "api-gateway-tls", daysLeft: 6.4, notAfter: "2026-12-05T00:00:00.000Z", tier: 7 },
    },
    maintenanceStarted: {
      type: "maintenance.started",
      id: "maintenance:db-upgrade:2026-12-01T02:00:00.000Z:started",
      at: "2026-12-01T02:00:00.000Z",
      monitorIds: ["api-gateway"],
      reason: "Database upgrade started; planned until 2026-12-01T03:00:00.000Z",
      maintenance: { id: "db-upgrade", title: "Database upgrade", start: "2026-12-01T02:00:00.000Z", end: "2026-12-01T03:00:00.000Z" },
      group: "Platform",
    },
    maintenanceEnded: {
      type: "maintenance.ended",
      id: "maintenance:db-upgrade:2026-12-01T02:00:00.000Z:ended",
      at: "2026-12-01T03:00:00.000Z",
      monitorIds: ["api-gateway"],
      reason: "Database upgrade ended",
      maintenance: { id: "db-upgrade", title: "Database upgrade", start: "2026-12-01T02:00:00.000Z", end: "2026-12-01T03:00:00.000Z" },
      group: "Platform",
    },
    fastBurn: {
      type: "slo.fast_burn",
      id: "slo:api-gateway:fast:2026-11-28T21:02:00.000Z",
      at: "2026-11-28T21:02:00.000Z",
      monitorIds: ["api-gateway"],
      reason: "error budget burning 16.67× over 1h (200× over 5m; alert at 14.4×); 97.7% of the 30d error budget left",
      slo: {
        key: "api-gateway",
        name: "API gateway",
        objective: 99.9,
        window: "30d",
        burnRate: { long: 16.67, short: 200, longWindow: "1h", shortWindow: "5m", threshold: 14.4 },
        budgetRemaining: 97.7,
      },
      group: "Platform",
    },
    stale: {
      type: "monitor.stale",
      id: "stale:grafana:2026-11-28T21:02",
      at: "2026-11-28T21:02:00.000Z",
      monitorIds: ["grafana"],
      reason: "no result for 10 min",
    },
  };
}

// Secrets the tests hand to the sender. None of them may ever show up in an error.
export const ROUTING_KEY = "R0UT1NGKEY0123456789abcdefABCDEF";
export const BOT_TOKEN = "123456789:AAHsecretTOKENvalue_abcdefghijklmno";
export const SIGNING_KEY = "whsec-signing-key-for-tests-0123";

export function recorderUrl(): string {
  return inject("recorder").url;
}

/** A path prefix of its own for each test, so parallel files never read each other's requests. */
export function uniquePrefix(name: string): string {
  return `/t-${name}-${crypto.randomUUID().slice(0, 8)}`;
}

export interface RespondOptions {
  status?: number;
  times?: number;
  delayMs?: number;
  retryAfter?: string;
  mode?: "hang" | "hang-body" | "huge";
  body?: string;
}

/** Tells the recorder how to answer the next requests to `path`. */
export async function respond(path: string, options: RespondOptions = {}): Promise<void> {
  const query = new URLSearchParams({ path });
  for (const key of ["status", "times", "delayMs", "retryAfter", "mode"] as const)
    if (options[key] !== undefined) query.set(key, String(options[key]));
  const res = await fetch(`${recorderUrl()}/__respond?${query}`, { method: "POST", body: options.body ?? "" });
  if (!res.ok) throw new Error(`recorder refused the rule: ${res.status}`);
  await res.body?.cancel();
}

export async function recorded(prefix: string): Promise<RecordedRequest[]> {
  const res = await fetch(`${recorderUrl()}/__recorded?prefix=${encodeURIComponent(prefix)}`);
  return (await res.json<{ requests: RecordedRequest[] }>()).requests;
}

export async function hugeWritten(): Promise<number> {
  return (await (await fetch(`${recorderUrl()}/__huge-written`)).json<{ bytes: number }>()).bytes;
}

export function sendDeps(secrets: Record<string, string>, fields: Partial<SendDeps> = {}): SendDeps {
  return { fetch: (input, init) => fetch(input, init), secret: (name) => secrets[name], now: () => Date.now(), ...fields };
}

export function base64Bytes(base64: string): Uint8Array {
  const binary = atob(base64);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
