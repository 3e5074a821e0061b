import type { Config, MaintenanceWindow } from "../config/schema";
import { expireAlerts } from "../incidents/alertmanager-expiry";
import { maintenanceNow } from "../incidents/maintenance";
import { type IncidentState, type Observation, type Transition, transition } from "../incidents/transition";
import type { Incident, IncidentEvent } from "../incidents/types";
import { type CertificateTiers, certificateEvents } from "../notify/certificate-events";
import type { DeliveryState, OutboxEntry } from "../notify/delivery-state";
import { claimDue, type Dropped, enqueue } from "../notify/outbox";
import { maintenanceEvents } from "../notify/maintenance-events";
import { notificationBudget } from "../notify/notification-budget";
import { planNotifications } from "../notify/plan";
import { sloStep } from "../notify/slo-alerts";
import type { StateSnapshot } from "./snapshot";
import type { CollectedResult } from "../probes/probe-batch";
import { decodeShown, encodeShown } from "./compact-result";
import type { HotState, KeptResult, ShownResult } from "./hot-state";
import type { MinuteEntry } from "./minute-history";

/** KV is rewritten at most this often, so even a monitor that flips every minute stays under 1,000 writes a day. */
export const MIN_KV_WRITE_INTERVAL_MS = 120_000;

/** A result of this tick as shown: probed now, `unknown` when it could not be, `maintenance` in a window. */
export type TickResult = CollectedResult & { shown: KeptResult["status"] };

export interface TickDecision {
  /** Every monitor's result after this tick: probed now, or kept from before (its interval has not come round). */
  results: Record<string, KeptResult>;
  /** This tick's probes as shown. */
  probed: TickResult[];
  incidents: IncidentState;
  changed: Incident[];
  events: IncidentEvent[];
  delivery: DeliveryState;
  /** Outbox entries this tick sends, already marked claimed in `delivery`. */
  claimed: OutboxEntry[];
  /** What the outbox cap dropped this tick, for the caller to log; null when nothing was. */
  dropped: Dropped | null;
  certificateTiers: CertificateTiers;
  adminMaintenance: MaintenanceWindow[];
  /** Every SLO's running counts after this minute. */
  slo: HotState["slo"];
  /** Every monitor's minute for history. */
  minute: MinuteEntry[];
  /** The KV copy to write, when the state that matters changed and the last write is old enough. */
  kv: { state: StateSnapshot; fingerprint: string } | null;
}

/** What KV holds: statuses and since when. Latency and wording are left out, so they never cost a KV write. */
function stateOf(results: Record<string, KeptResult>, incidents: Incident[], updatedAt: string): StateSnapshot {
  const monitors: StateSnapshot["monitors"] = {};
  for (const [id, m] of Object.entries(results))
    monitors[id] = { status: m.status, since: m.since, message: m.message, checkedAt: m.checkedAt };
  return { version: 1, updatedAt, monitors, incidents };
}

/** A result kept for the writer, with its JSON for latest.json made once. */
export function keep(shown: ShownResult, raw: KeptResult["raw"], said: string): KeptResult {
  return {
    status: shown.status,
    since: shown.since,
    checkedAt: shown.checkedAt,
    message: shown.message,
    raw,
    said,
    json: encodeShown(shown),
  };
}

/** Changes whenever a status or an incident changes, and never for a latency or a timestamp. */
function fingerprintOf(results: Record<string, Pick<KeptResult, "status" | "since">>, incidents: readonly Incident[]): string {
  // In the order the writer made them (the config's): stable from tick to tick, so no sort is needed.
  const statuses = Object.keys(results).map((id) => `${id}=${results[id]?.status}@${results[id]?.since}`);
  const incidentKeys = incidents.map((i) => `${i.id}:${i.status}:${i.impact}:${i.severity}:${i.flapping}:${i.updates.length}`);
  return [...statuses, ...incidentKeys].join(";");
}

function kvDue(fingerprint: string, previous: HotState["meta"]["kv"], nowMs: number): boolean {
  if (!previous) return true;
  if (previous.fingerprint === fingerprint) return false;
  const last = Date.parse(previous.writtenAt);
  return !Number.isFinite(last) || nowMs - last >= MIN_KV_WRITE_INTERVAL_MS;
}

type Maintenance = Map<string, MaintenanceWindow>;

/**
 * The tick's decision, pure: maintenance, what each monitor shows (its probe now, or its kept result), the incident
 * state machine on what was probed, the notifications that follow, certificate tiers, history's minute and whether
 * KV needs the new state. Nothing is written here; the caller commits all of it at once, then sends `claimed`.
 */
export function decideTick(
  config: Config,
  hot: HotState,
  collected: readonly CollectedResult[],
  scheduledTime: number,
  nowMs: number,
): TickDecision {
  const tickAt = new Date(scheduledTime).toISOString();
  // Windows from the admin API count like the config's; one-off windows that have ended are dropped.
  const adminMaintenance = hot.meta.adminMaintenance.filter((w) => w.end === undefined || Date.parse(w.end) > scheduledTime);
  const maintenance = maintenanceNow(
    { monitors: config.monitors, maintenance: [...config.maintenance, ...adminMaintenance] },
    scheduledTime,
  );
  const shown = showProbes(collected, maintenance);
  const { results, minute } = resultsAfter(config, hot, shown, maintenance, tickAt);
  const probed = [...shown.probedById.values()];
  const incidents = decideIncidents(config, hot, probed, scheduledTime);

  const inMaintenance = new Set(maintenance.keys());
  const planned = planNotifications({
    config,
    events: incidents.events,
    incidents: incidents.state.incidents,
    delivery: hot.delivery,
    inMaintenance,
    nowMs: scheduledTime,
  });
  const certificates = certificateEvents(config, probed, hot.meta.certificateTiers, inMaintenance, scheduledTime);
  const certificateTiers = tiersAfter(certificates.tiers, hot.meta.certificateTiers, shown.probedById, results);
  // Every admin window, ended ones too: a window that just ended is news.
  const lastTickMs = hot.meta.lastTickAt === null ? null : Date.parse(hot.meta.lastTickAt);
  const windows = maintenanceEvents(config, [...config.maintenance, ...hot.meta.adminMaintenance], lastTickMs, scheduledTime);
  const slo = sloStep(config, hot.slo, minute, scheduledTime);
  const queued = enqueue(planned, [...certificates.deliveries, ...windows, ...slo.deliveries], tickAt);
  const { state: delivery, claimed, dropped } = claimDue(queued, scheduledTime, notificationBudget(config));

  const kv = kvCopy(results, incidents.state.incidents, hot.meta.kv, nowMs, tickAt);
  return {
    results,
    probed,
    incidents: incidents.state,
    changed: incidents.changed,
    events: incidents.events,
    delivery,
    claimed,
    dropped,
    certificateTiers,
    adminMaintenance,
    slo: slo.tracks,
    minute,
    kv,
  };
}

/** What a monitor shows for a status: that status, or `maintenance` (saying which window) while one is in force. */
function shownOf(maintenance: Maintenance, id: string, raw: KeptResult["status"], message: string) {
  const window = maintenance.get(id);
  return window ? { shown: "maintenance" as const, message: `maintenance: ${window.title} (${message})` } : { shown: raw, message };
}

/** This tick's probes as shown, by monitor, and the message each probe itself gave. */
interface ShownProbes {
  probedById: Map<string, TickResult>;
  collectedMessage: Map<string, string>;
}

function showProbes(collected: readonly CollectedResult[], maintenance: Maintenance): ShownProbes {
  const probedById = new Map<string, TickResult>();
  const collectedMessage = new Map<string, string>();
  for (const { unknown, ...result } of collected) {
    collectedMessage.set(result.monitorId, result.message);
    const view = unknown
      ? { shown: "unknown" as const, message: result.message }
      : shownOf(maintenance, result.monitorId, result.status, result.message);
    probedById.set(result.monitorId, { ...result, ...view, ...(unknown ? { unknown } : {}) } as TickResult);
  }
  return { probedById, collectedMessage };
}

/** Every configured monitor's result after this tick, and its minute for history; one never probed has neither. */
function resultsAfter(
  config: Config,
  hot: HotState,
  { probedById, collectedMessage }: ShownProbes,
  maintenance: Maintenance,
  tickAt: string,
): { results: Record<string, KeptResult>; minute: MinuteEntry[] } {
  const results: Record<string, KeptResult> = {};
  const minute: MinuteEntry[] = [];
  for (const monitor of config.monitors) {
    const before = hot.results[monitor.id];
    const now = probedById.get(monitor.id);
    let next: KeptResult;
    if (now) next = probedResult(before, now, collectedMessage.get(monitor.id) ?? now.message, tickAt);
    else if (before) next = keptResult(before, maintenance, monitor.id, tickAt);
    else continue;
    results[monitor.id] = next;
    minute.push({ id: monitor.id, status: next.status, latencyMs: now && !now.unknown ? now.latencyMs : null });
  }
  return { results, minute };
}

/** What a kept result whose JSON was unreadable still says. */
function emptyShown(before: KeptResult): ShownResult {
  return { status: before.status, latencyMs: null, checkedAt: before.checkedAt, message: before.message, details: {}, since: before.since };
}

/** A monitor probed this tick: its probe as shown, since when it has shown that status. */
function probedResult(before: KeptResult | undefined, now: TickResult, said: string, tickAt: string): KeptResult {
  const raw = now.unknown ? null : now.status;
  const since = before && before.status === now.shown ? before.since : tickAt;
  const shown: ShownResult = {
    status: now.shown,
    latencyMs: now.latencyMs,
    checkedAt: now.checkedAt,
    message: now.message,
    details: { ...now.details },
    since,
  };
  return keep(shown, raw, said);
}

/** Not due this minute: the last result stands, shown through any window now in force. */
function keptResult(before: KeptResult, maintenance: Maintenance, id: string, tickAt: string): KeptResult {
  const view =
    before.raw === null ? { shown: "unknown" as const, message: before.said } : shownOf(maintenance, id, before.raw, before.said);
  if (view.shown === before.status) return before;
  const kept = decodeShown(JSON.parse(before.json));
  const shown = { ...(kept ?? emptyShown(before)), status: view.shown, message: view.message, since: tickAt };
  return keep(shown, before.raw, before.said);
}

/** The incident state machine on what was probed. */
function decideIncidents(config: Config, hot: HotState, probed: readonly TickResult[], scheduledTime: number): Transition {
  const observations: Observation[] = probed.map((r) => ({
    monitorId: r.monitorId,
    status: r.shown,
    message: r.message,
    phase: r.error?.phase ?? null,
  }));
  // Alertmanager incidents no longer refreshed resolve first; the state machine never touches them.
  const expired = expireAlerts(hot.incidents, scheduledTime, config.alertmanagerReceiver.refreshWithinMinutes * 60_000);
  const next = transition(expired.state, observations, config, scheduledTime);
  return { state: next.state, changed: [...expired.changed, ...next.changed], events: [...expired.events, ...next.events] };
}

/** A certificate not read this minute (its interval has not come round) keeps the tier it announced. */
function tiersAfter(
  announced: CertificateTiers,
  before: CertificateTiers,
  probedById: ReadonlyMap<string, TickResult>,
  results: Record<string, KeptResult>,
): CertificateTiers {
  const tiers = { ...announced };
  for (const [id, tier] of Object.entries(before)) if (!probedById.has(id) && results[id]) tiers[id] ??= tier;
  return tiers;
}

/** The KV copy to write, when the state that matters changed and the last write is old enough; else null. */
function kvCopy(
  results: Record<string, KeptResult>,
  incidents: Incident[],
  previous: HotState["meta"]["kv"],
  nowMs: number,
  tickAt: string,
): TickDecision["kv"] {
  const fingerprint = fingerprintOf(results, incidents);
  return kvDue(fingerprint, previous, nowMs) ? { state: stateOf(results, incidents, tickAt), fingerprint } : null;
}
