import type { DayAccumulators, HotState } from "../decide/hot-state";
import { foldHour, rollupsOfDay } from "../history/day-accumulator";
import { addDays, HOUR_MS, hourKeyOf, hourStartMs } from "../history/keys";
import { rollupHour } from "../history/rollup";
import type { DayAccumulator, DayObject, HistoryCarry, HourObject, HourRollup, RawHour, Rollup, Rollups } from "../history/schemas";
import type { CoordinatorSql } from "../storage/coordinator-sql";
import type { HotStateStore } from "../storage/hot-state-store";
import { rollupOfHours } from "./archive-day";

type DayRows = Pick<HotStateStore, "dayAccumulators" | "dayRollup">;

/**
 * One monitor's history that is not archived yet, shaped like the carry the history readers take: the current
 * hour's raw points; finished hours whose archive is still queued (their raw points, served as pending hours, and
 * folded into their day); today's and the last 24 finished hours' rollups; today's accumulators; finished days
 * whose month object is not written yet (served as pending days). Projected to the one monitor before it leaves the
 * object. Bounded by the hours and days the archive jobs may hold back (MAX_JOBS).
 */
export function liveHistory(state: HotState, sql: CoordinatorSql, days: DayRows, id: string): HistoryCarry | null {
  if (!state.hour) return null;
  const h = state.hour.h;
  const start = hourStartMs(h);
  const d = h.slice(0, 10);
  const from = Math.min(start - 24 * HOUR_MS, Date.parse(`${d}T00:00:00Z`));
  const column = (ids: readonly string[]) => ids.indexOf(id);
  const waitingDays = daysWaitingForMonth(state);
  // Rows from the first waiting day's start, when that is earlier than the 24 hours and today.
  const since = waitingDays.length ? Math.min(from, Date.parse(`${waitingDays[0]}T00:00:00Z`)) : from;

  // Raw points still in rows: the current hour's, and those of finished hours not yet folded into the archive.
  const byHour = new Map<string, RawHour>();
  const idsOf = new Map<string, string[] | null>([[h, state.hour.ids]]);
  for (const p of sql.points(since, start + HOUR_MS)) {
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

  const rows = sql.hourRollups(hourKeyOf(since), hourKeyOf(start - HOUR_MS));
  const projected: HourRollup[] = rows.flatMap((row) => {
    const rollup: Rollup | undefined = row.rollup[id];
    return rollup ? [{ h: row.h, m: { [id]: rollup } }] : [];
  });
  const dayacc = days.dayAccumulators();
  const pendingDays = waitingDays.map((day): DayObject => {
    const hours = projected.filter((row) => row.h.startsWith(day));
    const rollup = days.dayRollup(day)?.[id];
    return { v: 1, d: day, rollup: rollup ? { [id]: rollup } : dayRollupOf(dayacc, day, id, hours, waiting), hours };
  });
  return {
    v: 1,
    hour: current,
    hours: projected.filter((row) => row.h >= hourKeyOf(from)),
    today: { d, m: accumulatorsOf(dayacc, d, id, waiting) },
    windows: null,
    pending: { hours: pendingHours, days: pendingDays },
    pruned: { raw: null, days: addDays(d, -1) },
  };
}

/** Finished days whose month object is not written yet (their archive job has not passed its month step), oldest first. */
function daysWaitingForMonth(state: HotState): string[] {
  return state.meta.jobs.flatMap((job) => (job.kind === "day" && (job.step === "object" || job.step === "month") ? [job.d] : [])).sort();
}

/**
 * One monitor's accumulators of a day (none when the stored ones are another day's) with its finished hours whose
 * points are not folded yet, as the archive will count them.
 */
function accumulatorsOf(
  dayacc: DayAccumulators | null,
  day: string,
  id: string,
  waiting: readonly RawHour[],
): Record<string, DayAccumulator> {
  let m: Record<string, DayAccumulator> = dayacc?.d === day && dayacc.m[id] ? { [id]: dayacc.m[id] } : {};
  for (const hour of waiting) if (hour.h.startsWith(day)) m = foldHour(m, hour);
  return m;
}

/**
 * A waiting day's rollup for one monitor when its day object is not written yet: its accumulators with its unfolded
 * hours; else (accumulators lost or moved on) its hours' counts and max, as the day object step would.
 */
function dayRollupOf(
  dayacc: DayAccumulators | null,
  day: string,
  id: string,
  hours: readonly HourRollup[],
  waiting: readonly RawHour[],
): Rollups {
  if (dayacc?.d === day) return rollupsOfDay(accumulatorsOf(dayacc, day, id, waiting));
  const unfolded = waiting.filter((hour) => hour.h.startsWith(day));
  return rollupOfHours([...hours.map((row) => ({ rollup: row.m })), ...unfolded.map((hour) => ({ rollup: rollupHour(hour) }))]);
}
