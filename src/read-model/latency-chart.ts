import { DAY_MS, dayKeyOf, dayStartMs, HOUR_MS, hourKeyOf, hourStartMs } from "../history/keys";
import type { RawPoint, RollupPoint } from "../history/points";
import { exactPercentile } from "../history/rollup";
import type { Locale } from "./locale";

/**
 * A monitor's response times over one window, as the page of that monitor charts them: p50 and p95 per slot (every
 * tick of 15 minutes for 24 hours; the hours' rollups for 7 days; the days' for 30), scaled from zero to a round
 * number above the highest point, and the monitor's `degradedAfterMs` as a line. Pure.
 */

export type ChartWindow = "24h" | "7d" | "30d";

/** Each window's slots: how long, how many (the last holds now), and where its first starts. */
export const CHART_SLOTS: Record<ChartWindow, { slotMs: number; count: number; firstMs: (nowMs: number) => number }> = {
  "24h": { slotMs: 15 * 60_000, count: 96, firstMs: (nowMs) => Math.floor(nowMs / 900_000) * 900_000 - 95 * 900_000 },
  "7d": { slotMs: HOUR_MS, count: 168, firstMs: (nowMs) => hourStartMs(hourKeyOf(nowMs)) - 167 * HOUR_MS },
  "30d": { slotMs: DAY_MS, count: 30, firstMs: (nowMs) => dayStartMs(dayKeyOf(nowMs)) - 29 * DAY_MS },
};

/**
 * The threshold line is drawn to scale when it is at most this many times the highest point; a threshold far above
 * would flatten every point against the bottom, so it is then named beside the chart instead.
 */
const THRESHOLD_IN_SCALE = 3;

export interface LatencyChart {
  window: ChartWindow;
  /** Per slot, in [0, 1] of the scale (0 at the bottom); null where the slot has no response time. */
  p50: (number | null)[];
  p95: (number | null)[];
  /** The top of the scale in ms: a round number; null without a single point. */
  topMs: number | null;
  /** `degradedAfterMs` in [0, 1] of the scale when drawn; null when unset, off the chart, or the chart is empty. */
  threshold: number | null;
  /** The legend's word for the threshold (drawn, or named as above the chart); null when the monitor has none. */
  thresholdText: string | null;
  /** What the chart says, in words: its title for screen readers and hover. */
  summary: string;
}

type Slot = { p50: number | null; p95: number | null };

/** Every tick's response time of the last 24 hours, in 15-minute slots: each slot's p50 and p95 of its ticks. */
export function rawSlots(points: readonly RawPoint[], nowMs: number): { slots: Slot[]; all: number[] } {
  const { slotMs, count, firstMs } = CHART_SLOTS["24h"];
  const first = firstMs(nowMs);
  const bySlot: number[][] = Array.from({ length: count }, () => []);
  const all: number[] = [];
  for (const point of points) {
    const slot = Math.floor((Date.parse(point.at) - first) / slotMs);
    if (point.latencyMs === null || slot < 0 || slot >= count) continue;
    bySlot[slot]!.push(point.latencyMs);
    all.push(point.latencyMs);
  }
  const slots = bySlot.map((values) => {
    const sorted = values.sort((a, b) => a - b);
    return { p50: exactPercentile(sorted, 0.5), p95: exactPercentile(sorted, 0.95) };
  });
  return { slots, all: all.sort((a, b) => a - b) };
}

/** Hourly or daily rollups in their slots (a rollup's `at` is the start of its hour or day). */
export function rollupSlots(window: "7d" | "30d", points: readonly RollupPoint[], nowMs: number): Slot[] {
  const { slotMs, count, firstMs } = CHART_SLOTS[window];
  const first = firstMs(nowMs);
  const slots: Slot[] = Array.from({ length: count }, () => ({ p50: null, p95: null }));
  for (const point of points) {
    const slot = Math.round((Date.parse(point.at) - first) / slotMs);
    if (slot >= 0 && slot < count) slots[slot] = { p50: point.p50, p95: point.p95 };
  }
  return slots;
}

/** 1, 2, 2.5 or 5 times a power of ten: the smallest such number at or above `ms`. */
function roundUp(ms: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(1, ms)));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * power >= ms) ?? 10;
  return step * power;
}

/**
 * The chart of one window. `median`: the window's median response time (every tick's, for 24 hours; the slots'
 * medians' median for the rollups, whose ticks are no longer kept one by one).
 */
export function latencyChart(
  window: ChartWindow,
  slots: readonly Slot[],
  median: number | null,
  degradedAfterMs: number | null,
  l: Locale,
): LatencyChart {
  const { t } = l;
  const known = slots.flatMap((s) => [s.p50, s.p95]).filter((v): v is number => v !== null);
  const highest = known.length ? Math.max(...known) : null;
  const thresholdInScale = degradedAfterMs !== null && highest !== null && degradedAfterMs <= THRESHOLD_IN_SCALE * highest;
  const topMs = highest === null ? null : roundUp(Math.max(highest, thresholdInScale ? degradedAfterMs! : 0) * 1.1);
  const scaled = (v: number | null) => (v === null || topMs === null ? null : v / topMs);
  const medians = slots
    .map((s) => s.p50)
    .filter((v): v is number => v !== null)
    .sort((a, b) => a - b);
  const middle = median ?? exactPercentile(medians, 0.5);
  const peak = slots.reduce<number | null>((max, s) => (s.p95 !== null && (max === null || s.p95 > max) ? s.p95 : max), null);
  const span = t.uptimeWindows[window];
  return {
    window,
    p50: slots.map((s) => scaled(s.p50)),
    p95: slots.map((s) => scaled(s.p95)),
    topMs,
    threshold: thresholdInScale ? scaled(degradedAfterMs) : null,
    thresholdText:
      degradedAfterMs === null
        ? null
        : (thresholdInScale || highest === null ? t.chart.degradedAbove : t.chart.offChart)(l.ms(degradedAfterMs)),
    summary:
      middle === null || peak === null ? `${t.chart.heading[window]}: ${t.chart.empty}` : t.chart.summary(span, l.ms(middle), l.ms(peak)),
  };
}
