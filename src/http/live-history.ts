import { coordinatorOf } from "../coordinator/coordinator";
import { consoleLog } from "../core/log";
import type { Bindings } from "../env/deps";
import type { HistoryCarry } from "../history/schemas";

/**
 * One monitor's history that is not archived yet (the current hour, today, archives still queued), from the
 * coordinator: the carry the history readers (src/storage/history-points.ts) complete the R2 objects with. The
 * history API and the page of a monitor read it; `failed` when the coordinator could not answer.
 */
export async function liveHistoryOf(env: Bindings, id: string): Promise<{ carry: HistoryCarry | null; failed: boolean }> {
  try {
    const live = await coordinatorOf(env).liveHistory(env.EDGEWATCH_CONFIG ?? null, id);
    return { carry: live && "errors" in live ? null : (live as HistoryCarry | null), failed: false };
  } catch (error) {
    consoleLog("error", "coordinator history read failed", { error: String(error) });
    return { carry: null, failed: true };
  }
}
