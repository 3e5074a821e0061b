import type { Incident } from "../incidents/types";
import type { NotificationEvent } from "./event";
import type { Notifications } from "../config/notifications";

export interface Escalation {
  event: NotificationEvent;
  channelIds: string[];
  level: number;
}

/**
 * The guide's escalation path: an open incident nobody acknowledged goes to level N's channels once `afterMinutes`
 * have passed since it opened. When a tick finds several levels due (it ran late), only the highest is sent.
 */
export function dueEscalations(
  notifications: Notifications,
  incidents: readonly Incident[],
  reached: Record<string, number>,
  nowMs: number,
): { escalations: Escalation[]; reached: Record<string, number> } {
  const levels = notifications.escalation ?? [];
  const next: Record<string, number> = {};
  const escalations: Escalation[] = [];
  for (const incident of incidents) {
    if (incident.status !== "open") continue;
    const current = reached[incident.id] ?? 0;
    next[incident.id] = current;
    if (incident.acknowledgedAt) continue;
    const openedMs = Date.parse(incident.updates[0]?.at ?? incident.startedAt);
    const minutes = (nowMs - openedMs) / 60_000;
    let due = 0;
    levels.forEach((level, index) => {
      if (minutes >= level.afterMinutes) due = index + 1;
    });
    if (due <= current) continue;
    const level = levels[due - 1]!;
    next[incident.id] = due;
    escalations.push({
      level: due,
      channelIds: level.channels,
      event: {
        type: "incident.escalated",
        id: `${incident.id}:escalated:${due}`,
        at: new Date(nowMs).toISOString(),
        monitorIds: incident.monitorIds,
        incident,
        reason: `escalated to level ${due} (no acknowledgement after ${level.afterMinutes} min)`,
        escalationLevel: due,
      },
    });
  }
  return { escalations, reached: next };
}
