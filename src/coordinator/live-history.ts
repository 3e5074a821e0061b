import type { HotState } from "../decide/hot-state";
import { addDays, HOUR_MS, hourKeyOf, hourStartMs } from "../history/keys";
import type { HistoryCarry, RawHour, Rollup } from "../history/schemas";
import type { CoordinatorSql } from "../storage/coordinator-sql";
import type { DayAccumulators } from "../decide/hot-state";

/**
 * One monitor's history that is not archived yet (the current hour's raw points, today's and the last 24 finished
 * hours, today's accumulators), shaped like the carry the history readers take. Bounded: at most 60 raw points and
 * 48 hours, projected to the one monitor before it leaves the object.
 */
export function liveHistory(state: HotState, sql: CoordinatorSql, dayacc: DayAccumulators | null, id: string): HistoryCarry | null {
  if (!state.hour) return null;
  const h = state.hour.h;
  const start = hourStartMs(h);
  const index = state.hour.ids.indexOf(id);
  const hour: RawHour = { h, ids: [id], ticks: [] };
  if (index >= 0) for (const p of sql.points(start, start + HOUR_MS)) hour.ticks.push([p.t - start, p.letters[index] ?? "-", [p.latencies[index] ?? null]]);
  const from = hourKeyOf(Math.min(start - 24 * HOUR_MS, Date.parse(`${h.slice(0, 10)}T00:00:00Z`)));
  const hours = sql
    .hours(from)
    .filter((row) => row.h < h)
    .flatMap((row) => {
      const rollup: Rollup | undefined = row.rollup?.[id] ?? (row.counts[id] ? [...row.counts[id]!, null, null, null] : undefined);
      return rollup ? [{ h: row.h, m: { [id]: rollup } }] : [];
    });
  const d = h.slice(0, 10);
  const acc = dayacc?.d === d ? dayacc.m[id] : undefined;
  return {
    v: 1,
    hour,
    hours,
    today: { d, m: acc ? { [id]: acc } : {} },
    windows: null,
    pending: { hours: [], days: [] },
    pruned: { raw: null, days: addDays(d, -1) },
  };
}
