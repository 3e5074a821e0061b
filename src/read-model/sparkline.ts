import { HOUR_MS, hourKeyOf, hourStartMs } from "../history/keys";
import type { Locale } from "./locale";
import type { PageCarry } from "./page-carry";

/** The status page's latency sparkline, one per monitor. Pure. */

export interface Sparkline {
  /** Points in [0, 1] × [0, 1] (y up), null where there is no data; evenly spaced. */
  points: (number | null)[];
  /** Median latency of the newest point, and the range drawn. */
  lastMs: number | null;
  minMs: number;
  maxMs: number;
  label: string;
}

/**
 * Median latency per hour over the last 24 hours (the finished hours' p50, and the current hour's ticks). With fewer
 * than two such hours (a new deployment), the current hour's ticks one by one instead.
 */
export function sparkline(carry: PageCarry | null, id: string, nowMs: number, l: Locale): Sparkline | null {
  if (!carry) return null;
  const currentHour = hourKeyOf(nowMs);
  const slots = 25;
  const firstSlotMs = hourStartMs(currentHour) - (slots - 1) * HOUR_MS;
  const hourly: (number | null)[] = new Array(slots).fill(null);
  const put = (hour: string, value: number | null | undefined) => {
    const slot = Math.round((hourStartMs(hour) - firstSlotMs) / HOUR_MS);
    if (slot >= 0 && slot < slots && typeof value === "number") hourly[slot] = value;
  };
  for (const hour of carry.hours) put(hour.h, hour.m[id]?.[5]);
  const column = carry.hour.ids.indexOf(id);
  const ticks = column < 0 ? [] : carry.hour.ticks.map(([, , latencies]) => latencies[column] ?? null);
  const current = ticks.filter((v): v is number => typeof v === "number").sort((a, b) => a - b);
  if (current.length > 0) put(carry.hour.h, current[Math.ceil(current.length / 2) - 1]);

  const useHours = hourly.filter((v) => v !== null).length >= 2;
  const values = useHours ? hourly : ticks;
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return null;
  const minMs = Math.min(...known);
  const maxMs = Math.max(...known);
  // From zero, so that a few milliseconds of jitter do not look like a storm.
  const top = maxMs > 0 ? maxMs * 1.1 : 1;
  const lastMs = [...values].reverse().find((v): v is number => v !== null) ?? null;
  const { t } = l;
  const window = useHours ? t.last24h : t.thisHour;
  const range = minMs === maxMs ? l.ms(minMs) : t.range(l.ms(minMs), l.ms(maxMs));
  return {
    points: values.map((v) => (v === null ? null : v / top)),
    lastMs,
    minMs,
    maxMs,
    label: t.responseTime(window, range),
  };
}
