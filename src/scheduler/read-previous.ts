import { carryOf } from "../history/read-carry";
import type { HistoryCarry } from "../history/schemas";
import type { MaintenanceWindow } from "../config/schema";
import type { IncidentState } from "../incidents/transition";
import type { Log } from "../log";
import type { CertificateTiers } from "../notify/certificate-events";
import { type DeliveryState, EMPTY_DELIVERY } from "../notify/delivery-state";
import type { LatestSnapshot } from "../storage/snapshot";
import type { Stores } from "../storage/types";
import type { PreviousStatus } from "./next-snapshot";

/** What a tick starts from: the last saved state, and the version (etag) its write must replace. */
export interface Previous {
  adminMaintenance: MaintenanceWindow[];
  certificateTiers: CertificateTiers;
  history: HistoryCarry | null;
  delivery: DeliveryState;
  statuses: Record<string, PreviousStatus>;
  kv: LatestSnapshot["kv"];
  incidents: IncidentState;
  unsavedIncidents: string[];
  tickAt: string | null;
  etag: string | undefined;
}

/** The last tick from R2; when that is missing or corrupt, the statuses and incidents from KV so neither is lost. */
export async function readPrevious(deps: Pick<Stores, "latest" | "state"> & { log: Log }): Promise<Previous> {
  const empty: Previous = { adminMaintenance: [], certificateTiers: {}, history: null, delivery: EMPTY_DELIVERY, statuses: {}, kv: null, incidents: { tracks: {}, incidents: [] }, unsavedIncidents: [], tickAt: null, etag: undefined };
  try {
    const latest = await deps.latest.readLatest();
    if (latest.kind === "ok") {
      const { monitors, kv, incidents, unsavedIncidents, tickAt, history, delivery, adminMaintenance, certificateTiers } = latest.value;
      return { adminMaintenance, certificateTiers, history: carryOf(history, deps.log), delivery, statuses: monitors, kv, incidents, unsavedIncidents, tickAt, etag: latest.etag };
    }
    if (latest.kind === "corrupt") deps.log("warn", "R2 latest is corrupt; starting from KV state", { reason: latest.reason });
  } catch (error) {
    deps.log("error", "R2 latest read failed", { error: String(error) });
  }
  try {
    const state = await deps.state.readState();
    if (state.kind === "ok") {
      // Streak counters are lost with the R2 object; open incidents are kept and re-attached to their monitors.
      const tracks: IncidentState["tracks"] = {};
      for (const incident of state.value.incidents.filter((i) => i.status === "open")) {
        for (const id of incident.monitorIds) {
          tracks[id] = { failStreak: 0, okStreak: 0, streakStart: incident.startedAt, worst: incident.impact === "minor" ? "degraded" : "down", lastRaw: null, flips: [], incidentId: incident.id };
        }
      }
      return { ...empty, statuses: state.value.monitors, incidents: { tracks, incidents: state.value.incidents } };
    }
    if (state.kind === "corrupt") deps.log("warn", "KV state is corrupt; starting fresh", { reason: state.reason });
  } catch (error) {
    deps.log("error", "KV state read failed", { error: String(error) });
  }
  return empty;
}
