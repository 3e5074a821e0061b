import type { Bindings } from "../env/deps";

/** Results land a few seconds after the cron fires. */
const LANDING_MS = 5_000;

/** The cron's period: one minute in wrangler.toml; `npm start --interval` sets TICK_INTERVAL_SECONDS for local runs. */
export function tickMsOf(env: Bindings): number {
  const seconds = Number((env as unknown as Record<string, unknown>)["TICK_INTERVAL_SECONDS"]);
  return Number.isFinite(seconds) && seconds >= 1 ? seconds * 1000 : 60_000;
}

/**
 * Seconds a response stays fresh: until the next tick's results are expected, between 1 and 60 s (and never longer
 * than a tick), so a client that polls every tick never waits on a cache holding the previous one. Stale data is
 * rechecked every 5 s at most.
 */
export function freshFor(updatedAt: string | null, stale: boolean, nowMs: number, tickMs = 60_000): number {
  const ceiling = Math.max(1, Math.min(60, Math.floor(tickMs / 1000)));
  if (stale || !updatedAt) return Math.min(5, ceiling);
  const next = Date.parse(updatedAt) + tickMs + LANDING_MS;
  return Math.min(ceiling, Math.max(Math.min(5, ceiling), Math.round((next - nowMs) / 1000)));
}
