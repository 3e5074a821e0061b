import type { Config, MaintenanceWindow, Monitor } from "../config/schema";
import { carryOf } from "../history/read-carry";
import { recordTick, tickSampleOf } from "../history/record-tick";
import type { HistoryCarry } from "../history/schemas";
import { uptimeOf } from "../history/uptime-of";
import { maintenanceNow } from "../incidents/maintenance";
import { deliverClaimed, renewAlertmanagerLeases } from "../notify/deliver";
import { type DeliveryState, EMPTY_DELIVERY } from "../notify/delivery-state";
import { type CertificateTiers, certificateEvents } from "../notify/certificate-events";
import { claimDue, enqueue, recordOutcomes } from "../notify/outbox";
import { planNotifications } from "../notify/plan";
import { type IncidentState, type Observation, transition } from "../incidents/transition";
import type { IncidentEvent } from "../incidents/types";
import type { Log } from "../log";
import type { ProbeDeps } from "../probes/types";
import type { LatestSnapshot } from "../storage/snapshot";
import type { Stores } from "../storage/types";
import { fingerprintOf, nextMonitors, type PreviousStatus, shouldWriteKv, stateOf, type TickResult } from "./next-snapshot";
import { type Collected, probeBatch } from "./probe-batch";

/** Subrequests kept back from the probes for storage, notifications and lease renewals. */
export const RESERVED_SUBREQUESTS = 12;
const MAX_NOTIFICATIONS_PER_TICK = 10;
const STORAGE_SUBREQUESTS = 2;

/** Notifications this tick may send, from what the probes left of the invocation's subrequests; the rest wait. */
export function notificationBudget(limit: number, probeSubrequests: number): number {
  return Math.max(0, Math.min(MAX_NOTIFICATIONS_PER_TICK, limit - STORAGE_SUBREQUESTS - probeSubrequests));
}

/** Gets this tick's results: probes in this invocation by default, or shards elsewhere (src/shards). */
export type Collect = (monitors: readonly Monitor[]) => Promise<Collected>;

export interface TickDeps extends Stores {
  config: Config;
  probe: ProbeDeps;
  log: Log;
  collect?: Collect;
}

export interface TickSummary {
  tickAt: string;
  /** Why nothing was done: a tick for this minute (or a later one) already ran, or another tick wrote first. */
  skipped: "duplicate" | "overlap" | null;
  durationMs: number;
  results: TickResult[];
  events: IncidentEvent[];
  wroteLatest: boolean;
  wroteState: boolean;
}

interface Previous {
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

/**
 * config → probes (≤ 6 at once) → incidents (pure) → R2 incidents, R2 latest (compare-and-swap), KV on change.
 * Storage failures are logged, never thrown: the next tick starts from whatever was saved.
 */
export async function runTick(deps: TickDeps, scheduledTime: number): Promise<TickSummary> {
  const { log, config } = deps;
  const tickAt = new Date(scheduledTime).toISOString();
  const started = deps.probe.now();
  const summary = (fields: Partial<TickSummary>): TickSummary => ({
    tickAt,
    skipped: null,
    durationMs: Math.round(deps.probe.now() - started),
    results: [],
    events: [],
    wroteLatest: false,
    wroteState: false,
    ...fields,
  });

  const previous = await readPrevious(deps);
  if (previous.tickAt && Date.parse(previous.tickAt) >= scheduledTime) {
    log("warn", "tick skipped: this minute or a later one already ran", { tickAt, lastTickAt: previous.tickAt });
    return summary({ skipped: "duplicate" });
  }

  // Windows from the admin API count like the config's; one-off windows that have ended are dropped.
  const adminMaintenance = previous.adminMaintenance.filter((w) => w.end === undefined || Date.parse(w.end) > scheduledTime);
  const maintenance = maintenanceNow({ monitors: config.monitors, maintenance: [...config.maintenance, ...adminMaintenance] }, scheduledTime);
  const collect: Collect = deps.collect ?? ((monitors) => probeBatch(monitors, deps.probe, config.limits.subrequests - RESERVED_SUBREQUESTS, config.limits.subrequests));
  const collected = await collect(config.monitors);
  const subrequests = collected.subrequests;
  const results: TickResult[] = collected.results.map(({ unknown, ...result }) => {
    if (unknown) return { ...result, shown: "unknown" as const };
    const window = maintenance.get(result.monitorId);
    return window ? { ...result, shown: "maintenance" as const, message: `maintenance: ${window.title} (${result.message})` } : { ...result, shown: result.status };
  });
  for (const r of results) {
    if (r.error && r.shown !== "maintenance") log("warn", "probe not up", { monitor: r.monitorId, status: r.status, phase: r.error.phase, detail: r.error.detail });
  }

  const observations: Observation[] = results.map((r) => ({ monitorId: r.monitorId, status: r.shown, message: r.message, phase: r.error?.phase ?? null }));
  const next = transition(previous.incidents, observations, config, scheduledTime);
  for (const e of next.events) log("info", e.type, { incident: e.incidentId, monitors: e.monitorIds, reason: e.reason });

  const planned = planNotifications({
    config,
    events: next.events,
    incidents: next.state.incidents,
    delivery: previous.delivery,
    inMaintenance: new Set(maintenance.keys()),
    nowMs: scheduledTime,
  });
  const certificates = certificateEvents(config, results, previous.certificateTiers, new Set(maintenance.keys()), scheduledTime);
  const queued = enqueue(planned, certificates.deliveries, new Date(scheduledTime).toISOString());
  const { state: delivery, claimed } = claimDue(queued, scheduledTime, notificationBudget(config.limits.subrequests, subrequests));

  // Incident objects first: they are idempotent by id, so a tick that then loses the race below did no harm.
  const toSave = [...next.changed, ...next.state.incidents.filter((i) => previous.unsavedIncidents.includes(i.id) && !next.changed.includes(i))];
  const unsaved: string[] = [];
  await Promise.all(
    toSave.map((incident) =>
      deps.incidents.putIncident(incident).catch((error) => {
        unsaved.push(incident.id);
        log("error", "R2 incident write failed", { incident: incident.id, error: String(error) });
      }),
    ),
  );

  const monitors = nextMonitors(results, previous.statuses, tickAt);
  const history = await recordTick(deps.history, previous.history, tickSampleOf(tickAt, monitors), { log, rawRetentionDays: config.history.rawRetentionDays });
  const finished = deps.probe.now();
  const fingerprint = fingerprintOf(monitors, next.state.incidents);
  let kv = previous.kv;
  let wroteState = false;
  if (shouldWriteKv(fingerprint, previous.kv, finished)) {
    try {
      await deps.state.writeState(stateOf(monitors, next.state.incidents, tickAt));
      kv = { fingerprint, writtenAt: new Date(finished).toISOString() };
      wroteState = true;
    } catch (error) {
      log("error", "KV state write failed", { error: String(error) });
    }
  }

  const snapshot: LatestSnapshot = {
    version: 1,
    tickAt,
    durationMs: Math.round(finished - started),
    monitors,
    kv,
    incidents: next.state,
    unsavedIncidents: unsaved,
    uptime: uptimeOf(history ?? null, scheduledTime),
    history,
    delivery,
    adminMaintenance,
    certificateTiers: certificates.tiers,
  };
  let etag: string | null = null;
  try {
    etag = await deps.latest.writeLatest(snapshot, previous.etag ? { ifMatch: previous.etag } : {});
    if (etag === null) {
      log("warn", "tick lost a race with an overlapping tick; its results are dropped", { tickAt });
      return summary({ skipped: "overlap", results, events: next.events, wroteState });
    }
  } catch (error) {
    log("error", "R2 latest write failed", { error: String(error) });
  }
  const wroteLatest = etag !== null;

  // Only a tick whose claims were saved sends: an overlapping tick never sends the same thing twice.
  let notified = 0;
  if (wroteLatest) {
    const sendDeps = { fetch: deps.probe.fetch, secret: deps.probe.secret, now: deps.probe.now };
    if (claimed.length) {
      const outcomes = await deliverClaimed(config, claimed, sendDeps, log);
      notified = [...outcomes.values()].filter((o) => o.ok).length;
      try {
        await deps.latest.writeLatest({ ...snapshot, delivery: recordOutcomes(delivery, outcomes, scheduledTime) }, { ifMatch: etag! });
      } catch (error) {
        log("error", "R2 latest write after notifying failed; unconfirmed sends will not be repeated", { error: String(error) });
      }
    }
    await renewAlertmanagerLeases(config, next.state.incidents, scheduledTime, sendDeps, log);
  }

  const counts = results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.shown]: (acc[r.shown] ?? 0) + 1 }), {});
  log("info", "tick done", { tickAt, durationMs: snapshot.durationMs, monitors: results.length, ...counts, events: next.events.length, notified, wroteState, wroteLatest });
  return summary({ durationMs: snapshot.durationMs, results, events: next.events, wroteLatest, wroteState });
}

/** The last tick from R2; when that is missing or corrupt, the statuses and incidents from KV so neither is lost. */
async function readPrevious(deps: TickDeps): Promise<Previous> {
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
