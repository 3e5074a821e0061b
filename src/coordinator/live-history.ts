import type { DayAccumulators, HotState } from "../decide/hot-state";
import { foldHour } from "../history/day-accumulator";
import { addDays, HOUR_MS, hourKeyOf, hourStartMs } from "../history/keys";
import { rollupHour } from "../history/rollup";
import type { HistoryCarry, HourObject, RawHour, Rollup } from "../history/schemas";
import type { CoordinatorSql } from "../storage/coordinator-sql";

/**
 * One monitor's history that is not archived yet, shaped like the carry the history readers take: the current
 * hour's raw points; finished hours whose archive is still queued (their raw points, served as pending hours, and
 * folded into today); today's and the last 24 finished hours' rollups; today's accumulators. Projected to the one
 * monitor before it leaves the object. Bounded by the hours the archive jobs may hold back (MAX_JOBS).
 */
export function liveHistory(state: HotState, sql: CoordinatorSql, dayacc: DayAccumulators | null, id: string): HistoryCarry | null {
  if (!state.hour) return null;
  const h = state.hour.h;
  const start = hourStartMs(h);
  const d = h.slice(0, 10);
  const from = Math.min(start - 24 * HOUR_MS, Date.parse(`${d}T00:00:00Z`));
  const column = (ids: readonly string[]) => ids.indexOf(id);

  // Raw points still in rows: the current hour's, and those of finished hours not yet folded into the archive.
  const byHour = new Map<string, RawHour>();
  const idsOf = new Map<string, string[] | null>([[h, state.hour.ids]]);
  for (const p of sql.points(from, start + HOUR_MS)) {
    const hk = hourKeyOf(p.t);
    if (!idsOf.has(hk)) idsOf.set(hk, sql.hourIds(hk));
    const index = column(idsOf.get(hk) ?? []);
    if (index < 0) continue;
    const hour = byHour.get(hk) ?? { h: hk, ids: [id], ticks: [] };
    hour.ticks.push([p.t - hourStartMs(hk), p.letters[index] ?? "-", [p.latencies[index] ?? null]]);
    byHour.set(hk, hour);
  }
  const current = byHour.get(h) ?? { h, ids: [id], ticks: [] };
  const waiting = [...byHour.values()].filter((hour) => hour.h !== h);
  const pendingHours: HourObject[] = waiting.map((hour) => ({ v: 1, ...hour, rollup: rollupHour(hour) }));

  const hours = sql.hourRollups(hourKeyOf(from), hourKeyOf(start - HOUR_MS)).flatMap((row) => {
    const rollup: Rollup | undefined = row.rollup[id];
    return rollup ? [{ h: row.h, m: { [id]: rollup } }] : [];
  });
  // Today's finished hours whose points are not folded yet count today, as the archive will count them.
  let m = dayacc?.d === d && dayacc.m[id] ? { [id]: dayacc.m[id] } : {};
  for (const hour of waiting) if (hour.h.startsWith(d)) m = foldHour(m, hour);
  return {
    v: 1,
    hour: current,
    hours,
    today: { d, m },
    windows: null,
    pending: { hours: pendingHours, days: [] },
    pruned: { raw: null, days: addDays(d, -1) },
  };
}
