import type { HotState } from "../decide/hot-state";
import { rollupsOfDay } from "../history/day-accumulator";
import type { HistoryStore } from "../storage/r2-history-store";
import { addDays, dayObjectKey, HOUR_MS, hourKeyOf, monthKeyOf, monthObjectKey, monthsBetween, SUMMARY_KEY } from "../history/keys";
import { pruneKeys } from "../history/prune-keys";
import { addCounts, countsOf, zeroCounts } from "../history/rollup";
import type { DayObject, HistorySummary, MonthObject, Rollups } from "../history/schemas";
import { buildSummary, shiftSummary, SUMMARY_DAYS, windowsOfSummary } from "../history/summary";
import type { Log } from "../core/log";
import type { WriterDeps } from "./writer-deps";

/**
 * A finished day's archive, one step per alarm invocation so that none is long: the day object, its month, the
 * 90-day summary (which also refreshes the complete-day sums uptime adds up), and the prune of what fell out of
 * retention. Every step is idempotent: a failed one is run again.
 */

/** Our own objects, parsed and shape-checked (not validated field by field); a damaged one reads as missing, logged. */
async function readOwn<T>(store: HistoryStore, key: string, check: (v: Record<string, unknown>) => boolean, log: Log): Promise<T | null> {
  const text = await store.get(key);
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && check(value as Record<string, unknown>)) return value as T;
  } catch {
    // fall through: damaged
  }
  log("warn", "history object is damaged; read as missing", { key });
  return null;
}

const isDay = (d: string) => (v: Record<string, unknown>) =>
  v.v === 1 && v.d === d && typeof v.rollup === "object" && Array.isArray(v.hours);
const isSummary = (v: Record<string, unknown>) =>
  v.v === 1 && typeof v.through === "string" && Array.isArray(v.days) && typeof v.monitors === "object" && v.monitors !== null;
const isMonth = (m: string) => (v: Record<string, unknown>) => v.v === 1 && v.month === m && typeof v.days === "object" && v.days !== null;

/** What a step leaves to commit, together with taking its job off the queue: the state, and writes of its own. */
export interface StepOutcome {
  state: HotState;
  extra?: () => void;
}

/** `days/D.json` from the day's accumulators and the hours rows; the accumulators move on to the next day. */
export async function dayObjectStep(deps: WriterDeps, state: HotState, d: string): Promise<StepOutcome> {
  const acc = deps.hot.dayAccumulators();
  const [from, to] = [`${d}T00`, `${d}T23`];
  const rollup = acc?.d === d ? rollupsOfDay(acc.m) : rollupOfHours(deps.sql.hourRollups(from, to));
  // A DayObject's JSON, the hours' rollups embedded as stored rather than parsed and written again.
  const hours = deps.sql.hourRollupTexts(from, to).map((row) => `{"h":${JSON.stringify(row.h)},"m":${row.text}}`);
  const text = `{"v":1,"d":${JSON.stringify(d)},"rollup":${JSON.stringify(rollup)},"hours":[${hours.join(",")}]}`;
  await deps.stores.history.put(dayObjectKey(d), text);
  return {
    state,
    extra: () => {
      if (!acc || acc.d <= d) deps.hot.putDayAccumulators({ d: addDays(d, 1), m: {} });
      deps.hot.putDayRollup(d, rollup);
    },
  };
}

/** Accumulators lost (a reset object): the day's counts and max from its hours, percentiles unknown. */
export function rollupOfHours(hours: readonly { rollup: Rollups }[]): Rollups {
  const rollup: Rollups = {};
  for (const row of hours) {
    for (const [id, r] of Object.entries(row.rollup)) {
      const before = rollup[id];
      const counts = addCounts(before ? countsOf(before) : zeroCounts(), r);
      rollup[id] = [...counts, null, null, Math.max(before?.[7] ?? 0, r[7] ?? 0) || null];
    }
  }
  return rollup;
}

/** `months/YYYY-MM.json` with the day in it; a damaged or missing month is rebuilt from its day objects. */
export async function monthStep(deps: WriterDeps, state: HotState, d: string): Promise<StepOutcome> {
  const store = deps.stores.history;
  const rollup = deps.hot.dayRollup(d) ?? (await readOwn<DayObject>(store, dayObjectKey(d), isDay(d), deps.log))?.rollup;
  if (!rollup) {
    // Nothing to add (the day object is gone): a step that waited for it forever would hold every job behind it.
    deps.log("error", "history day has no rollup; its month is left as it is", { day: d });
    return { state };
  }
  const key = monthKeyOf(d);
  let month = await readOwn<MonthObject>(store, monthObjectKey(key), isMonth(key), deps.log);
  if (!month) {
    month = { v: 1, month: key, days: {} };
    const earlier: string[] = [];
    for (let e = `${key}-01`; e < d; e = addDays(e, 1)) earlier.push(e);
    const found = await Promise.all(earlier.map((e) => readOwn<DayObject>(store, dayObjectKey(e), isDay(e), deps.log)));
    for (const f of found) if (f) month.days[f.d] = f.rollup;
  }
  month.days[d] = rollup;
  await store.put(monthObjectKey(key), JSON.stringify(month));
  return { state };
}

/**
 * `summary.json` (the 90 complete days up to D) and the complete-day sums. Usually the previous summary moved on by
 * one day (one read, no month read); when it is missing, damaged or not the day before's, it is built again from
 * the ≤ 4 months the 90 days cover.
 */
export async function summaryStep(deps: WriterDeps, state: HotState, d: string): Promise<StepOutcome> {
  const store = deps.stores.history;
  const previous = await readOwn<HistorySummary>(store, SUMMARY_KEY, isSummary, deps.log);
  const rollup = deps.hot.dayRollup(d);
  let summary: HistorySummary;
  if (previous && previous.through === d) summary = previous;
  else if (previous && rollup && previous.through === addDays(d, -1)) summary = shiftSummary(previous, d, rollup);
  else {
    const from = addDays(d, -(SUMMARY_DAYS - 1));
    const months = await Promise.all(
      monthsBetween(from, d).map((m) => readOwn<MonthObject>(store, monthObjectKey(m), isMonth(m), deps.log)),
    );
    const daily = new Map<string, Rollups>();
    for (const m of months) for (const [day, r] of Object.entries(m?.days ?? {})) if (day >= from && day <= d) daily.set(day, r);
    summary = buildSummary(daily, d);
  }
  if (summary !== previous) await store.put(SUMMARY_KEY, JSON.stringify(summary));
  const windows = state.uptime.windows && state.uptime.windows.through > d ? state.uptime.windows : windowsOfSummary(summary);
  // Yesterday is in the complete-day sums now: its own copy goes, so the state is no bigger after midnight.
  const yesterday = state.uptime.yesterday && windows.through >= state.uptime.yesterday.d ? null : state.uptime.yesterday;
  return { state: { ...state, uptime: { ...state.uptime, windows, yesterday } } };
}

/**
 * Deletes what fell out of retention (history by computed keys, no listing; resolved incidents by one listing of
 * the oldest) and the hours rows no sum needs any more.
 */
export async function pruneStep(deps: WriterDeps, state: HotState, d: string, nowMs: number): Promise<StepOutcome> {
  const prune = pruneKeys(state.meta.pruned, addDays(d, 1), deps.config.history.rawRetentionDays);
  if (prune.keys.length) await deps.stores.history.delete(prune.keys);
  const incidentsBefore = Date.parse(`${d}T00:00:00Z`) - deps.config.history.incidentRetentionDays * 24 * HOUR_MS;
  const incidents = await deps.stores.incidents.pruneIncidents(incidentsBefore);
  if (incidents)
    deps.log("info", "resolved incidents past their retention deleted", {
      incidents,
      retentionDays: deps.config.history.incidentRetentionDays,
    });
  // Rows an archive job still waits for (R2 refused it for a while) stay until it has run.
  const waiting = state.meta.jobs.map((j) => (j.kind === "hour" ? j.h : j.kind === "day" ? `${j.d}T00` : "9999"));
  const keepFrom = [hourKeyOf(nowMs - 26 * HOUR_MS), ...waiting].sort()[0]!;
  return { state: { ...state, meta: { ...state.meta, pruned: prune.pruned } }, extra: () => deps.sql.deleteHours(keepFrom) };
}
