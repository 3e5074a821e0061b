import type { Log } from "../log";
import { LATEST_KEY } from "../storage/r2-latest-store";
import type { HistoryStore } from "./history-store";
import { HistoryCarry } from "./schemas";

/**
 * The carry as the last tick left it: the `history` field of latest.json, validated on its own so that neither a
 * LatestSnapshot schema without the field (it would be stripped) nor a problem elsewhere in the snapshot loses it.
 * Missing, corrupt or unreadable: null (logged), and `failed` when the store threw.
 */
export async function readCarry(store: HistoryStore, log: Log): Promise<{ carry: HistoryCarry | null; failed: boolean }> {
  let text: string | null;
  try {
    text = await store.get(LATEST_KEY);
  } catch (error) {
    log("error", "R2 latest read failed", { error: String(error) });
    return { carry: null, failed: true };
  }
  if (text === null) return { carry: null, failed: false };
  let history: unknown;
  try {
    history = (JSON.parse(text) as { history?: unknown } | null)?.history;
  } catch {
    log("warn", "R2 latest is corrupt; history without the current hour");
    return { carry: null, failed: false };
  }
  return { carry: carryOf(history, log), failed: false };
}

/** A stored carry validated, or null when there is none or it does not validate (logged). */
export function carryOf(value: unknown, log: Log): HistoryCarry | null {
  if (value === undefined || value === null) return null;
  const parsed = HistoryCarry.safeParse(value);
  if (!parsed.success) log("warn", "history carry is corrupt; history starts afresh", { reason: parsed.error.issues[0]?.message ?? "invalid" });
  return parsed.success ? parsed.data : null;
}
