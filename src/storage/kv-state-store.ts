import { StateSnapshot } from "../decide/snapshot";
import { parseStored } from "./parse-stored";
import type { ReadResult, StateStore } from "./types";

export const STATE_KEY = "state:v1";

/** Current state in KV. KV allows one write per second per key and 1,000 a day on Free: the tick decides when. */
export function kvStateStore(kv: KVNamespace): StateStore {
  return {
    async readState(): Promise<ReadResult<StateSnapshot>> {
      return parseStored(StateSnapshot, await kv.get(STATE_KEY, "text"));
    },
    async writeState(state) {
      await kv.put(STATE_KEY, JSON.stringify(state));
    },
  };
}
