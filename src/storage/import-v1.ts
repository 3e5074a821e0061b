import type { DayAccumulators, HotState, HourCounts, HourMedians, Job, KeptResult } from "../decide/hot-state";
import { emptyHotState } from "../decide/hot-state";
import { keep } from "../decide/decide-tick";
import type { RawPointRow } from "../decide/minute-history";
import { dayObjectKey, hourStartMs, rawHourKey } from "../history/keys";
import { countsOf, ticksByMonitor } from "../history/rollup";
import { HistoryCarry } from "../history/schemas";
import type { IncidentState } from "../incidents/transition";
import type { Incident } from "../incidents/types";
import type { Log } from "../core/log";
import type { HourRow } from "./coordinator-sql";
import { LatestSnapshot, type StateSnapshot } from "../decide/snapshot";

/**
 * What the coordinator starts from on its first run after an upgrade: everything the previous version kept in
 * latest.json (statuses, incident tracks, incidents, the delivery outbox with its claims and done keys, escalation
 * levels, certificate tiers, admin maintenance, the KV fingerprint) and its history carry (the current hour's raw
 * ticks become rows, the finished hours keep their rollups, today's accumulators and the complete-day sums carry
 * on, unwritten archive objects are queued). Pure; validated with the old schemas, once.
 */
export interface Imported {
  state: HotState;
  points: RawPointRow[];
  hours: HourRow[];
  dayacc: DayAccumulators | null;
  pending: Record<string, string>;
  /** The finished hours' medians, so the first recent.json carries the sparklines the previous version drew. */
  recent: HourMedians[];
}

const kept = ({ type: _type, ...shown }: LatestSnapshot["monitors"][string]): KeptResult =>
  keep(
    shown,
    shown.status === "up" || shown.status === "degraded" || shown.status === "down" ? shown.status : null,
    shown.message.replace(/^maintenance: .*? \((.*)\)$/, "$1"),
  );

/** From a version 1 latest.json, parsed. Null when it is not one. */
export function importLatestV1(raw: unknown, log: Log): Imported | null {
  const parsed = LatestSnapshot.safeParse(raw);
  if (!parsed.success) return null;
  const v1 = parsed.data;
  const state = emptyHotState();
  state.meta = {
    ...state.meta,
    lastTickAt: v1.tickAt,
    durationMs: v1.durationMs,
    kv: v1.kv,
    unsavedIncidents: v1.unsavedIncidents,
    certificateTiers: v1.certificateTiers,
    adminMaintenance: v1.adminMaintenance,
  };
  state.results = Object.fromEntries(Object.entries(v1.monitors).map(([id, r]) => [id, kept(r)]));
  state.incidents = v1.incidents;
  state.delivery = v1.delivery;
  const imported: Imported = { state, points: [], hours: [], dayacc: null, pending: {}, recent: [] };
  const history = (raw as { history?: unknown }).history;
  if (history === undefined || history === null) return imported;
  const carry = HistoryCarry.safeParse(history);
  if (!carry.success) {
    log("warn", "history carry of the previous version is corrupt; history starts afresh", {
      reason: carry.error.issues[0]?.message ?? "invalid",
    });
    return imported;
  }
  return { ...imported, ...historyOf(carry.data, state) };
}

function historyOf(carry: HistoryCarry, state: HotState): Omit<Imported, "state"> {
  const start = hourStartMs(carry.hour.h);
  const points = carry.hour.ticks.map(([offset, letters, latencies]): RawPointRow => ({ t: start + offset, letters, latencies }));
  const hour: HourCounts = { h: carry.hour.h, ids: [...carry.hour.ids], counts: carry.hour.ids.map(() => [0, 0, 0, 0, 0]) };
  for (const [id, { counts }] of ticksByMonitor(carry.hour)) hour.counts[carry.hour.ids.indexOf(id)] = counts;
  state.hour = hour;
  const hours: HourRow[] = carry.hours.map((h) => ({
    h: h.h,
    ids: Object.keys(h.m),
    counts: Object.fromEntries(Object.entries(h.m).map(([id, r]) => [id, countsOf(r)])),
    rollup: h.m,
  }));
  const sum24: Record<string, [number, number, number, number, number]> = {};
  for (const row of hours)
    for (const [id, c] of Object.entries(row.counts)) sum24[id] = countsOf((sum24[id] ?? [0, 0, 0, 0, 0]).map((n, i) => n + (c[i] ?? 0)));
  state.uptime = {
    sum24: { h: carry.hour.h, m: sum24 },
    today: { d: carry.today.d, m: Object.fromEntries(Object.entries(carry.today.m).map(([id, acc]) => [id, acc.c])) },
    yesterday: null,
    windows: carry.windows,
  };
  state.meta.pruned = carry.pruned;
  const pending: Record<string, string> = {};
  const jobs: Job[] = [];
  for (const h of carry.pending.hours) {
    pending[rawHourKey(h.h)] = JSON.stringify(h);
    jobs.push({ kind: "put", key: rawHourKey(h.h) });
  }
  for (const d of carry.pending.days) {
    pending[dayObjectKey(d.d)] = JSON.stringify(d);
    // The month step moves on to the summary and the prune by itself.
    jobs.push({ kind: "put", key: dayObjectKey(d.d) }, { kind: "day", d: d.d, step: "month" });
  }
  state.meta.jobs = jobs;
  const recent = carry.hours.map((h) => ({ h: h.h, p50: Object.fromEntries(Object.entries(h.m).map(([id, r]) => [id, r[5]])) }));
  return { points, hours, dayacc: { d: carry.today.d, m: carry.today.m }, pending, recent };
}

/**
 * From the KV copy (when latest.json is missing or unreadable) or a version 2 latest.json (when the coordinator's own
 * storage is gone): statuses and incidents; the streaks of open incidents restart from their start.
 */
/**
 * The statuses and incidents a latest.json or the KV copy keeps, when the writer's own storage is gone. The outbox and
 * the delivered keys went with it: an open incident's escalation levels already due count as sent (`escalations`:
 * the minutes after opening at which each level of the incident's policy is due), because a page sent twice at 3 a.m. is the fatigue the guide warns of, and the opening
 * itself is never sent again (it is no transition).
 */
export function importStatuses(
  kv: Pick<StateSnapshot, "monitors" | "incidents">,
  nowMs: number,
  escalations: (incident: Incident) => readonly number[],
): Imported {
  const state = emptyHotState();
  const tracks: IncidentState["tracks"] = {};
  for (const incident of kv.incidents.filter((i) => i.status === "open")) {
    for (const id of incident.monitorIds) {
      tracks[id] = {
        failStreak: 0,
        okStreak: 0,
        streakStart: incident.startedAt,
        worst: incident.impact === "minor" ? "degraded" : "down",
        lastRaw: null,
        flips: [],
        incidentId: incident.id,
      };
    }
  }
  state.incidents = { tracks, incidents: kv.incidents };
  for (const incident of kv.incidents.filter((i) => i.status === "open")) {
    const minutes = (nowMs - Date.parse(incident.updates[0]?.at ?? incident.startedAt)) / 60_000;
    const reached = escalations(incident).filter((after) => minutes >= after).length;
    if (reached) state.delivery = { ...state.delivery, escalation: { ...state.delivery.escalation, [incident.id]: reached } };
  }
  state.results = Object.fromEntries(
    Object.entries(kv.monitors).map(([id, m]) => [
      id,
      keep({ status: m.status, latencyMs: null, checkedAt: m.checkedAt, message: m.message, details: {}, since: m.since }, null, m.message),
    ]),
  );
  return { state, points: [], hours: [], dayacc: null, pending: {}, recent: [] };
}
