/** The cron fires every minute; results land a few seconds later. */
const TICK_MS = 60_000;
const LANDING_MS = 5_000;

/**
 * Seconds a response stays fresh: until the next tick's results are expected, between 5 and 60 s, so a client that
 * polls every minute never waits on a cache holding the previous minute. Stale data is rechecked every 5 s.
 */
export function freshFor(updatedAt: string | null, stale: boolean, nowMs: number): number {
  if (stale || !updatedAt) return 5;
  const next = Date.parse(updatedAt) + TICK_MS + LANDING_MS;
  return Math.min(60, Math.max(5, Math.round((next - nowMs) / 1000)));
}
