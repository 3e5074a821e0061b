import type { DeliveryState, OutboxEntry } from "./delivery-state";
import type { NotificationEvent } from "./event";

export const MAX_ATTEMPTS = 5;
const DONE_KEEP_MS = 8 * 24 * 3600_000;
const MAX_FAILED_KEPT = 50;

/** Adds one entry per (event, channel) not seen before: repeated or overlapping ticks cannot queue a second copy. */
export function enqueue(state: DeliveryState, deliveries: { event: NotificationEvent; channelIds: string[] }[], now: string): DeliveryState {
  const queued = new Set(state.outbox.map((e) => e.key));
  const outbox = [...state.outbox];
  for (const { event, channelIds } of deliveries) {
    for (const channelId of channelIds) {
      const key = `${event.id}@${channelId}`;
      if (queued.has(key) || key in state.done) continue;
      queued.add(key);
      outbox.push({ key, channelId, event, attempts: 0, nextAttemptAt: now, claimedAt: null, lastError: null });
    }
  }
  return { ...state, outbox };
}

/** What orders an entry within its channel: the incident it is about (null for a certificate or stale notice). */
export function orderKey(entry: Pick<OutboxEntry, "channelId" | "event">): string | null {
  const incident = (entry.event as { incident?: { id?: unknown } }).incident;
  return typeof incident?.id === "string" ? `${entry.channelId}\u0000${incident.id}` : null;
}

/**
 * Takes the entries due now, up to `limit`, for this tick to send. An entry still claimed by an earlier tick was
 * perhaps sent: it is closed as done rather than sent again (at most once beats at least once for a page). Within a
 * channel, an incident's later event waits while an earlier one of the same incident is still waiting (for a retry,
 * or for room in this tick): a receiver never reads "resolved" before the "opened" it follows.
 */
export function claimDue(state: DeliveryState, nowMs: number, limit: number): { state: DeliveryState; claimed: OutboxEntry[] } {
  const now = new Date(nowMs).toISOString();
  const done = { ...state.done };
  const claimed: OutboxEntry[] = [];
  const outbox: OutboxEntry[] = [];
  const waiting = new Set<string>();
  for (const entry of state.outbox) {
    if (entry.claimedAt !== null) {
      done[entry.key] = now;
      continue;
    }
    const order = orderKey(entry);
    if ((order === null || !waiting.has(order)) && claimed.length < limit && Date.parse(entry.nextAttemptAt) <= nowMs) {
      const taken = { ...entry, claimedAt: now };
      claimed.push(taken);
      outbox.push(taken);
    } else {
      outbox.push(entry);
      if (order !== null) waiting.add(order);
    }
  }
  return { state: { ...state, outbox, done }, claimed };
}

/** `deferred`: not sent this tick (an earlier event of the same incident failed first); it keeps its place and attempts. */
export type Outcome = { ok: true } | { ok: false; retryable: boolean; error: string } | { ok: false; deferred: true };

/** Records what sending did: done, retried later with exponential backoff (1, 2, 4, 8 min), or given up and kept as failed. */
export function recordOutcomes(state: DeliveryState, outcomes: Map<string, Outcome>, nowMs: number): DeliveryState {
  const now = new Date(nowMs).toISOString();
  const done = { ...state.done };
  const failed = [...state.failed];
  const outbox: OutboxEntry[] = [];
  for (const entry of state.outbox) {
    const outcome = outcomes.get(entry.key);
    if (!outcome) {
      outbox.push(entry);
      continue;
    }
    if (outcome.ok) {
      done[entry.key] = now;
      continue;
    }
    if ("deferred" in outcome) {
      outbox.push({ ...entry, claimedAt: null });
      continue;
    }
    const attempts = entry.attempts + 1;
    if (outcome.retryable && attempts < MAX_ATTEMPTS) {
      outbox.push({ ...entry, attempts, claimedAt: null, lastError: outcome.error, nextAttemptAt: new Date(nowMs + 2 ** (attempts - 1) * 60_000).toISOString() });
    } else {
      done[entry.key] = now;
      failed.unshift({ key: entry.key, channelId: entry.channelId, type: entry.event.type, at: now, error: outcome.error });
    }
  }
  for (const [key, at] of Object.entries(done)) if (nowMs - Date.parse(at) > DONE_KEEP_MS) delete done[key];
  return { ...state, outbox, done, failed: failed.slice(0, MAX_FAILED_KEPT) };
}
