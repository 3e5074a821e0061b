import type { HistoryStore } from "./r2-history-store";
import type { Incident } from "../incidents/types";
import type { LatestView } from "./latest-object";
import type { ReadResult } from "./parse-stored";
import type { StateSnapshot } from "../decide/snapshot";

/** What a read found: the value, nothing there, or something there that could not be trusted. */
export type { ReadResult } from "./parse-stored";

/** latest.json: written by the coordinator only (one writer, so no compare-and-swap), read by every public face. */
export interface LatestStore {
  readLatest(): Promise<ReadResult<LatestView>>;
  /** The stored text as it is (the first run after an upgrade imports the previous version's state from it). */
  readLatestText(): Promise<string | null>;
  writeLatest(text: string): Promise<void>;
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
  /** Deletes up to 1,000 resolved incidents that started before `beforeMs` (one listing); returns how many. */
  pruneIncidents(beforeMs: number): Promise<number>;
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
