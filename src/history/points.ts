import { hourStartMs } from "./keys";
import { statusOfLetter, uptimePercent } from "./rollup";
import type { HistoryStatus, RawHour, Rollup } from "./schemas";

/** What the history API returns per point. Pure. */

export interface RawPoint {
  at: string;
  status: HistoryStatus;
  latencyMs: number | null;
}

export interface RollupPoint {
  at: string;
  up: number;
  degraded: number;
  down: number;
  maintenance: number;
  unknown: number;
  uptime: number | null;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

/** One monitor's ticks of an hour that fall in [fromMs, toMs]. */
export function rawPointsOf(hour: RawHour, id: string, fromMs: number, toMs: number): RawPoint[] {
  const index = hour.ids.indexOf(id);
  if (index < 0) return [];
  const start = hourStartMs(hour.h);
  const out: RawPoint[] = [];
  for (const [offset, letters, latencies] of hour.ticks) {
    const at = start + offset;
    const status = statusOfLetter(letters[index]);
    if (status && at >= fromMs && at <= toMs) out.push({ at: new Date(at).toISOString(), status, latencyMs: latencies[index] ?? null });
  }
  return out;
}

export function rollupPoint(atMs: number, rollup: Rollup): RollupPoint {
  const [up, degraded, down, maintenance, unknown, p50, p95, max] = rollup;
  return { at: new Date(atMs).toISOString(), up, degraded, down, maintenance, unknown, uptime: uptimePercent(rollup), p50, p95, max };
}
