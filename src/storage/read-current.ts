import type { Log } from "../core/log";
import type { LatestView } from "./latest-object";
import type { StateSnapshot } from "../decide/snapshot";
import type { ReadResult, Stores } from "./types";

async function safely<T>(what: string, read: () => Promise<ReadResult<T>>, log: Log): Promise<T | null> {
  try {
    const result = await read();
    if (result.kind === "ok") return result.value;
    if (result.kind === "corrupt") log("warn", `${what} is corrupt`, { reason: result.reason });
  } catch (error) {
    log("error", `${what} read failed`, { error: String(error) });
  }
  return null;
}

/** What the read side serves from: the latest tick from R2, or, only when that fails, the KV state. Never throws. */
export async function readCurrent(stores: Stores, log: Log): Promise<{ latest: LatestView | null; state: StateSnapshot | null }> {
  const latest = await safely("R2 latest", () => stores.latest.readLatest(), log);
  if (latest) return { latest, state: null };
  return { latest: null, state: await safely("KV state", () => stores.state.readState(), log) };
}
