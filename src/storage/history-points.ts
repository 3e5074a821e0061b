import type * as z from "zod";
import type { Log } from "../core/log";
import { todaySoFar } from "../history/day-accumulator";
import { type HistoryStore, readObject } from "./r2-history-store";
import {
  addDays,
  dayKeyOf,
  dayObjectKey,
  dayStartMs,
  HOUR_MS,
  hourKeyOf,
  hourStartMs,
  monthKeyOf,
  monthObjectKey,
  monthsBetween,
  rawHourKey,
} from "../history/keys";
import { type RawPoint, rawPointsOf, type RollupPoint, rollupPoint } from "../history/points";
import { rollupHour } from "../history/rollup";
import { DayObject, type HistoryCarry, HourObject, MonthObject, type RawHour, type Rollups } from "../history/schemas";

/**
 * One monitor's history over [fromMs, toMs], from the stored objects and, for what is not written yet (the current
 * hour and day, and anything queued after a failed write), from the carry. Objects are read concurrently; a missing
 * or corrupt one is a gap, and one that cannot be read makes the answer `incomplete`. Never throws.
 */
export interface Points<P> {
  points: P[];
  incomplete: boolean;
}

interface Reader {
  read<T>(key: string, schema: z.ZodType<T>): Promise<T | null>;
  failed: boolean;
}

function readerOf(store: HistoryStore, log: Log): Reader {
  const reader: Reader = {
    failed: false,
    async read(key, schema) {
      try {
        const result = await readObject(store, key, schema);
        if (result.kind === "corrupt") log("warn", "history object is corrupt; read as missing", { key, reason: result.reason });
        return result.kind === "ok" ? result.value : null;
      } catch (error) {
        log("error", "history read failed", { key, error: String(error) });
        reader.failed = true;
        return null;
      }
    },
  };
  return reader;
}

/** One monitor's points between two times, from the stored objects and the live carry. */
export interface PointsQuery {
  store: HistoryStore;
  carry: HistoryCarry | null;
  id: string;
  fromMs: number;
  toMs: number;
  log: Log;
}

/** Every tick (raw resolution): the hour objects the range touches, at most 25 for 24 hours. */
export async function readRawPoints(query: PointsQuery): Promise<Points<RawPoint>> {
  const { store, carry, id, fromMs, toMs, log } = query;
  const reader = readerOf(store, log);
  const local = new Map<string, RawHour>((carry?.pending.hours ?? []).map((h) => [h.h, h]));
  if (carry) local.set(carry.hour.h, carry.hour);
  const hours: string[] = [];
  for (let t = hourStartMs(hourKeyOf(fromMs)); t <= toMs; t += HOUR_MS) hours.push(hourKeyOf(t));
  const found = await Promise.all(
    hours.map((h) => local.get(h) ?? (carry && h > carry.hour.h ? null : reader.read(rawHourKey(h), HourObject))),
  );
  return { points: found.flatMap((hour) => (hour ? rawPointsOf(hour, id, fromMs, toMs) : [])), incomplete: reader.failed };
}

/** Hourly rollups: the day objects the range touches (at most 32 for 31 days), and today's hours from the carry. */
export async function readHourPoints(query: PointsQuery): Promise<Points<RollupPoint>> {
  const { store, carry, id, fromMs, toMs, log } = query;
  const reader = readerOf(store, log);
  const byHour = new Map<string, Rollups>();
  const days: string[] = [];
  for (let d = dayKeyOf(fromMs); d <= dayKeyOf(toMs); d = addDays(d, 1)) days.push(d);
  const pendingDays = new Set(carry?.pending.days.map((d) => d.d));
  const stored = await Promise.all(
    days.filter((d) => !pendingDays.has(d) && !(carry && d >= carry.today.d)).map((d) => reader.read(dayObjectKey(d), DayObject)),
  );
  for (const day of [...stored, ...(carry?.pending.days ?? [])]) for (const hour of day?.hours ?? []) byHour.set(hour.h, hour.m);
  if (carry) {
    for (const hour of carry.hours) byHour.set(hour.h, hour.m);
    for (const hour of carry.pending.hours) byHour.set(hour.h, hour.rollup);
    if (carry.hour.ticks.length) byHour.set(carry.hour.h, rollupHour(carry.hour));
  }
  return { points: pointsOf(byHour, id, hourStartMs, hourStartMs(hourKeyOf(fromMs)), toMs), incomplete: reader.failed };
}

/** Daily rollups: the month objects the range touches (at most 15 for 400 days), and today so far from the carry. */
export async function readDayPoints(query: PointsQuery): Promise<Points<RollupPoint>> {
  const { store, carry, id, fromMs, toMs, log } = query;
  const reader = readerOf(store, log);
  const byDay = new Map<string, Rollups>();
  const months = monthsBetween(dayKeyOf(fromMs), dayKeyOf(toMs)).filter((m) => !carry || m <= monthKeyOf(carry.today.d));
  const stored = await Promise.all(months.map((m) => reader.read(monthObjectKey(m), MonthObject)));
  for (const month of stored) for (const [day, rollups] of Object.entries(month?.days ?? {})) byDay.set(day, rollups);
  if (carry) {
    for (const day of carry.pending.days) byDay.set(day.d, day.rollup);
    byDay.set(carry.today.d, todaySoFar(carry));
  }
  return { points: pointsOf(byDay, id, dayStartMs, dayStartMs(dayKeyOf(fromMs)), toMs), incomplete: reader.failed };
}

function pointsOf(
  byPeriod: Map<string, Rollups>,
  id: string,
  startOf: (key: string) => number,
  fromMs: number,
  toMs: number,
): RollupPoint[] {
  const out: RollupPoint[] = [];
  for (const [key, rollups] of [...byPeriod].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const rollup = rollups[id];
    const at = startOf(key);
    if (rollup && at >= fromMs && at <= toMs) out.push(rollupPoint(at, rollup));
  }
  return out;
}
