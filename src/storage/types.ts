import type { LatestSnapshot, StateSnapshot } from "./snapshot";

/** What a read found: the value, nothing there, or something there that could not be trusted. */
export type ReadResult<T> = { kind: "ok"; value: T } | { kind: "missing" } | { kind: "corrupt"; reason: string };

export interface LatestStore {
  readLatest(): Promise<ReadResult<LatestSnapshot>>;
  writeLatest(snapshot: LatestSnapshot): Promise<void>;
}

export interface StateStore {
  readState(): Promise<ReadResult<StateSnapshot>>;
  writeState(state: StateSnapshot): Promise<void>;
}

export interface Stores {
  latest: LatestStore;
  state: StateStore;
}
