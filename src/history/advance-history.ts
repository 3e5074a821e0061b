import { foldHour, rollupsOfDay } from "./day-accumulator";
import { dayOfHour, dayObjectKey, HOUR_MS, hourKeyOf, hourStartMs, rawHourKey } from "./keys";
import { letterOf, rollupHour } from "./rollup";
import type { DayObject, HistoryCarry, HourObject, RawHour, TickSample } from "./schemas";

/** Raw ticks kept for one hour: one a minute from the cron, with room for retried or manual ticks. */
export const MAX_TICKS_PER_HOUR = 120;
/** Finished objects waiting to be written (a write failed); the oldest are dropped beyond these. */
export const MAX_PENDING_HOURS = 3;
export const MAX_PENDING_DAYS = 3;

export interface Advanced {
  /** Null only when there was no carry and the sample's time is unparsable. */
  carry: HistoryCarry | null;
  /** Keys of what this tick finished; the objects themselves are queued in `carry.pending` for persistHistory. */
  emitted: { hour: string | null; day: string | null };
  /** Why the sample was not added, if it was not. */
  ignored: string | null;
  /** Keys of unwritten objects dropped from the queue to keep the carry bounded. */
  dropped: string[];
}

export function emptyCarry(hour: string): HistoryCarry {
  return {
    v: 1,
    hour: { h: hour, ids: [], ticks: [] },
    hours: [],
    today: { d: dayOfHour(hour), m: {} },
    windows: null,
    pending: { hours: [], days: [] },
    pruned: { raw: null, days: null },
  };
}

/**
 * Adds one tick. Pure. A tick in a later hour first finishes the carry's hour (its raw ticks and rollup are queued as
 * `raw/YYYY-MM-DD/HH.json`) and, in a later day, the carry's day (queued as `days/YYYY-MM-DD.json`); gaps of any length
 * are fine. A tick for an hour before the carry's is ignored (its hour is already written), as is a second tick at
 * the same instant.
 */
export function advanceHistory(carry: HistoryCarry | null, sample: TickSample): Advanced {
  const tickMs = Date.parse(sample.tickAt);
  const result: Advanced = { carry, emitted: { hour: null, day: null }, ignored: null, dropped: [] };
  if (!Number.isFinite(tickMs)) return { ...result, ignored: `unparsable tickAt "${sample.tickAt}"` };
  const hour = hourKeyOf(tickMs);
  let next = carry ?? emptyCarry(hour);
  if (hour < next.hour.h) return { ...result, ignored: `tick in ${hour}, before the current hour ${next.hour.h}` };

  if (hour > next.hour.h) {
    const finished = finishHour(next, hour);
    next = finished.carry;
    result.emitted = finished.emitted;
    result.dropped = finished.dropped;
  }

  const offset = tickMs - hourStartMs(hour);
  const ticks = next.hour.ticks;
  if (ticks.some(([at]) => at === offset)) return { ...result, carry: next, ignored: `duplicate tick at ${sample.tickAt}` };
  if (ticks.length >= MAX_TICKS_PER_HOUR) return { ...result, carry: next, ignored: `more than ${MAX_TICKS_PER_HOUR} ticks in ${hour}` };

  const ids = [...next.hour.ids, ...Object.keys(sample.monitors).filter((id) => !next.hour.ids.includes(id))];
  const letters = ids.map((id) => (sample.monitors[id] ? letterOf(sample.monitors[id].status) : "-")).join("");
  const latencies = ids.map((id) => cleanLatency(sample.monitors[id]?.latencyMs));
  const at = ticks.findIndex(([t]) => t > offset);
  const tick: RawHour["ticks"][number] = [offset, letters, latencies];
  const newTicks = at < 0 ? [...ticks, tick] : [...ticks.slice(0, at), tick, ...ticks.slice(at)];
  return { ...result, carry: { ...next, hour: { h: hour, ids, ticks: newTicks } } };
}

function cleanLatency(latency: number | null | undefined): number | null {
  return typeof latency === "number" && Number.isFinite(latency) && latency >= 0 ? Math.round(latency) : null;
}

/** Closes the carry's hour (and day, when `nextHour` is in a later one) and opens `nextHour`. */
function finishHour(carry: HistoryCarry, nextHour: string): Pick<Advanced, "emitted" | "dropped"> & { carry: HistoryCarry } {
  const emitted: Advanced["emitted"] = { hour: null, day: null };
  const dropped: string[] = [];
  let pendingHours = carry.pending.hours;
  let pendingDays = carry.pending.days;
  let hours = carry.hours;
  let today = carry.today;

  if (carry.hour.ticks.length > 0) {
    const rollup = rollupHour(carry.hour);
    const object: HourObject = { v: 1, ...carry.hour, rollup };
    pendingHours = [...pendingHours.filter((p) => p.h !== object.h), object];
    emitted.hour = rawHourKey(object.h);
    hours = [...hours, { h: carry.hour.h, m: rollup }];
    today = { d: today.d, m: foldHour(today.m, carry.hour) };
  }

  const nextDay = dayOfHour(nextHour);
  if (nextDay !== today.d) {
    const object: DayObject = { v: 1, d: today.d, rollup: rollupsOfDay(today.m), hours: hours.filter((h) => dayOfHour(h.h) === today.d) };
    pendingDays = [...pendingDays.filter((p) => p.d !== object.d), object];
    emitted.day = dayObjectKey(object.d);
    today = { d: nextDay, m: {} };
  }

  const extraHours = Math.max(0, pendingHours.length - MAX_PENDING_HOURS);
  const extraDays = Math.max(0, pendingDays.length - MAX_PENDING_DAYS);
  dropped.push(...pendingHours.slice(0, extraHours).map((p) => rawHourKey(p.h)), ...pendingDays.slice(0, extraDays).map((p) => dayObjectKey(p.d)));
  pendingHours = pendingHours.slice(extraHours);
  pendingDays = pendingDays.slice(extraDays);

  const oldest = hourStartMs(nextHour) - 24 * HOUR_MS;
  return {
    emitted,
    dropped,
    carry: {
      ...carry,
      hour: { h: nextHour, ids: [], ticks: [] },
      hours: hours.filter((h) => hourStartMs(h.h) >= oldest),
      today,
      pending: { hours: pendingHours, days: pendingDays },
    },
  };
}
