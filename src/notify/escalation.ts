import { type EscalationPolicy, escalationPolicyFor, type Notifications } from "../config/notifications";
import type { Incident } from "../incidents/types";
import type { NotificationEvent } from "./event";

export interface Escalation {
  event: NotificationEvent;
  channelIds: string[];
  level: number;
}

/** Whether the policy still escalates this incident: until it resolves (the guide's "if unresolved"), or until acknowledged. */
function stillEscalating(policy: EscalationPolicy, incident: Incident): boolean {
  return incident.status === "open" && !(policy.escalateUntil === "acknowledged" && incident.acknowledgedAt);
}

/** `(not resolved after 60 min; acknowledged by alice)`: why the level was reached, the acknowledgement shown. */
function why(policy: EscalationPolicy, incident: Incident, afterMinutes: number): string {
  if (policy.escalateUntil === "acknowledged") return `no acknowledgement after ${afterMinutes} min`;
  const acked = incident.acknowledgedAt ? `; acknowledged by ${incident.acknowledgedBy ?? "someone"}` : "";
  return `not resolved after ${afterMinutes} min${acked}`;
}

/** Minutes after opening at which each level of the incident's policy is due (none without a policy). */
export function escalationMinutes(notifications: Pick<Notifications, "escalation">, incident: Pick<Incident, "severity">): number[] {
  return (escalationPolicyFor(notifications, incident.severity)?.levels ?? []).map((l) => l.afterMinutes);
}

/**
 * The guide's escalation path: an open incident goes to level N's channels of the policy for its severity once
 * `afterMinutes` have passed since it opened and it is still unresolved (or, with `escalateUntil: "acknowledged"`,
 * still unacknowledged). When a tick finds several levels due (it ran late), only the highest is sent. The level
 * reached is kept per incident; a severity raised mid-incident moves it to the new policy's levels from there.
 */
export function dueEscalations(
  notifications: Notifications,
  incidents: readonly Incident[],
  reached: Record<string, number>,
  nowMs: number,
): { escalations: Escalation[]; reached: Record<string, number> } {
  const next: Record<string, number> = {};
  const escalations: Escalation[] = [];
  for (const incident of incidents) {
    if (incident.status !== "open") continue;
    const current = reached[incident.id] ?? 0;
    next[incident.id] = current;
    const policy = escalationPolicyFor(notifications, incident.severity);
    if (!policy || !stillEscalating(policy, incident)) continue;
    const openedMs = Date.parse(incident.updates[0]?.at ?? incident.startedAt);
    const minutes = (nowMs - openedMs) / 60_000;
    let due = 0;
    policy.levels.forEach((level, index) => {
      if (minutes >= level.afterMinutes) due = index + 1;
    });
    if (due <= current) continue;
    const level = policy.levels[due - 1]!;
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
        reason: `escalated to level ${due} (${why(policy, incident, level.afterMinutes)})`,
        escalationLevel: due,
      },
    });
  }
  return { escalations, reached: next };
}
