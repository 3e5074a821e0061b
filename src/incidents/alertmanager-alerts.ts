import * as z from "zod";
import type { Config, Monitor, Severity } from "../config/schema";
import { incidentId } from "./incident-id";
import type { IncidentState } from "./transition";
import type { Impact, Incident, IncidentEvent } from "./types";
import { addUpdate } from "./add-update";

/** Alertmanager's webhook payload, version 4 (what `webhook_configs` POSTs). */
export const AlertmanagerWebhook = z.object({
  version: z.literal("4"),
  status: z.enum(["firing", "resolved"]),
  receiver: z.string(),
  groupKey: z.string(),
  externalURL: z.string().optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(["firing", "resolved"]),
        labels: z.record(z.string(), z.string()),
        annotations: z.record(z.string(), z.string()).default({}),
        startsAt: z.iso.datetime({ offset: true }),
        endsAt: z.string().optional(),
        generatorURL: z.string().optional(),
        // Hex in either case; lowercased so both spellings are one alert, and the incident id stays a valid key.
        fingerprint: z
          .string()
          .regex(/^[0-9a-f]{1,32}$/i)
          .toLowerCase(),
      }),
    )
    .max(500),
});
export type AlertmanagerWebhook = z.infer<typeof AlertmanagerWebhook>;

const SEVERITY: Record<string, { severity: Severity; impact: Impact }> = {
  critical: { severity: "SEV-2", impact: "major" },
  error: { severity: "SEV-2", impact: "major" },
  high: { severity: "SEV-2", impact: "major" },
  warning: { severity: "SEV-3", impact: "minor" },
  info: { severity: "SEV-4", impact: "minor" },
};

/**
 * What text from the payload may take of an incident, as the admin API allows for its own: a title of at most 200
 * characters, updates of at most 2,000, and the cause (shown on the page's incident line) at most 500.
 */
export const MAX_TITLE = 200;
export const MAX_CAUSE = 500;
export const MAX_UPDATE = 2000;

/**
 * An alert's `endsAt` as the incident keeps it, or undefined for no expiry: missing, unparsable, or Go's zero time
 * ("0001-01-01T00:00:00Z"), which Alertmanager sends for an alert that has no end (anything before 1970 counts as it).
 */
export function alertExpiry(endsAt: string | undefined): string | undefined {
  const ms = endsAt === undefined ? NaN : Date.parse(endsAt);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
}

/**
 * A firing re-send of an open incident's alert: when it was seen, and its expiry if it has one (not a change worth a
 * record write or a notice; the writer's state keeps it).
 */
function refreshed(incident: Incident, endsAt: string | undefined, now: string): Incident {
  if (incident.alertEndsAt === endsAt && incident.alertSeenAt === now) return incident;
  const { alertEndsAt: _old, ...rest } = incident;
  return endsAt === undefined ? { ...rest, alertSeenAt: now } : { ...rest, alertEndsAt: endsAt, alertSeenAt: now };
}

export interface Applied {
  state: IncidentState;
  changed: Incident[];
  events: IncidentEvent[];
  ignored: number;
}

type Alert = AlertmanagerWebhook["alerts"][number];

const alertName = (alert: Alert) => (alert.labels["alertname"] ?? "alert").slice(0, MAX_TITLE);

/** The incident a newly firing alert opens. */
function opened(alert: Alert, monitor: Monitor, id: string, now: string): Incident {
  const name = alertName(alert);
  const summary = (alert.annotations["summary"] ?? alert.annotations["description"] ?? `${name} is firing`).slice(0, MAX_UPDATE);
  const mapped = SEVERITY[(alert.labels["severity"] ?? "").toLowerCase()] ?? { severity: monitor.severity, impact: "minor" as Impact };
  const endsAt = alertExpiry(alert.endsAt);
  return {
    id,
    monitorIds: [monitor.id],
    title: `${monitor.name}: ${name}`.slice(0, MAX_TITLE),
    severity: mapped.severity,
    impact: mapped.impact,
    status: "open",
    flapping: false,
    startedAt: new Date(Date.parse(alert.startsAt)).toISOString(),
    resolvedAt: null,
    durationMs: null,
    cause: { message: summary.slice(0, MAX_CAUSE), phase: "alertmanager" },
    updates: [{ at: now, status: "investigating", message: `Alertmanager: ${summary}`.slice(0, MAX_UPDATE) }],
    acknowledgedAt: null,
    acknowledgedBy: null,
    source: "alertmanager",
    ...(endsAt ? { alertEndsAt: endsAt } : {}),
    alertSeenAt: now,
    ...(monitor.runbook ? { runbook: monitor.runbook } : {}),
  };
}

/**
 * Firing alerts become incidents on the monitor named by their label (`service="api-gateway"` by default); resolved
 * ones resolve them. Ids come from the alert's fingerprint (in lowercase, whatever case it came in) and start, so
 * Alertmanager's repeats change nothing but the alert's expiry.
 */
export function applyAlertmanagerWebhook(state: IncidentState, config: Config, payload: AlertmanagerWebhook, nowMs: number): Applied {
  const now = new Date(nowMs).toISOString();
  const label = config.alertmanagerReceiver.monitorLabel;
  const incidents = [...state.incidents];
  const changed: Incident[] = [];
  const events: IncidentEvent[] = [];
  let ignored = 0;
  for (const alert of payload.alerts) {
    const monitor = config.monitors.find((m) => m.id === alert.labels[label]);
    if (!monitor) {
      ignored++;
      continue;
    }
    const fingerprint = alert.fingerprint.toLowerCase();
    const id = incidentId(`${monitor.id}-am-${fingerprint.slice(0, 8)}`.slice(0, 64), new Date(Date.parse(alert.startsAt)).toISOString());
    const index = incidents.findIndex((i) => i.id === id);
    const open = index !== -1 && incidents[index]!.status === "open";
    if (alert.status === "firing" && index === -1) {
      const incident = opened(alert, monitor, id, now);
      incidents.unshift(incident);
      changed.push(incident);
      events.push({ type: "incident.opened", incidentId: id, monitorIds: incident.monitorIds, reason: "opened" });
    } else if (alert.status === "firing" && open) {
      incidents[index] = refreshed(incidents[index]!, alertExpiry(alert.endsAt), now);
    } else if (alert.status === "resolved" && open) {
      const incident = structuredClone(incidents[index]!);
      incident.status = "resolved";
      incident.resolvedAt = now;
      incident.durationMs = nowMs - Date.parse(incident.startedAt);
      addUpdate(incident, { at: now, status: "resolved", message: `Alertmanager: ${alertName(alert)} resolved` });
      incidents[index] = incident;
      changed.push(incident);
      events.push({ type: "incident.resolved", incidentId: id, monitorIds: incident.monitorIds, reason: "resolved" });
    }
  }
  return { state: { ...state, incidents }, changed, events, ignored };
}
