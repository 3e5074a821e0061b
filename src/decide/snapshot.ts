import * as z from "zod";
import { Incident, MonitorTrack } from "../incidents/types";
import { MaintenanceWindow } from "../config/schema";
import { DeliveryState, EMPTY_DELIVERY } from "../notify/delivery-state";

const IncidentStateSchema = z.object({ tracks: z.record(z.string(), MonitorTrack), incidents: z.array(Incident) });

/** Stored forms are validated on read: a truncated or hand-edited object is treated as missing, never trusted. */
export const StoredResult = z.object({
  type: z.string(),
  status: z.enum(["up", "degraded", "down", "maintenance", "unknown"]),
  latencyMs: z.number().nullable(),
  checkedAt: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  /** When the monitor entered its current status. */
  since: z.string(),
});
export type StoredResult = z.infer<typeof StoredResult>;

/** The latest tick, kept in R2 (strongly consistent, cheap to write every minute). */
export const LatestSnapshot = z.object({
  version: z.literal(1),
  tickAt: z.string(),
  durationMs: z.number(),
  monitors: z.record(z.string(), StoredResult),
  /** What KV last received, so a tick writes KV only when the state that matters changed. */
  kv: z.object({ fingerprint: z.string(), writtenAt: z.string() }).nullable(),
  /** The incident state machine's memory, and the open and recently resolved incidents. */
  incidents: IncidentStateSchema.default({ tracks: {}, incidents: [] }),
  /** Ids of changed incidents whose R2 write failed, retried by the next tick. */
  unsavedIncidents: z.array(z.string()).default([]),
  /** Per-monitor uptime as of this tick, so readers need not read or validate the history carry. */
  uptime: z
    .record(
      z.string(),
      z.object({ "24h": z.number().nullable(), "7d": z.number().nullable(), "30d": z.number().nullable(), "90d": z.number().nullable() }),
    )
    .default({}),
  /** The certificate expiry tier (30, 14, 7, 1 days) each tls monitor last announced. */
  certificateTiers: z.record(z.string(), z.union([z.literal(30), z.literal(14), z.literal(7), z.literal(1)])).default({}),
  /** Maintenance windows created through the admin API, in force beside the config's own. */
  adminMaintenance: z.array(MaintenanceWindow).default([]),
  /** Notifications waiting to be sent or retried, what was delivered, escalation levels reached. */
  delivery: DeliveryState.default(EMPTY_DELIVERY),
  /** History between flushes (src/history): validated by the tick only, where it is used, to spare readers the CPU. */
  history: z.unknown().optional(),
});
export type LatestSnapshot = z.infer<typeof LatestSnapshot>;

/** The slow-changing current state, kept in KV: statuses and since when; written on change only. */
export const StateSnapshot = z.object({
  version: z.literal(1),
  updatedAt: z.string(),
  monitors: z.record(
    z.string(),
    z.object({ status: StoredResult.shape.status, since: z.string(), message: z.string(), checkedAt: z.string() }),
  ),
  /** Open and recently resolved incidents, for readers when the R2 latest is unreadable. */
  incidents: z.array(Incident).default([]),
});
export type StateSnapshot = z.infer<typeof StateSnapshot>;
