import { decideTick, type TickDecision, type TickResult } from "../decide/decide-tick";
import { type HotState, type HourCounts, type Job, WARMUP_POINTS } from "../decide/hot-state";
import { closeHour, countsOfHour, type Recorded, recordMinute, type Sum24Source } from "../decide/minute-history";
import { dayOfHour, HOUR_MS, hourKeyOf, hourStartMs } from "../history/keys";
import type { IncidentEvent } from "../incidents/types";
import { deliverClaimed, renewAlertmanagerLeases } from "../notify/deliver";
import { logDropped, recordOutcomes } from "../notify/outbox";
import type { CollectedResult } from "../probes/probe-batch";
import { trimJobs } from "./archive-jobs";
import { publishLatest, saveIncidents } from "./publish";
import { pushResults } from "./push-beats";
import { watchdogRearm } from "./stale-check";
import { loadState, type WriterDeps } from "./writer-deps";

/** What the cron's invocation hands the writer: the minute, when it started, and every due monitor's result. */
export interface TickInput {
  scheduledTime: number;
  startedAt: number;
  results: CollectedResult[];
}

export interface TickSummary {
  tickAt: string;
  /** Why nothing was done: a tick for this minute (or a later one) already ran. */
  skipped: "duplicate" | null;
  durationMs: number;
  /** This tick's probes as shown (over RPC: left out, counted in `counts` and `probed` instead). */
  results: TickResult[];
  counts?: Partial<Record<TickResult["shown"], number>>;
  probed?: number;
  events: IncidentEvent[];
  notified: number;
  wroteLatest: boolean;
  wroteState: boolean;
  /** Archive jobs queued for the alarm (an hour or a day has ended). */
  jobs: number;
}

/**
 * decide → commit → deliver. The decision is pure (src/decide); everything that must survive a crash (results,
 * incident tracks and incidents, the outbox with this tick's claims, the minute's raw point, a finished hour's
 * counts) is committed in one SQLite transaction before anything leaves; then the incident records, KV (on change)
 * and latest.json are written and the claimed notifications sent; their outcomes are committed last. An hour's or a
 * day's end only queues archive jobs for the alarm, so no minute costs more than another.
 */
export async function commitTick(deps: WriterDeps, input: TickInput): Promise<TickSummary> {
  const { config, log } = deps;
  const now = deps.send.now;
  const tickAt = new Date(input.scheduledTime).toISOString();
  const state = await loadState(deps);
  if (state.meta.lastTickAt !== null && Date.parse(state.meta.lastTickAt) >= input.scheduledTime) {
    log("warn", "tick skipped: this minute or a later one already ran", { tickAt, lastTickAt: state.meta.lastTickAt });
    return summaryOf(input, now, { skipped: "duplicate" });
  }

  // Push monitors are judged here, from the beats this object stored: the cron's invocation probes everything else.
  const results = [...input.results, ...pushResults(deps, now())];
  const decision = decideTick(config, state, results, input.scheduledTime, now());
  logDropped(log, decision.dropped);
  const recorded = recordMinute(state.hour, input.scheduledTime, decision.minute);
  const { jobs, uptime } = closeFinishedHour(deps, state, recorded);
  const durationMs = Math.round(now() - input.startedAt);
  let committed = commitDecision(deps, state, decision, recorded, { tickAt, durationMs, jobs, uptime });
  await armAlarm(deps, input.scheduledTime, jobs.length, state.meta.jobs.length);

  const [unsaved, wroteLatest, kv] = await Promise.all([
    saveIncidents(deps, decision.incidents.incidents, decision.changed, state.meta.unsavedIncidents),
    publishLatest(deps, committed, input.scheduledTime),
    writeKv(deps, decision.kv),
  ]);
  for (const e of decision.events) log("info", e.type, { incident: e.incidentId, monitors: e.monitorIds, reason: e.reason });
  const sent = await deliver(deps, decision.claimed, committed.delivery, input.scheduledTime);
  // Most minutes send nothing, save every incident and leave KV alone: nothing to commit a second time.
  const sameUnsaved =
    unsaved.length === committed.meta.unsavedIncidents.length && unsaved.every((id, i) => committed.meta.unsavedIncidents[i] === id);
  if (sent.delivery !== committed.delivery || !sameUnsaved || kv !== null) {
    committed = deps.hot.commit({
      ...committed,
      delivery: sent.delivery,
      meta: { ...committed.meta, unsavedIncidents: unsaved, kv: kv ?? committed.meta.kv },
    });
  }
  await renewAlertmanagerLeases(config, committed.incidents.incidents, input.scheduledTime, deps.send, log);
  return summaryOf(input, now, {
    durationMs,
    results: decision.probed,
    events: decision.events,
    notified: sent.notified,
    wroteLatest,
    wroteState: kv !== null,
    jobs: jobs.length,
  });
}

/** A tick's summary: by default one that did nothing, in the time taken so far. */
function summaryOf(input: TickInput, now: () => number, fields: Partial<TickSummary>): TickSummary {
  return {
    tickAt: new Date(input.scheduledTime).toISOString(),
    skipped: null,
    durationMs: Math.round(now() - input.startedAt),
    results: [],
    events: [],
    notified: 0,
    wroteLatest: false,
    wroteState: false,
    jobs: 0,
    ...fields,
  };
}

/** When this minute started a new hour: the finished one counted into the 24-hour sums, and its archive jobs queued. */
function closeFinishedHour(deps: WriterDeps, state: HotState, recorded: Recorded): { jobs: Job[]; uptime: HotState["uptime"] } {
  const jobs: Job[] = [...state.meta.jobs];
  const finished = recorded.finished;
  if (!finished) return { jobs, uptime: state.uptime };
  const source = sum24Source(deps, state.uptime, finished, hourStartMs(recorded.hour.h));
  const uptime = closeHour(state.uptime, finished, recorded.hour.h, source);
  jobs.push({ kind: "hour", h: finished.h, step: "raw" });
  if (dayOfHour(finished.h) !== dayOfHour(recorded.hour.h)) jobs.push({ kind: "day", d: dayOfHour(finished.h), step: "object" });
  return { jobs, uptime };
}

/** The usual case, one hour after the last: shift the 24-hour sum by one hour (one row read), else sum the rows. */
function sum24Source(deps: WriterDeps, uptime: HotState["uptime"], finished: HourCounts, newStart: number): Sum24Source {
  const shift = uptime.sum24?.h === finished.h && newStart - hourStartMs(finished.h) === HOUR_MS;
  if (shift) {
    const dropped = hourKeyOf(newStart - 25 * HOUR_MS);
    return { kind: "shift", dropped: deps.sql.hourCounts(dropped, dropped)[0]?.counts ?? {} };
  }
  return {
    kind: "sum",
    rows: [
      ...deps.sql.hourCounts(hourKeyOf(newStart - 24 * HOUR_MS)).map((r) => ({ h: r.h, m: r.counts })),
      { h: finished.h, m: countsOfHour(finished) },
    ],
  };
}

/** Commits the decision, the minute's raw point and a finished hour's counts in one transaction. */
function commitDecision(
  deps: WriterDeps,
  state: HotState,
  decision: TickDecision,
  recorded: Recorded,
  tick: { tickAt: string; durationMs: number; jobs: Job[]; uptime: HotState["uptime"] },
): HotState {
  const next: HotState = {
    meta: {
      ...state.meta,
      lastTickAt: tick.tickAt,
      durationMs: tick.durationMs,
      certificateTiers: decision.certificateTiers,
      adminMaintenance: decision.adminMaintenance,
      jobs: trimJobs(tick.jobs, deps.log),
    },
    results: decision.results,
    incidents: decision.incidents,
    delivery: decision.delivery,
    hour: recorded.hour,
    uptime: tick.uptime,
    warmup: state.meta.sparkReady ? null : warmupWith(state.warmup, decision.minute),
    slo: decision.slo,
  };
  return deps.hot.commit(next, () => {
    deps.sql.addPoint(recorded.point);
    if (recorded.finished) {
      deps.sql.putHour({ h: recorded.finished.h, ids: recorded.finished.ids, counts: countsOfHour(recorded.finished), rollup: null });
    }
  });
}

/**
 * New archive jobs start the alarm; queued ones keep it armed (an import, a retry the runtime dropped). Otherwise
 * it stands past the stale limit after a recent tick: a later tick moves it on, so it pages only if the ticks stop.
 */
async function armAlarm(deps: WriterDeps, scheduledTime: number, jobs: number, queuedBefore: number): Promise<void> {
  const now = deps.send.now;
  if (jobs > queuedBefore || (jobs > 0 && (await deps.sql.getAlarm()) === null)) await deps.sql.setAlarm(now());
  else if (jobs === 0) {
    const watch = watchdogRearm(await deps.sql.knownAlarm(), scheduledTime, now());
    if (watch !== null) await deps.sql.setAlarm(watch);
  }
}

/** Sends the notifications this tick claimed, and records their outcomes in the delivery state. */
async function deliver(
  deps: WriterDeps,
  claimed: TickDecision["claimed"],
  delivery: HotState["delivery"],
  scheduledTime: number,
): Promise<{ notified: number; delivery: HotState["delivery"] }> {
  if (!claimed.length) return { notified: 0, delivery };
  const outcomes = await deliverClaimed(deps.config, claimed, deps.send, deps.log);
  return { notified: [...outcomes.values()].filter((o) => o.ok).length, delivery: recordOutcomes(delivery, outcomes, scheduledTime) };
}

/** A new deployment's recent latencies with this minute's added: what its page draws before two hours are archived. */
function warmupWith(before: HotState["warmup"], minute: TickDecision["minute"]): HotState["warmup"] {
  const out: NonNullable<HotState["warmup"]> = {};
  for (const entry of minute) {
    const kept = before?.[entry.id] ?? [];
    out[entry.id] = entry.latencyMs === null ? kept : [...kept, Math.round(entry.latencyMs)].slice(-WARMUP_POINTS);
  }
  return out;
}

async function writeKv(deps: WriterDeps, kv: TickDecision["kv"]): Promise<HotState["meta"]["kv"]> {
  if (!kv) return null;
  try {
    await deps.stores.state.writeState(kv.state);
    return { fingerprint: kv.fingerprint, writtenAt: new Date(deps.send.now()).toISOString() };
  } catch (error) {
    deps.log("error", "KV state write failed", { error: String(error) });
    return null;
  }
}
