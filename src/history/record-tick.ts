import type { Log } from "../log";
import type { StoredResult } from "../storage/snapshot";
import { advanceHistory } from "./advance-history";
import type { HistoryStore } from "./history-store";
import { persistHistory } from "./persist-history";
import type { HistoryCarry, TickSample } from "./schemas";

/** A tick's results as history keeps them: status and latency per monitor. */
export function tickSampleOf(tickAt: string, monitors: Record<string, Pick<StoredResult, "status" | "latencyMs">>): TickSample {
  const out: TickSample["monitors"] = {};
  for (const [id, m] of Object.entries(monitors)) out[id] = { status: m.status, latencyMs: m.latencyMs };
  return { tickAt, monitors: out };
}

/**
 * The tick's history step: advanceHistory, then persistHistory, logging what was ignored or dropped. Never throws.
 * Returns the carry to put in latest.json (`history`); undefined only when there was none and the tick time is bad.
 */
export async function recordTick(
  store: HistoryStore,
  carry: HistoryCarry | null | undefined,
  sample: TickSample,
  options: { log: Log; rawRetentionDays?: number },
): Promise<HistoryCarry | undefined> {
  const advanced = advanceHistory(carry ?? null, sample);
  if (advanced.ignored) options.log("warn", "history ignored a tick", { reason: advanced.ignored });
  if (advanced.dropped.length) options.log("error", "history dropped unwritten objects", { keys: advanced.dropped });
  if (!advanced.carry) return undefined;
  return persistHistory(store, advanced.carry, options);
}
