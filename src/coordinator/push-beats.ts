import type { PushMonitor } from "../config/push-monitor";
import { capProbeTexts } from "../probes/cap-texts";
import type { CollectedResult } from "../probes/probe-batch";
import { Beat, judgePush, type StoredBeat } from "../probes/push";
import type { BeatRow } from "../storage/coordinator-sql";
import type { WriterDeps } from "./writer-deps";

/** A stored beat read back; a row that no longer parses counts as no beat (the next one replaces it). */
function storedBeat(row: BeatRow | undefined): StoredBeat | null {
  if (!row) return null;
  try {
    const beat = Beat.safeParse(JSON.parse(row.beat));
    return beat.success ? { at: row.at, beat: beat.data } : null;
  } catch {
    return null;
  }
}

/**
 * This tick's results of the push monitors: what each one's last beat said, or down when it is too old, judged at
 * the writer's clock (the clock the beats were stamped with). No request: the beats are rows of the writer's own.
 * Rows of monitors no longer configured are dropped here, so the table never outgrows the config.
 */
export function pushResults(deps: Pick<WriterDeps, "config" | "sql">, nowMs: number): CollectedResult[] {
  const monitors = deps.config.monitors.filter((m): m is PushMonitor => m.type === "push");
  const rows = deps.sql.beats();
  const ids = new Set(monitors.map((m) => m.id));
  if (rows.some((r) => !ids.has(r.id))) deps.sql.deleteBeatsExcept([...ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return monitors.map((m) => capProbeTexts(judgePush(m, storedBeat(byId.get(m.id)), nowMs)));
}
