import type { Incident } from "../incidents/types";
import type { ProbeResult } from "../probes/types";
import type { LatestSnapshot, StateSnapshot, StoredResult } from "../storage/snapshot";

/** KV is rewritten at most this often, so even a monitor that flips every minute stays under 1,000 writes a day. */
export const MIN_KV_WRITE_INTERVAL_MS = 120_000;

/** A probe's result and what the tick shows for it (`maintenance` for a monitor in a window). */
export type TickResult = ProbeResult & { shown: StoredResult["status"] };

export type PreviousStatus = Pick<StoredResult, "status" | "since">;

/** How many results the tick shows in each status (`{ up: 198, down: 2 }`), for its log line and its caller. */
export function shownCounts(results: readonly TickResult[]): Partial<Record<TickResult["shown"], number>> {
  const counts: Partial<Record<TickResult["shown"], number>> = {};
  for (const r of results) counts[r.shown] = (counts[r.shown] ?? 0) + 1;
  return counts;
}

/** The stored form of a tick: each result with the time its monitor entered its current status. */
export function nextMonitors(results: readonly TickResult[], previous: Record<string, PreviousStatus>, tickAt: string): LatestSnapshot["monitors"] {
  const monitors: LatestSnapshot["monitors"] = {};
  for (const r of results) {
    const before = previous[r.monitorId];
    monitors[r.monitorId] = {
      type: r.type,
      status: r.shown,
      latencyMs: r.latencyMs,
      checkedAt: r.checkedAt,
      message: r.message,
      details: { ...r.details },
      since: before && before.status === r.shown ? before.since : tickAt,
    };
  }
  return monitors;
}

/** What KV holds: statuses and since when. Latency and wording are left out, so they never cost a KV write. */
export function stateOf(monitors: LatestSnapshot["monitors"], incidents: Incident[], updatedAt: string): StateSnapshot {
  const out: StateSnapshot["monitors"] = {};
  for (const [id, m] of Object.entries(monitors)) out[id] = { status: m.status, since: m.since, message: m.message, checkedAt: m.checkedAt };
  return { version: 1, updatedAt, monitors: out, incidents };
}

/** Changes whenever a status or an incident changes, and never for a latency or a timestamp. */
export function fingerprintOf(monitors: LatestSnapshot["monitors"], incidents: Incident[]): string {
  const statuses = Object.keys(monitors)
    .sort()
    .map((id) => `${id}=${monitors[id]?.status}@${monitors[id]?.since}`);
  const incidentKeys = incidents.map((i) => `${i.id}:${i.status}:${i.impact}:${i.severity}:${i.flapping}:${i.updates.length}`);
  return [...statuses, ...incidentKeys].join(";");
}

/** Write KV when the state that matters changed and the last write is old enough; a skipped write is retried next tick. */
export function shouldWriteKv(fingerprint: string, previous: LatestSnapshot["kv"], nowMs: number): boolean {
  if (!previous) return true;
  if (previous.fingerprint === fingerprint) return false;
  const last = Date.parse(previous.writtenAt);
  return !Number.isFinite(last) || nowMs - last >= MIN_KV_WRITE_INTERVAL_MS;
}
