import { addDays, daysBetween } from "./keys";
import { addCounts, addCountsInto, countsOf, uptimePercent, zeroCounts } from "./rollup";
import type { Counts, HistoryCarry, HistorySummary, Rollups } from "./schemas";

/** From daily rollups to summary.json and to the carry's complete-day sums. Pure. */

export const SUMMARY_DAYS = 90;

/** The last 90 complete days ending at `through` (oldest first), from whatever daily rollups are known. */
export function buildSummary(daily: ReadonlyMap<string, Rollups>, through: string): HistorySummary {
  const days = Array.from({ length: SUMMARY_DAYS }, (_, i) => addDays(through, i - SUMMARY_DAYS + 1));
  const ids = new Set<string>();
  for (const day of days) for (const id of Object.keys(daily.get(day) ?? {})) ids.add(id);
  const monitors: HistorySummary["monitors"] = {};
  for (const id of [...ids].sort()) {
    const counts = days.map((day): Counts | null => {
      const rollup = daily.get(day)?.[id];
      return rollup ? countsOf(rollup) : null;
    });
    const total = counts.reduce<Counts>((sum, c) => (c ? addCounts(sum, c) : sum), zeroCounts());
    monitors[id] = { uptime90d: uptimePercent(total), uptime: counts.map((c) => (c ? uptimePercent(c) : null)), counts };
  }
  return { v: 1, through, days, monitors };
}

/** The complete-day sums the carry keeps: the 6, 29 and 89 days up to `through`, for the 7d, 30d and 90d windows. */
export function windowsOf(daily: ReadonlyMap<string, Rollups>, through: string): NonNullable<HistoryCarry["windows"]> {
  const windows = { through, d7: {}, d30: {}, d90: {} } as NonNullable<HistoryCarry["windows"]>;
  for (const [day, rollups] of daily) {
    const age = daysBetween(day, through);
    if (age < 0) continue;
    if (age < 6) addCountsInto(windows.d7, rollups);
    if (age < 29) addCountsInto(windows.d30, rollups);
    if (age < 89) addCountsInto(windows.d90, rollups);
  }
  return windows;
}

/** The summary moved on to `through` (the day after its own), with that day's rollups; monitors new that day join. Pure. */
export function shiftSummary(previous: HistorySummary, through: string, day: Rollups): HistorySummary {
  const days = [...previous.days.slice(1), through];
  const monitors: HistorySummary["monitors"] = {};
  for (const id of [...new Set([...Object.keys(previous.monitors), ...Object.keys(day)])].sort()) {
    const before = previous.monitors[id];
    const counts = before ? before.counts.slice(1) : Array<Counts | null>(SUMMARY_DAYS - 1).fill(null);
    const uptime = before ? before.uptime.slice(1) : Array<number | null>(SUMMARY_DAYS - 1).fill(null);
    const today = day[id] ? countsOf(day[id]) : null;
    counts.push(today);
    uptime.push(today ? uptimePercent(today) : null);
    if (counts.every((c) => c === null)) continue;
    const total = counts.reduce<Counts>((sum, c) => (c ? addCounts(sum, c) : sum), zeroCounts());
    monitors[id] = { uptime90d: uptimePercent(total), uptime, counts };
  }
  return { v: 1, through, days, monitors };
}

/** The complete-day sums from a summary's per-day counts: the last 6, 29 and 89 days up to its `through`. */
export function windowsOfSummary(summary: HistorySummary): NonNullable<HistoryCarry["windows"]> {
  const windows = { through: summary.through, d7: {}, d30: {}, d90: {} } as NonNullable<HistoryCarry["windows"]>;
  const n = summary.days.length;
  for (const [id, { counts }] of Object.entries(summary.monitors)) {
    counts.forEach((c, i) => {
      if (!c) return;
      const age = n - 1 - i;
      if (age < 6) addCountsInto(windows.d7, { [id]: c });
      if (age < 29) addCountsInto(windows.d30, { [id]: c });
      if (age < 89) addCountsInto(windows.d90, { [id]: c });
    });
  }
  return windows;
}
