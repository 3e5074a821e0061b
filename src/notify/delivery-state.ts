import * as z from "zod";

/** A stored event: validated loosely, since its shape belongs to the channel builders that read it. */
const StoredEvent = z.looseObject({
  type: z.string(),
  id: z.string(),
  at: z.string(),
  monitorIds: z.array(z.string()),
  reason: z.string(),
});

export const OutboxEntry = z.object({
  /** `${event.id}@${channelId}`: the idempotency key; an event reaches a channel at most once. */
  key: z.string(),
  channelId: z.string(),
  event: StoredEvent,
  attempts: z.int().nonnegative(),
  nextAttemptAt: z.string(),
  /** The tick that took it to send; a claim that outlives its tick means the outcome is unknown. */
  claimedAt: z.string().nullable(),
  lastError: z.string().nullable(),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

export const DeliveryState = z.object({
  outbox: z.array(OutboxEntry).default([]),
  /** Keys delivered (or given up on), with when: kept 8 days so a repeated event is recognised. */
  done: z.record(z.string(), z.string()).default({}),
  /** The latest failures that were given up on, newest first. */
  failed: z.array(z.object({ key: z.string(), channelId: z.string(), type: z.string(), at: z.string(), error: z.string() })).default([]),
  /** Escalation level reached by each open incident. */
  escalation: z.record(z.string(), z.int().nonnegative()).default({}),
});
export type DeliveryState = z.infer<typeof DeliveryState>;

export const EMPTY_DELIVERY: DeliveryState = { outbox: [], done: {}, failed: [], escalation: {} };
