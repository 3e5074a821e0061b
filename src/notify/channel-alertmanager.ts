// Prometheus Alertmanager: `POST {url}/api/v2/alerts`, so incidents join the team's existing routing, silences and
// inhibitions. An open incident is an alert whose `endsAt` is a lease (`leaseMinutes` ahead) that the tick renews by
// re-posting open incidents; a resolved one is posted once more with `endsAt` = the resolve time.
import type { Incident } from "../incidents/types";
import { resolveHeaders } from "../probes/resolve-headers";
import { redactUrl } from "../net/redact-url";
import type { NotificationEvent } from "./event";
import { alertSeverity, httpUrl, subject, subjectKey, summaryLine, truncate } from "./render";
import { type Prepared, type SecretLookup, jsonHeaders, joinUrl } from "./request";
import type { ChannelOf } from "../config/notifications";

export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

const ALERTNAME = {
  incident: "EdgewatchIncident",
  "certificate.expiring": "EdgewatchCertificateExpiring",
  "monitor.stale": "EdgewatchMonitorStale",
  maintenance: "EdgewatchMaintenance",
  slo: "EdgewatchErrorBudgetBurn",
} as const;

const iso = (ms: number) => new Date(ms).toISOString();

function base64Utf8(text: string): string {
  return btoa(Array.from(new TextEncoder().encode(text), (b) => String.fromCharCode(b)).join(""));
}

/**
 * The alert for one event. Its labels identify it (Alertmanager deduplicates on them): for an incident the alert
 * name, the monitors and `edgewatch_incident` = the incident id; `severity` maps the SEV level like PagerDuty's.
 * Certificate and staleness warnings have no resolve event: their lease ends them.
 */
function buildAlertmanagerAlert(event: NotificationEvent, leaseMinutes: number): PostableAlert {
  const atMs = Date.parse(event.at);
  const now = Number.isFinite(atMs) ? atMs : 0;
  const incident = event.incident;
  const lease = iso(now + leaseMinutes * 60_000);
  const labels: Record<string, string> = {
    alertname: incident
      ? ALERTNAME.incident
      : event.type === "certificate.expiring"
        ? ALERTNAME["certificate.expiring"]
        : event.maintenance
          ? ALERTNAME.maintenance
          : event.slo
            ? ALERTNAME.slo
            : ALERTNAME["monitor.stale"],
    monitor: event.certificate?.monitorId ?? event.monitorIds.join(","),
    severity: alertSeverity(event),
  };
  if (incident) labels.edgewatch_incident = incident.id;
  else labels.edgewatch_key = subjectKey(event);
  if (event.group) labels.group = event.group;
  const annotations: Record<string, string> = {
    summary: truncate(subject(event), 1024),
    description: truncate(incident ? `${summaryLine(event)}: ${incident.cause.message}` : summaryLine(event), 4096),
  };
  if (incident) {
    annotations.edgewatch_severity = incident.severity;
    annotations.impact = incident.impact;
  }
  // Prometheus's own convention for where a rule's runbook lives: Alertmanager templates and UIs link it.
  const runbook = httpUrl(event.runbook);
  if (runbook) annotations.runbook_url = runbook;
  let startsAt = event.at;
  let endsAt = lease;
  if (event.maintenance) {
    // The window's own span: the alert lasts as long as the work, and the end's post ends it at once.
    startsAt = event.maintenance.start;
    endsAt = event.type === "maintenance.ended" ? event.at : event.maintenance.end;
  }
  if (incident) {
    startsAt = incident.startedAt;
    if (event.type === "incident.resolved" || incident.status === "resolved")
      endsAt = incident.resolvedAt ?? (Number.isFinite(atMs) ? iso(atMs) : incident.startedAt);
  }
  const alert: PostableAlert = { labels, annotations, startsAt, endsAt };
  const link = httpUrl(event.statusPageUrl);
  if (link) alert.generatorURL = link;
  return alert;
}

/** `POST /api/v2/alerts` takes a list: one event is a list of one. */
export function buildAlertmanagerPayload(event: NotificationEvent, leaseMinutes = 15): PostableAlert[] {
  return [buildAlertmanagerAlert(event, leaseMinutes)];
}

/** What the tick knows of an incident beyond its record: its monitors' group (a label, so part of the alert's identity) and its link. */
export interface RefreshContext {
  groupOf?: (incident: Incident) => string | undefined;
  statusPageUrlOf?: (incident: Incident) => string | undefined;
}

/**
 * The lease renewal: every open incident, as it stands, posted again with `endsAt` pushed `leaseMinutes` ahead of
 * `atIso`. The tick calls it for each Alertmanager channel (every tick, or at least every `leaseMinutes / 3`). The
 * group must be the one the incident's events carried, or Alertmanager sees a second alert.
 */
export function buildAlertmanagerRefresh(
  incidents: readonly Incident[],
  atIso: string,
  leaseMinutes: number,
  context: RefreshContext = {},
): PostableAlert[] {
  return incidents
    .filter((i) => i.status === "open")
    .map((incident) => {
      const group = context.groupOf?.(incident);
      const statusPageUrl = context.statusPageUrlOf?.(incident);
      const event: NotificationEvent = {
        type: "incident.updated",
        id: `${incident.id}:refresh`,
        at: atIso,
        monitorIds: incident.monitorIds,
        incident,
        reason: "still open",
        ...(group ? { group } : {}),
        ...(statusPageUrl ? { statusPageUrl } : {}),
        ...(incident.runbook ? { runbook: incident.runbook } : {}),
      };
      return buildAlertmanagerAlert(event, leaseMinutes);
    });
}

function prepareAlerts(channel: ChannelOf<"alertmanager">, alerts: PostableAlert[], secret: SecretLookup): Prepared {
  const headers = resolveHeaders(channel.headers, secret);
  if (!headers.ok) return { ok: false, error: headers.message };
  const extra: Record<string, string> = {};
  const redact: string[] = [];
  headers.value.forEach((value, name) => {
    extra[name] = value;
    const spec = Object.entries(channel.headers ?? {}).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
    if (spec && typeof spec !== "string") redact.push(value);
  });
  // The URL comes from the config, but may still carry credentials (sent as Basic auth instead) or a token in its
  // query: errors show it redacted.
  const parsed = new URL(joinUrl(channel.url, "/api/v2/alerts"));
  if (parsed.username || parsed.password) {
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    extra.authorization ??= `Basic ${base64Utf8(`${user}:${password}`)}`;
    redact.push(parsed.username, parsed.password, user, password, extra.authorization);
    parsed.username = "";
    parsed.password = "";
  }
  for (const value of parsed.searchParams.values()) redact.push(value);
  const url = parsed.toString();
  const label = `alertmanager channel "${channel.id}" (${redactUrl(url)})`;
  return { ok: true, request: { url, method: "POST", headers: jsonHeaders(extra), body: JSON.stringify(alerts), label, redact } };
}

export function prepareAlertmanager(channel: ChannelOf<"alertmanager">, event: NotificationEvent, secret: SecretLookup): Prepared {
  return prepareAlerts(channel, buildAlertmanagerPayload(event, channel.leaseMinutes), secret);
}

export function prepareAlertmanagerRefresh(
  channel: ChannelOf<"alertmanager">,
  incidents: readonly Incident[],
  atIso: string,
  secret: SecretLookup,
  context: RefreshContext = {},
): Prepared {
  return prepareAlerts(channel, buildAlertmanagerRefresh(incidents, atIso, channel.leaseMinutes, context), secret);
}
