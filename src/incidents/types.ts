import * as z from "zod";
import { Severity } from "../config/schema";

export const Impact = z.enum(["minor", "major", "critical"]);
export type Impact = z.infer<typeof Impact>;

/** Statuspage's words for where an incident stands, so its API can be served without translation. */
const UpdateStatus = z.enum(["investigating", "identified", "monitoring", "update", "resolved"]);

export const Incident = z.object({
  id: z.string(),
  monitorIds: z.array(z.string()),
  title: z.string(),
  severity: Severity,
  impact: Impact,
  status: z.enum(["open", "resolved"]),
  flapping: z.boolean(),
  startedAt: z.string(),
  resolvedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  cause: z.object({ message: z.string(), phase: z.string() }),
  updates: z.array(z.object({ at: z.string(), status: UpdateStatus, message: z.string() })),
  /** Set by the admin API: shown everywhere; stops escalation only under `escalateUntil: "acknowledged"`. */
  acknowledgedAt: z.string().nullable().default(null),
  acknowledgedBy: z.string().nullable().default(null),
  /** Opened through the admin API (or an Alertmanager alert) rather than by the state machine: only a person or that source resolves it. */
  source: z.enum(["monitor", "manual", "alertmanager"]).default("monitor"),
  /**
   * An Alertmanager incident's alert: the `endsAt` of its latest firing send, past which (and a grace) the tick
   * resolves it as no longer refreshed. Absent when the alert gave no end, and in incidents stored before it existed.
   */
  alertEndsAt: z.string().optional(),
  /** When Alertmanager last sent this alert as firing (its repeats come every `repeat_interval`). */
  alertSeenAt: z.string().optional(),
  /**
   * Dependants (`dependsOn`) that failed while this incident's monitor was down and joined it as affected components
   * (they are in `monitorIds` too). Absent when none did, and in incidents stored before it existed.
   */
  affected: z.array(z.string()).optional(),
  /** The runbook of its monitor when it opened. Absent when the monitor had none, and in incidents stored before it existed. */
  runbook: z.string().optional(),
});
export type Incident = z.infer<typeof Incident>;

/** What the state machine remembers of each monitor between ticks. */
export const MonitorTrack = z.object({
  failStreak: z.number(),
  okStreak: z.number(),
  /** The first failing tick of the current run of failures: an incident's start and part of its id. */
  streakStart: z.string().nullable(),
  /** The worst state seen since the streak started. */
  worst: z.enum(["degraded", "down"]).nullable(),
  lastRaw: z.enum(["up", "degraded", "down"]).nullable(),
  /** Times (ms) of changes between good and failing inside the flapping window. */
  flips: z.array(z.number()),
  incidentId: z.string().nullable(),
});
export type MonitorTrack = z.infer<typeof MonitorTrack>;

export type IncidentEventType = "incident.opened" | "incident.updated" | "incident.resolved";
export interface IncidentEvent {
  type: IncidentEventType;
  incidentId: string;
  monitorIds: string[];
  /** Why: `opened`, `impact raised`, `severity raised`, `flapping`, `resolved`. */
  reason: string;
}
