import type { Counts } from "../history/schemas";

/** The parts of latest.json's `history` carry the status page reads (see src/http/page-data.ts). */
export interface PageCarry {
  /** The current hour: its monitor ids and raw ticks `[ms into the hour, status letters, latencies]`. */
  hour: { h: string; ids: string[]; ticks: [number, string, (number | null)[]][] };
  /** Finished hours (oldest first), per monitor `[up, degraded, down, maintenance, unknown, p50, p95, max]`. */
  hours: { h: string; m: Record<string, readonly (number | null)[]> }[];
  /** Today's finished hours folded together, per monitor: `c` the five counts. */
  today: { d: string; m: Record<string, { c: Counts }> };
}

/** A tick's status letter per monitor, in the order of `Counts`: up, degraded, down (x), maintenance, unknown (n). */
const LETTERS = "udxmn";

/** One monitor's counts over the current hour's ticks so far; null when it has none there. */
export function hourCounts(hour: PageCarry["hour"], id: string): Counts | null {
  const column = hour.ids.indexOf(id);
  if (column < 0) return null;
  const counts: Counts = [0, 0, 0, 0, 0];
  let seen = false;
  for (const [, letters] of hour.ticks) {
    const k = LETTERS.indexOf(letters[column] ?? "-");
    if (k < 0) continue;
    counts[k]! += 1;
    seen = true;
  }
  return seen ? counts : null;
}
