import type { Log } from "../core/log";
import type { DeliveryState, OutboxEntry } from "./delivery-state";
import type { NotificationEvent } from "./event";

const MAX_ATTEMPTS = 5;
const DONE_KEEP_MS = 8 * 24 * 3600_000;
const MAX_FAILED_KEPT = 50;
/**
 * The most entries the outbox holds. A tick sends at most MAX_NOTIFICATIONS_PER_TICK (10), so 500 entries are 50
 * minutes of sending: news older than that is worth less than a bounded state. Past it, the oldest are dropped.
 */
export const MAX_OUTBOX = 500;
/**
 * The most JSON the outbox's entries may take. The delivery state is one SQLite row (at most 2 MB), rewritten
 * whenever it changes; an entry carries its incident, about 1 KB, but up to 50 updates make it 10 KB or more, so
 * 500 of those would not fit and every commit would fail. 600,000 characters stay under 2 MB even if every one
 * took 3 bytes of UTF-8, and leave room for `done` in the same row.
 */
export const MAX_OUTBOX_CHARS = 600_000;
/**
 * The longest a provider's Retry-After may hold an entry back. The header is the receiver's to set: a broken or
 * hostile one ("Retry-After: 31536000", or a date in 2099) must not park a page for days; after an hour the entry is
 * tried again, and a receiver still refusing uses up its attempts as any failing one does.
 */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** Adds one entry per (event, channel) not seen before: repeated or overlapping ticks cannot queue a second copy. */
export function enqueue(
  state: DeliveryState,
  deliveries: { event: NotificationEvent; channelIds: string[] }[],
  now: string,
): DeliveryState {
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
 * or for room in this tick): a receiver never reads "resolved" before the "opened" it follows. Then the outbox is
 * held to MAX_OUTBOX entries and MAX_OUTBOX_CHARS (see capOutbox): claimDue runs once a tick after every enqueue, so the cap holds between ticks;
 * `dropped` says what went, for the caller to log with logDropped.
 */
export function claimDue(
  state: DeliveryState,
  nowMs: number,
  limit: number,
): { state: DeliveryState; claimed: OutboxEntry[]; dropped: Dropped | null } {
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
  const capped = capOutbox(outbox, done, now);
  return { state: { ...state, outbox: capped.outbox, done }, claimed, dropped: capped.dropped };
}

/** What the cap dropped in a tick, for the log: how many, by event type and by channel. */
export interface Dropped {
  count: number;
  types: Record<string, number>;
  channels: Record<string, number>;
}

/**
 * Keeps the outbox within MAX_OUTBOX entries and MAX_OUTBOX_CHARS by dropping its oldest entries (the outbox is in
 * the order entries were queued), never one this tick just claimed: it is being sent. A dropped key is closed as done
 * (mutating `done`, the caller's copy), so the same event cannot be queued again and arrive late. Dropping an
 * incident's "opened" can leave its "resolved" to arrive alone: under a backlog this large, that beats a state that
 * grows until it cannot be stored. Measuring costs a JSON.stringify per entry, about 1 ms for a full outbox.
 */
function capOutbox(entries: OutboxEntry[], done: Record<string, string>, now: string): { outbox: OutboxEntry[]; dropped: Dropped | null } {
  if (entries.length === 0) return { outbox: entries, dropped: null };
  const sizes = entries.map((e) => JSON.stringify(e).length + 1);
  // This tick's claims first, whatever their age; then the newest that fit, and once one does not, every older one goes.
  const keep = entries.map((e) => e.claimedAt !== null);
  let count = 0;
  let chars = 0;
  for (let i = 0; i < entries.length; i++) {
    if (!keep[i]) continue;
    count++;
    chars += sizes[i]!;
  }
  for (let i = entries.length - 1; i >= 0; i--) {
    if (keep[i]) continue;
    if (count + 1 > MAX_OUTBOX || chars + sizes[i]! > MAX_OUTBOX_CHARS) break;
    keep[i] = true;
    count++;
    chars += sizes[i]!;
  }
  if (count === entries.length) return { outbox: entries, dropped: null };
  const dropped: Dropped = { count: 0, types: {}, channels: {} };
  const outbox: OutboxEntry[] = [];
  entries.forEach((entry, i) => {
    if (keep[i]) return void outbox.push(entry);
    done[entry.key] = now;
    dropped.count++;
    dropped.types[entry.event.type] = (dropped.types[entry.event.type] ?? 0) + 1;
    dropped.channels[entry.channelId] = (dropped.channels[entry.channelId] ?? 0) + 1;
  });
  return { outbox, dropped };
}

/** The log line for what the cap dropped (nothing when nothing was): the caller of claimDue logs it, claimDue is pure. */
export function logDropped(log: Log, dropped: Dropped | null): void {
  if (!dropped) return;
  log("warn", "notification outbox full: oldest entries dropped", {
    dropped: dropped.count,
    max: MAX_OUTBOX,
    maxChars: MAX_OUTBOX_CHARS,
    types: dropped.types,
    channels: dropped.channels,
  });
}

/**
 * `deferred`: not sent this tick (an earlier event of the same incident failed first); it keeps its place and attempts.
 * `retryAt`: when the receiver asked to be tried again (epoch ms: its Retry-After counted from its answer).
 */
export type Outcome = { ok: true } | { ok: false; retryable: boolean; error: string; retryAt?: number } | { ok: false; deferred: true };

/**
 * Records what sending did: done, retried later, or given up and kept as failed. A retry waits the exponential
 * backoff (1, 2, 4, 8 min) or until the receiver's Retry-After, whichever is later; Retry-After counts for at most
 * MAX_RETRY_AFTER_MS.
 */
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
      const backoff = nowMs + 2 ** (attempts - 1) * 60_000;
      const asked =
        outcome.retryAt !== undefined && Number.isFinite(outcome.retryAt) ? Math.min(outcome.retryAt, nowMs + MAX_RETRY_AFTER_MS) : backoff;
      outbox.push({
        ...entry,
        attempts,
        claimedAt: null,
        lastError: outcome.error,
        nextAttemptAt: new Date(Math.max(backoff, asked)).toISOString(),
      });
    } else {
      done[entry.key] = now;
      failed.unshift({ key: entry.key, channelId: entry.channelId, type: entry.event.type, at: now, error: outcome.error });
    }
  }
  for (const [key, at] of Object.entries(done)) if (nowMs - Date.parse(at) > DONE_KEEP_MS) delete done[key];
  return { ...state, outbox, done, failed: failed.slice(0, MAX_FAILED_KEPT) };
}
