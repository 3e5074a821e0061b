import * as z from "zod";
import type { Config, Severity } from "../config/schema";
import { incidentId } from "./incident-id";
import type { IncidentState } from "./transition";
import type { Impact, Incident, IncidentEvent } from "./types";

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
        fingerprint: z.string().regex(/^[0-9a-f]{1,32}$/i),
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

export interface Applied {
  state: IncidentState;
  changed: Incident[];
  events: IncidentEvent[];
  ignored: number;
}

/**
 * Firing alerts become incidents on the monitor named by their label (`service="api-gateway"` by default); resolved
 * ones resolve them. Ids come from the alert's fingerprint and start, so Alertmanager's repeats change nothing.
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
    const id = incidentId(`${monitor.id}-am-${alert.fingerprint.slice(0, 8)}`.slice(0, 64), new Date(Date.parse(alert.startsAt)).toISOString());
    const index = incidents.findIndex((i) => i.id === id);
    const name = alert.labels["alertname"] ?? "alert";
    const summary = alert.annotations["summary"] ?? alert.annotations["description"] ?? `${name} is firing`;
    if (alert.status === "firing" && index === -1) {
      const mapped = SEVERITY[(alert.labels["severity"] ?? "").toLowerCase()] ?? { severity: monitor.severity, impact: "minor" as Impact };
      const incident: Incident = {
        id,
        monitorIds: [monitor.id],
        title: `${monitor.name}: ${name}`,
        severity: mapped.severity,
        impact: mapped.impact,
        status: "open",
        flapping: false,
        startedAt: new Date(Date.parse(alert.startsAt)).toISOString(),
        resolvedAt: null,
        durationMs: null,
        cause: { message: summary.slice(0, 500), phase: "alertmanager" },
        updates: [{ at: now, status: "investigating", message: `Alertmanager: ${summary}`.slice(0, 2000) }],
        acknowledgedAt: null,
        acknowledgedBy: null,
        source: "alertmanager",
      };
      incidents.unshift(incident);
      changed.push(incident);
      events.push({ type: "incident.opened", incidentId: id, monitorIds: incident.monitorIds, reason: "opened" });
    } else if (alert.status === "resolved" && index !== -1 && incidents[index]!.status === "open") {
      const incident = structuredClone(incidents[index]!);
      incident.status = "resolved";
      incident.resolvedAt = now;
      incident.durationMs = nowMs - Date.parse(incident.startedAt);
      incident.updates.push({ at: now, status: "resolved", message: `Alertmanager: ${name} resolved` });
      incidents[index] = incident;
      changed.push(incident);
      events.push({ type: "incident.resolved", incidentId: id, monitorIds: incident.monitorIds, reason: "resolved" });
    }
  }
  return { state: { ...state, incidents }, changed, events, ignored };
}
