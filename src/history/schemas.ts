import * as z from "zod";

/**
 * Stored forms of history, validated on read like every other stored object: a truncated or hand-edited object is
 * treated as missing. Kept compact, because the carry rides in latest.json, which every tick reads and writes.
 */

export const HistoryStatus = z.enum(["up", "degraded", "down", "maintenance", "unknown"]);
export type HistoryStatus = z.infer<typeof HistoryStatus>;

/** One tick's results, as history keeps them. */
const TickSample = z.object({
  tickAt: z.string(),
  monitors: z.record(z.string(), z.object({ status: HistoryStatus, latencyMs: z.number().nullable() })),
});
export type TickSample = z.infer<typeof TickSample>;

const HourKey = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}$/, "must be an hour like 2026-11-28T21");
const DayKey = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a day like 2026-11-28");
const MonthKey = z.string().regex(/^\d{4}-\d{2}$/, "must be a month like 2026-11");
const Count = z.int().nonnegative();
const Latency = z.number().nonnegative().nullable();

/** Tick counts in a fixed order: up, degraded, down, maintenance, unknown. */
export const Counts = z.tuple([Count, Count, Count, Count, Count]);
export type Counts = z.infer<typeof Counts>;

/** A period's rollup of one monitor: the five counts, then latency p50, p95 and max (null without latencies). */
export const Rollup = z.tuple([Count, Count, Count, Count, Count, Latency, Latency, Latency]);
export type Rollup = z.infer<typeof Rollup>;

export const Rollups = z.record(z.string(), Rollup);
export type Rollups = z.infer<typeof Rollups>;

/**
 * One tick in compact form: milliseconds since the start of its hour, one status letter per monitor (in the order of
 * the hour's `ids`; `u` up, `d` degraded, `x` down, `m` maintenance, `n` unknown, `-` absent) and the latencies.
 */
const RawTick = z.tuple([z.int().min(0).max(3_599_999), z.string().regex(/^[udxmn-]*$/), z.array(Latency)]);
export type RawTick = z.infer<typeof RawTick>;

/** The raw ticks of one hour. */
export const RawHour = z.object({ h: HourKey, ids: z.array(z.string()), ticks: z.array(RawTick) });
export type RawHour = z.infer<typeof RawHour>;

/** `raw/YYYY-MM-DD/HH.json`: a finished hour's raw ticks and its rollup. */
export const HourObject = RawHour.extend({ v: z.literal(1), rollup: Rollups });
export type HourObject = z.infer<typeof HourObject>;

export const HourRollup = z.object({ h: HourKey, m: Rollups });
export type HourRollup = z.infer<typeof HourRollup>;

/** `days/YYYY-MM-DD.json`: a finished day's rollup and its hourly rollups. */
export const DayObject = z.object({ v: z.literal(1), d: DayKey, rollup: Rollups, hours: z.array(HourRollup) });
export type DayObject = z.infer<typeof DayObject>;

/** `months/YYYY-MM.json`: the daily rollups of one month (at most 31 entries). */
export const MonthObject = z.object({ v: z.literal(1), month: MonthKey, days: z.record(DayKey, Rollups) });
export type MonthObject = z.infer<typeof MonthObject>;

/** `summary.json`: per monitor the last 90 complete days (oldest first), what a status page draws as 90 bars. */
export const HistorySummary = z.object({
  v: z.literal(1),
  through: DayKey,
  days: z.array(DayKey),
  monitors: z.record(
    z.string(),
    z.object({ uptime90d: z.number().nullable(), uptime: z.array(z.number().nullable()), counts: z.array(Counts.nullable()) }),
  ),
});
export type HistorySummary = z.infer<typeof HistorySummary>;

/** Today's finished hours folded together: counts, exact max and a sparse log-scale latency histogram. */
export const DayAccumulator = z.object({
  c: Counts,
  max: Latency,
  /** Histogram as flat pairs [bucket, count, bucket, count, ...], buckets ascending. */
  b: z.array(z.int().nonnegative()),
});
export type DayAccumulator = z.infer<typeof DayAccumulator>;

/**
 * What rides inside latest.json between flushes, so it costs no R2 operation of its own: the current hour's raw
 * ticks, the last 24 hourly rollups, today's finished hours, the complete-day sums for the 7/30/90-day windows,
 * objects still to be written (retried each tick), and how far pruning has got.
 */
export const HistoryCarry = z.object({
  v: z.literal(1),
  hour: RawHour,
  /** Finished hours, oldest first, none older than 24 hours before the current one. */
  hours: z.array(HourRollup),
  today: z.object({ d: DayKey, m: z.record(z.string(), DayAccumulator) }),
  /** Sums of the complete days before `through + 1`: the last 6, 29 and 89 of them. */
  windows: z
    .object({ through: DayKey, d7: z.record(z.string(), Counts), d30: z.record(z.string(), Counts), d90: z.record(z.string(), Counts) })
    .nullable(),
  pending: z.object({ hours: z.array(HourObject), days: z.array(DayObject) }),
  pruned: z.object({ raw: DayKey.nullable(), days: DayKey.nullable() }),
});
export type HistoryCarry = z.infer<typeof HistoryCarry>;
