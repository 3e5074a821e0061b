import type { HistoryStore } from "../history/history-store";
import type { Incident } from "../incidents/types";
import type { LatestSnapshot, StateSnapshot } from "./snapshot";

/** What a read found: the value, nothing there, or something there that could not be trusted. */
export type ReadResult<T> = { kind: "ok"; value: T; etag?: string } | { kind: "missing" } | { kind: "corrupt"; reason: string };

export interface LatestStore {
  readLatest(): Promise<ReadResult<LatestSnapshot>>;
  /**
   * Writes the snapshot. With `ifMatch`, only when the stored object is still the one read with that etag: two
   * overlapping ticks cannot overwrite each other's newer state. Returns the new etag, or null when that condition
   * failed.
   */
  writeLatest(snapshot: LatestSnapshot, options?: { ifMatch?: string }): Promise<string | null>;
}

export interface IncidentPage {
  incidents: Incident[];
  cursor: string | null;
}

/** Every incident ever opened, one object each, newest first when listed. */
export interface IncidentStore {
  putIncident(incident: Incident): Promise<void>;
  getIncident(id: string): Promise<ReadResult<Incident>>;
  listIncidents(query: { status?: Incident["status"]; limit: number; cursor?: string }): Promise<IncidentPage>;
}

export interface StateStore {
  readState(): Promise<ReadResult<StateSnapshot>>;
  writeState(state: StateSnapshot): Promise<void>;
}

export interface Stores {
  latest: LatestStore;
  state: StateStore;
  incidents: IncidentStore;
  history: HistoryStore;
}
