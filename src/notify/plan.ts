import type { Config } from "../config/schema";
import type { Incident, IncidentEvent } from "../incidents/types";
import type { DeliveryState } from "./delivery-state";
import { dueEscalations } from "./escalation";
import type { NotificationEvent } from "./event";
import { enqueue } from "./outbox";
import { describeDuration } from "./render";
import { routeChannels } from "./route";

/** A stable idempotency key per thing worth saying: the same event computed twice gets the same key. */
function eventKey(e: IncidentEvent, incident: Incident): string {
  switch (e.reason) {
    case "impact raised":
      return `${incident.id}:impact-${incident.impact}`;
    case "severity raised":
      return `${incident.id}:severity-${incident.severity}`;
    case "update posted":
      return `${incident.id}:update-${incident.updates.length}`;
    default:
      return `${incident.id}:${e.reason.replace(/\s+/g, "-")}`;
  }
}

export function statusPageUrl(config: Config, incidentId: string): string | undefined {
  return config.publicUrl ? `${config.publicUrl.replace(/\/+$/, "")}/incidents/${encodeURIComponent(incidentId)}` : undefined;
}

export function groupOf(config: Config, monitorIds: readonly string[]): string | undefined {
  return config.monitors.find((m) => monitorIds.includes(m.id) && m.group)?.group;
}

/** The runbook an event points responders to: its incident's, else that of the first of its monitors with one. */
export function runbookOf(config: Config, monitorIds: readonly string[], incident?: Incident): string | undefined {
  if (incident?.runbook) return incident.runbook;
  for (const id of monitorIds) {
    const runbook = config.monitors.find((m) => m.id === id)?.runbook;
    if (runbook) return runbook;
  }
  return undefined;
}

/**
 * From this tick's incident events and escalations to outbox entries (pure). Nothing is queued for monitors in
 * maintenance; a flapping monitor produces one `flapping` update, not one message per flip, because the state
 * machine emits it once.
 */
export function planNotifications(input: {
  config: Config;
  events: readonly IncidentEvent[];
  incidents: readonly Incident[];
  delivery: DeliveryState;
  inMaintenance: ReadonlySet<string>;
  nowMs: number;
}): DeliveryState {
  const { config, delivery, nowMs } = input;
  const now = new Date(nowMs).toISOString();
  const notifications = config.notifications;
  if (notifications.channels.length === 0) return delivery;
  const byId = new Map(input.incidents.map((i) => [i.id, i]));
  const quiet = (monitorIds: readonly string[]) => monitorIds.length > 0 && monitorIds.every((id) => input.inMaintenance.has(id));
  const configured = new Set(notifications.channels.map((c) => c.id));
  const toldOf = (incidentId: string) => channelsTold(delivery, incidentId).filter((id) => configured.has(id));

  const deliveries: { event: NotificationEvent; channelIds: string[] }[] = [];
  for (const e of input.events) {
    const incident = byId.get(e.incidentId);
    if (!incident || quiet(e.monitorIds)) continue;
    const reason =
      e.type === "incident.resolved" && incident.durationMs !== null ? `resolved after ${describeDuration(incident.durationMs)}` : e.reason;
    const event: NotificationEvent = {
      type: e.type,
      id: eventKey(e, incident),
      at: now,
      monitorIds: e.monitorIds,
      incident,
      reason,
      ...optional("group", groupOf(config, e.monitorIds)),
      ...optional("statusPageUrl", statusPageUrl(config, incident.id)),
      ...optional("runbook", runbookOf(config, e.monitorIds, incident)),
    };
    const routed = routeChannels(notifications, { type: e.type, monitorIds: e.monitorIds, severity: incident.severity }, config.monitors);
    const channelIds = e.type === "incident.opened" ? routed : [...new Set([...routed, ...toldOf(incident.id)])];
    deliveries.push({ event, channelIds });
  }

  const open = input.incidents.filter((i) => i.status === "open" && !quiet(i.monitorIds));
  const escalation = dueEscalations(notifications, open, delivery.escalation, nowMs);
  for (const { event, channelIds } of escalation.escalations) {
    deliveries.push({
      event: {
        ...event,
        ...optional("group", groupOf(config, event.monitorIds)),
        ...optional("statusPageUrl", statusPageUrl(config, event.incident!.id)),
        ...optional("runbook", runbookOf(config, event.monitorIds, event.incident)),
      },
      channelIds,
    });
  }
  // Incidents that are no longer open stop escalating; their level is forgotten.
  return enqueue({ ...delivery, escalation: escalation.reached }, deliveries, now);
}

/**
 * The channels already told something about an incident (sent, or waiting in the outbox). Its later events go to them
 * too, whatever the routes say now: a chat that saw a SEV-3 open hears it resolve after it was raised to SEV-1, and
 * a level an escalation reached hears the acknowledgement and the end, so no page is left open.
 */
function channelsTold(delivery: DeliveryState, incidentId: string): string[] {
  const prefix = `${incidentId}:`;
  const out = new Set<string>();
  const add = (key: string) => {
    if (key.startsWith(prefix)) out.add(key.slice(key.lastIndexOf("@") + 1));
  };
  for (const key of Object.keys(delivery.done)) add(key);
  for (const entry of delivery.outbox) add(entry.key);
  return [...out];
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
