import { addDays, dayObjectKey, lastDayOfMonth, monthKeyOf, monthObjectKey, rawHourKey } from "./keys";
import type { HistoryCarry } from "./schemas";

/** Day objects (and the months made only of pruned days) are kept this many complete days. */
const DAY_RETENTION_DAYS = 400;
/** Days of objects one prune covers: catches up after a gap without ever listing, in one bulk delete. */
export const MAX_PRUNE_DAYS = 30;
/** Without a record of earlier pruning (a fresh carry), how many days before the cutoff are deleted as well. */
const FRESH_SLACK_DAYS = 7;

type Pruned = HistoryCarry["pruned"];

/** Days after `done` up to `last`, at most MAX_PRUNE_DAYS of the latest. */
function daysToPrune(done: string | null, last: string): string[] {
  let first = done ? addDays(done, 1) : addDays(last, -FRESH_SLACK_DAYS);
  if (first < addDays(last, -(MAX_PRUNE_DAYS - 1))) first = addDays(last, -(MAX_PRUNE_DAYS - 1));
  const out: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) out.push(day);
  return out;
}

/**
 * The keys to delete on day `today`, computed rather than listed: raw hours of days before the last
 * `rawRetentionDays` complete days, day objects before the last 400 complete days, and months wholly before that.
 * Returns the pruning record to keep once the delete succeeded. Pure.
 */
export function pruneKeys(pruned: Pruned, today: string, rawRetentionDays: number): { keys: string[]; pruned: Pruned } {
  const lastRaw = addDays(today, -rawRetentionDays - 1);
  const lastDay = addDays(today, -DAY_RETENTION_DAYS - 1);
  const rawDays = daysToPrune(pruned.raw, lastRaw);
  const dayDays = daysToPrune(pruned.days, lastDay);
  const keys = rawDays.flatMap((day) => Array.from({ length: 24 }, (_, h) => rawHourKey(`${day}T${String(h).padStart(2, "0")}`)));
  keys.push(...dayDays.map(dayObjectKey));
  const months = new Set(dayDays.map(monthKeyOf).filter((month) => lastDayOfMonth(month) <= lastDay));
  keys.push(...[...months].map(monthObjectKey));
  return {
    keys,
    pruned: { raw: rawDays.length ? lastRaw : pruned.raw, days: dayDays.length ? lastDay : pruned.days },
  };
}
