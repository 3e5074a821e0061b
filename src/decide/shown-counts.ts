import type { TickResult } from "./decide-tick";

/** How many results the tick shows in each status (`{ up: 198, down: 2 }`), for its log line. */
export function shownCounts(results: readonly TickResult[]): Partial<Record<TickResult["shown"], number>> {
  const counts: Partial<Record<TickResult["shown"], number>> = {};
  for (const r of results) counts[r.shown] = (counts[r.shown] ?? 0) + 1;
  return counts;
}
