import { dayKeyOf, daysBetween, HOUR_MS, hourStartMs } from "./keys";
import { addCountsInto, ticksByMonitor, uptimePercent } from "./rollup";
import type { Counts, HistoryCarry } from "./schemas";

export const UPTIME_WINDOWS = { "24h": 1, "7d": 7, "30d": 30, "90d": 90 } as const;
export type UptimeWindow = keyof typeof UPTIME_WINDOWS;
export type Uptime = Record<UptimeWindow, number | null>;

/**
 * Uptime per monitor over 24 hours and 7, 30 and 90 days, in percent with three decimals; null when the window holds
 * no tick that counts (maintenance and unknown ticks never count). Pure.
 *
 * 24h counts whole hours: the current one and those that overlap the last 24 hours (so 24 to 25 hours of ticks).
 * The day windows count whole days: the carry's day (finished hours plus the current one) and the complete-day sums
 * refreshed at each day rollover. When the last tick is from an earlier day than `nowMs`, the day windows end at
 * that day, and drop out once it is older than the window.
 */
export function uptimeOf(carry: HistoryCarry | null, nowMs: number): Record<string, Uptime> {
  if (!carry) return {};
  const current: Record<string, Counts> = {};
  for (const [id, { counts }] of ticksByMonitor(carry.hour)) current[id] = counts;

  const lastDay: Record<string, Counts> = {};
  for (const [id, acc] of Object.entries(carry.today.m)) addCountsInto(lastDay, { [id]: acc.c });
  addCountsInto(lastDay, current);

  const since = nowMs - 24 * HOUR_MS;
  const overlaps = (hour: string) => hourStartMs(hour) + HOUR_MS > since && hourStartMs(hour) <= nowMs;
  const day24: Record<string, Counts> = {};
  for (const hour of carry.hours) if (overlaps(hour.h)) addCountsInto(day24, hour.m);
  if (overlaps(carry.hour.h)) addCountsInto(day24, current);

  const today = dayKeyOf(nowMs);
  const inWindow = (day: string, days: number) => daysBetween(day, today) < days;
  const sums = { "7d": carry.windows?.d7, "30d": carry.windows?.d30, "90d": carry.windows?.d90 };
  const windowCounts = (window: "7d" | "30d" | "90d"): Record<string, Counts> => {
    const days = UPTIME_WINDOWS[window];
    const out: Record<string, Counts> = {};
    if (!inWindow(carry.today.d, days)) return out;
    addCountsInto(out, lastDay);
    const sum = sums[window];
    if (sum && carry.windows && inWindow(carry.windows.through, days)) addCountsInto(out, sum);
    return out;
  };
  const byWindow = { "24h": day24, "7d": windowCounts("7d"), "30d": windowCounts("30d"), "90d": windowCounts("90d") };

  const ids = new Set<string>();
  for (const counts of Object.values(byWindow)) for (const id of Object.keys(counts)) ids.add(id);
  const out: Record<string, Uptime> = {};
  for (const id of [...ids].sort()) {
    out[id] = {
      "24h": uptimePercent(byWindow["24h"][id] ?? []),
      "7d": uptimePercent(byWindow["7d"][id] ?? []),
      "30d": uptimePercent(byWindow["30d"][id] ?? []),
      "90d": uptimePercent(byWindow["90d"][id] ?? []),
    };
  }
  return out;
}
