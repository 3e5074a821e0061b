import { sendStale } from "../notify/stale-watchdog";
import { STALE_AFTER_MS } from "../read-model/status-view";
import { loadState, type WriterDeps } from "./writer-deps";

/** The watchdog looks this long after the last tick: the stale limit, and a margin for a tick running late. */
const STALE_CHECK_AFTER_MS = STALE_AFTER_MS + 30_000;
/**
 * Only a tick near the real clock arms the watchdog: a tick replayed for another time (a benchmark's simulated day,
 * a test's fixed minute) would otherwise page about ticks that never were due.
 */
const NEAR_NOW_MS = 5 * 60_000;

/** When the watchdog should look after a tick at `tickMs`, or null when that tick is not a live one. */
export function staleCheckAt(tickMs: number, nowMs: number): number | null {
  return Math.abs(nowMs - tickMs) <= NEAR_NOW_MS ? tickMs + STALE_CHECK_AFTER_MS : null;
}

/**
 * A standing watchdog alarm at least this far past a tick is left where it is: moving it every minute would cost a
 * storage write a minute, and an alarm that fires while the ticks still run only looks and re-arms at the right time.
 */
const REARM_WITHIN_MS = 90_000;

/**
 * Where the watchdog's alarm should move after a live tick at `tickMs`, or null to leave it: every few minutes, not
 * every minute. Never later than the tick's own check, so a stop is seen as soon as before.
 */
export function watchdogRearm(standing: number | null, tickMs: number, nowMs: number): number | null {
  const watch = staleCheckAt(tickMs, nowMs);
  if (watch === null) return null;
  return standing === null || standing > watch || standing < tickMs + REARM_WITHIN_MS ? watch : null;
}

/**
 * The watchdog, run by the coordinator's alarm: when the last tick is older than the stale limit, `monitor.stale` goes
 * to every channel, once per stopped-cron episode (the tick it was about is recorded before sending, so neither a
 * retried alarm nor any number of requests sends it twice). No visitor can trigger it: only the alarm runs it.
 * Returns how many channels took it, or null when the ticks are not stale.
 */
export async function checkStale(deps: WriterDeps, nowMs: number): Promise<number | null> {
  const state = await loadState(deps);
  const last = state.meta.lastTickAt;
  if (last === null || nowMs - Date.parse(last) <= STALE_AFTER_MS || state.meta.staleNotified === last) return null;
  deps.hot.commit({ ...state, meta: { ...state.meta, staleNotified: last } });
  if (deps.config.notifications.channels.length === 0) return 0;
  return sendStale(deps.config, last, deps.send, deps.log, nowMs);
}
