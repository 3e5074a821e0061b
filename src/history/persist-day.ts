import type { Log } from "../log";
import { type HistoryStore, readObject } from "./history-store";
import { addDays, dayObjectKey, monthKeyOf, monthObjectKey, monthsBetween, SUMMARY_KEY } from "./keys";
import { pruneKeys } from "./prune-keys";
import { DayObject, type HistoryCarry, MonthObject, type Rollups } from "./schemas";
import { buildSummary, SUMMARY_DAYS, windowsOf } from "./summary";

export interface PersistDayOptions {
  log: Log;
  rawRetentionDays: number;
}

/**
 * A finished day: `days/D.json`, then `months/YYYY-MM.json` read, updated and written back (bounded: 31 days), then
 * `summary.json` rebuilt from the ≤ 4 months covering the last 90 days, which also refreshes the carry's
 * complete-day sums, then the bulk delete of what fell out of retention. Throws when a step before the prune fails,
 * so the whole day (every step idempotent) is retried on the next tick; a failed prune is caught up by the next one.
 */
export async function persistDay(store: HistoryStore, carry: HistoryCarry, day: DayObject, options: PersistDayOptions): Promise<HistoryCarry> {
  const { log } = options;
  await store.put(dayObjectKey(day.d), JSON.stringify(day));

  const month = await updatedMonth(store, carry, day, log);
  await store.put(monthObjectKey(month.month), JSON.stringify(month));

  const through = addDays(carry.today.d, -1);
  const from = addDays(through, -(SUMMARY_DAYS - 1));
  const months = await Promise.all(
    monthsBetween(from, through).map((key) => (key === month.month ? Promise.resolve(month) : readMonth(store, key, log))),
  );
  const daily = new Map<string, Rollups>();
  for (const m of months) for (const [d, rollups] of Object.entries(m.days)) if (d >= from && d <= through) daily.set(d, rollups);
  await store.put(SUMMARY_KEY, JSON.stringify(buildSummary(daily, through)));

  let pruned = carry.pruned;
  const prune = pruneKeys(carry.pruned, carry.today.d, options.rawRetentionDays);
  try {
    if (prune.keys.length) await store.delete(prune.keys);
    pruned = prune.pruned;
  } catch (error) {
    log("error", "history prune failed; retried at the next day", { keys: prune.keys.length, error: String(error) });
  }

  return {
    ...carry,
    windows: windowsOf(daily, through),
    pending: { ...carry.pending, days: carry.pending.days.filter((d) => d.d !== day.d) },
    pruned,
  };
}

async function readMonth(store: HistoryStore, month: string, log: Log): Promise<MonthObject> {
  const read = await readObject(store, monthObjectKey(month), MonthObject);
  if (read.kind === "ok" && read.value.month === month) return read.value;
  if (read.kind !== "missing") {
    log("warn", "history month is corrupt; read as empty", { month, reason: read.kind === "corrupt" ? read.reason : "wrong month" });
  }
  return { v: 1, month, days: {} };
}

/**
 * The day's month with the day in it. A corrupt month, or a missing one while history was already running (the
 * carry has complete-day sums), is rebuilt from the month's earlier day objects; a fresh start begins it empty.
 */
async function updatedMonth(store: HistoryStore, carry: HistoryCarry, day: DayObject, log: Log): Promise<MonthObject> {
  const key = monthKeyOf(day.d);
  const read = await readObject(store, monthObjectKey(key), MonthObject);
  let month: MonthObject = { v: 1, month: key, days: {} };
  if (read.kind === "ok" && read.value.month === key) month = read.value;
  else if (read.kind !== "missing" || carry.windows !== null) {
    if (read.kind !== "missing") log("warn", "history month is corrupt; rebuilding it from day objects", { month: key });
    const earlier: string[] = [];
    for (let d = `${key}-01`; d < day.d; d = addDays(d, 1)) earlier.push(d);
    const days = await Promise.all(earlier.map((d) => readObject(store, dayObjectKey(d), DayObject)));
    for (const found of days) if (found.kind === "ok" && monthKeyOf(found.value.d) === key) month.days[found.value.d] = found.value.rollup;
  }
  return { ...month, days: { ...month.days, [day.d]: day.rollup } };
}
