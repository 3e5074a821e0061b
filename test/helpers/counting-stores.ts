import { env } from "cloudflare:test";
import { r2HistoryStore } from "../../src/storage/r2-history-store";
import { r2IncidentStore } from "../../src/storage/r2-incident-store";
import { kvStateStore } from "../../src/storage/kv-state-store";
import { r2LatestStore } from "../../src/storage/r2-latest-store";
import type { Stores } from "../../src/storage/types";

/** The real KV and R2 stores of the test bindings, counting every operation the tick asks of them. */
export function countingStores() {
  const counts = { latestReads: 0, latestWrites: 0, stateReads: 0, stateWrites: 0, incidentWrites: 0 };
  const latest = r2LatestStore(env.HISTORY);
  const state = kvStateStore(env.STATE);
  const incidents = r2IncidentStore(env.HISTORY);
  const stores: Stores = {
    latest: {
      readLatest: () => (counts.latestReads++, latest.readLatest()),
      readLatestText: () => (counts.latestReads++, latest.readLatestText()),
      writeLatest: (text) => (counts.latestWrites++, latest.writeLatest(text)),
    },
    state: {
      readState: () => (counts.stateReads++, state.readState()),
      writeState: (s) => (counts.stateWrites++, state.writeState(s)),
    },
    incidents: { ...incidents, putIncident: (i) => (counts.incidentWrites++, incidents.putIncident(i)) },
    history: r2HistoryStore(env.HISTORY),
  };
  return { counts, ...stores };
}
