import type { HotState, HourMedians, Job } from "../decide/hot-state";
import { foldHour } from "../history/day-accumulator";
import { dayOfHour, HOUR_MS, hourKeyOf, hourStartMs, RECENT_KEY, rawHourKey } from "../history/keys";
import { rollupHour } from "../history/rollup";
import type { HourObject, RawHour } from "../history/schemas";
import { dayObjectStep, monthStep, pruneStep, type StepOutcome, summaryStep } from "./archive-day";
import { loadState, type WriterDeps } from "./writer-deps";

/** Jobs kept while R2 keeps failing; past this the oldest are dropped (logged) so the queue stays bounded. */
export const MAX_JOBS = 72;

/** The hour's raw points as stored, or null when there are none (nothing to archive). */
function rawHourOf(deps: WriterDeps, h: string): RawHour | null {
  const start = hourStartMs(h);
  const ids = deps.sql.hourIds(h);
  const points = deps.sql.points(start, start + HOUR_MS);
  if (!ids || points.length === 0) return null;
  return { h, ids, ticks: points.map((p) => [p.t - start, p.letters, p.latencies]) };
}

/** `raw/D/HH.json`: the hour's raw points and exact rollup; the rollup also goes into the hour's row. */
async function hourRawStep(deps: WriterDeps, state: HotState, h: string): Promise<StepOutcome> {
  const raw = rawHourOf(deps, h);
  if (!raw) return { state };
  const rollup = rollupHour(raw);
  const object: HourObject = { v: 1, ...raw, rollup };
  await deps.stores.history.put(rawHourKey(h), JSON.stringify(object));
  return { state, extra: () => deps.sql.setHourRollup(h, rollup) };
}

/**
 * The hour into the day's latency accumulators, its medians into `recent.json` (the last 24 hours, for the page's
 * sparklines), then its raw points are deleted: the archive has them.
 */
async function hourFoldStep(deps: WriterDeps, state: HotState, h: string): Promise<StepOutcome> {
  const start = hourStartMs(h);
  const clear = () => deps.sql.deletePoints(start + HOUR_MS);
  const raw = rawHourOf(deps, h);
  const rollup = deps.sql.hourRollups(h, h)[0]?.rollup;
  if (!raw || !rollup) return { state, extra: clear };
  const p50: HourMedians["p50"] = {};
  for (const [id, r] of Object.entries(rollup)) p50[id] = r[5];
  const oldest = hourKeyOf(start - 23 * HOUR_MS);
  const hour = { h, text: JSON.stringify({ h, p50 } satisfies HourMedians) };
  const recent = [...deps.hot.recentHourTexts().filter((x) => x.h >= oldest && x.h < h), hour];
  // `{ v: 2, through, hours }` with the hours' stored texts joined: the 23 earlier ones are not parsed again.
  const joined = recent.map((x) => x.text).join(",");
  await deps.stores.history.put(RECENT_KEY, `{"v":2,"through":${JSON.stringify(h)},"hours":[${joined}]}`);

  const day = dayOfHour(h);
  const acc = deps.hot.dayAccumulators();
  const keep = acc !== null && acc.d > day;
  const m = acc && acc.d === day ? acc.m : {};
  // Two archived hours draw a sparkline: the page no longer needs the new deployment's minute by minute latencies.
  const ready = recent.length >= 2;
  return {
    state: ready && !state.meta.sparkReady ? { ...state, meta: { ...state.meta, sparkReady: true }, warmup: null } : state,
    extra: () => {
      if (!keep) deps.hot.putDayAccumulators({ d: day, m: foldHour(m, raw) });
      deps.hot.putRecentHourTexts(recent);
      clear();
    },
  };
}

async function putStep(deps: WriterDeps, state: HotState, key: string): Promise<StepOutcome> {
  const pending = deps.hot.pending();
  const body = pending[key];
  if (body !== undefined) await deps.stores.history.put(key, body);
  delete pending[key];
  return { state, extra: () => deps.hot.putPending(pending) };
}

function step(deps: WriterDeps, state: HotState, job: Job, nowMs: number): Promise<StepOutcome> {
  switch (job.kind) {
    case "hour":
      return job.step === "raw" ? hourRawStep(deps, state, job.h) : hourFoldStep(deps, state, job.h);
    case "put":
      return putStep(deps, state, job.key);
    case "day":
      if (job.step === "object") return dayObjectStep(deps, state, job.d);
      if (job.step === "month") return monthStep(deps, state, job.d);
      if (job.step === "summary") return summaryStep(deps, state, job.d);
      return pruneStep(deps, state, job.d, nowMs);
  }
}

type DayStep = Extract<Job, { kind: "day" }>["step"];
const NEXT_STEP: Record<DayStep, DayStep | null> = { object: "month", month: "summary", summary: "prune", prune: null };

/**
 * Runs the oldest archive job's step, then takes it off the queue (a day job moves on to its next step) in the same
 * commit as the step's own writes. Returns whether more are waiting; a failed step stays first, to be retried.
 */
export async function runNextJob(deps: WriterDeps): Promise<{ ran: Job | null; failed: boolean; more: boolean }> {
  const state = await loadState(deps);
  const job = state.meta.jobs[0];
  if (!job) return { ran: null, failed: false, more: false };
  const nowMs = deps.send.now();
  let outcome: StepOutcome;
  try {
    outcome = await step(deps, state, job, nowMs);
  } catch (error) {
    deps.log("error", "archive job failed; retried later", { job, error: String(error) });
    return { ran: job, failed: true, more: true };
  }
  // The state may have moved on while the step awaited R2 (a tick, an admin request): take the job off the current one.
  const current = deps.hot.load() ?? state;
  const following: Job[] = [];
  if (job.kind === "day" && NEXT_STEP[job.step]) following.push({ ...job, step: NEXT_STEP[job.step]! });
  if (job.kind === "hour" && job.step === "raw") following.push({ ...job, step: "fold" });
  const jobs = [...following, ...current.meta.jobs.slice(1)];
  const base =
    job.kind === "day" && (job.step === "summary" || job.step === "prune")
      ? mergeStep(current, outcome.state, job.step)
      : outcome.state.meta.sparkReady && !current.meta.sparkReady
        ? { ...current, meta: { ...current.meta, sparkReady: true }, warmup: null }
        : current;
  deps.hot.commit({ ...base, meta: { ...base.meta, jobs } }, outcome.extra);
  return { ran: job, failed: false, more: jobs.length > 0 };
}

/** The parts a day step changed (the complete-day sums, the prune record), applied to the state as it is now. */
function mergeStep(current: HotState, stepped: HotState, which: "summary" | "prune"): HotState {
  if (which === "prune") return { ...current, meta: { ...current.meta, pruned: stepped.meta.pruned } };
  const windows = stepped.uptime.windows;
  // Yesterday, once inside the complete-day sums, is not kept twice.
  const covered = current.uptime.yesterday !== null && windows !== null && windows.through >= current.uptime.yesterday.d;
  return { ...current, uptime: { ...current.uptime, windows, yesterday: covered ? null : current.uptime.yesterday } };
}

/** Keeps the queue bounded when archives cannot be written for days: the oldest hours are dropped, loudly. */
export function trimJobs(jobs: readonly Job[], log: WriterDeps["log"]): Job[] {
  if (jobs.length <= MAX_JOBS) return [...jobs];
  const dropped = jobs.slice(0, jobs.length - MAX_JOBS);
  log("error", "archive jobs dropped: R2 has refused them for too long", { jobs: dropped });
  return jobs.slice(-MAX_JOBS);
}
