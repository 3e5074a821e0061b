import type { Log } from "../log";
import type { HistoryStore } from "./history-store";
import { rawHourKey } from "./keys";
import { persistDay } from "./persist-day";
import { DEFAULT_RAW_RETENTION_DAYS } from "./prune-keys";
import type { HistoryCarry, HourObject } from "./schemas";

export interface PersistOptions {
  log: Log;
  /** Days of raw hour objects kept before they are pruned (default 7). */
  rawRetentionDays?: number;
}

/**
 * Writes what advanceHistory queued in `carry.pending`: every finished hour (one put each, no read) and at most one
 * finished day per tick (see persistDay), so a tick's reads stay bounded. Never throws: a failure is logged and its
 * object stays queued in the returned carry, to be retried by the next tick. Write that carry back into latest.json.
 */
export async function persistHistory(store: HistoryStore, carry: HistoryCarry, options: PersistOptions): Promise<HistoryCarry> {
  const { log } = options;
  // At least a day: a retention under one would prune the hours just written.
  const rawRetentionDays = Math.max(1, Math.floor(options.rawRetentionDays ?? DEFAULT_RAW_RETENTION_DAYS));
  try {
    const results = await Promise.allSettled(carry.pending.hours.map((hour) => store.put(rawHourKey(hour.h), JSON.stringify(hour))));
    const failed: HourObject[] = [];
    results.forEach((result, i) => {
      const hour = carry.pending.hours[i]!;
      if (result.status === "fulfilled") return;
      failed.push(hour);
      log("error", "history hour write failed; retried next tick", { key: rawHourKey(hour.h), error: String(result.reason) });
    });
    let next: HistoryCarry = { ...carry, pending: { ...carry.pending, hours: failed } };

    const day = next.pending.days[0];
    if (day) {
      try {
        next = await persistDay(store, next, day, { log, rawRetentionDays });
      } catch (error) {
        log("error", "history day write failed; retried next tick", { day: day.d, error: String(error) });
      }
    }
    return next;
  } catch (error) {
    log("error", "history persist failed", { error: String(error) });
    return carry;
  }
}
