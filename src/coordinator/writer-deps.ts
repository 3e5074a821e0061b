import type { Config } from "../config/schema";
import { emptyHotState, type HotState } from "../decide/hot-state";
import type { Log } from "../core/log";
import type { Incident } from "../incidents/types";
import { escalationMinutes } from "../notify/escalation";
import type { SendDeps } from "../notify/send";
import type { CoordinatorSql } from "../storage/coordinator-sql";
import type { HotStateStore } from "../storage/hot-state-store";
import { importLatestV1, importStatuses, type Imported } from "../storage/import-v1";
import { parseLatestText } from "../storage/latest-object";
import type { Stores } from "../storage/types";

/** What the writer of the state (the coordinator object) works with; passed in, so tests can count and break it. */
export interface WriterDeps {
  config: Config;
  sql: CoordinatorSql;
  hot: HotStateStore;
  stores: Stores;
  send: SendDeps;
  log: Log;
}

/**
 * The writer's state: from its own storage, or, the first time (a new deployment or one upgraded from the version
 * that kept everything in latest.json), imported from latest.json and committed at once, so nothing the previous
 * version held is lost: incidents, pending and delivered notifications, escalation levels, history. When latest.json
 * is missing or unreadable, the KV copy gives the statuses and open incidents.
 */
export async function loadState(deps: WriterDeps): Promise<HotState> {
  const stored = deps.hot.load();
  if (stored) return stored;
  const imported = (await importFromR2(deps)) ?? (await importFromKv(deps));
  if (!imported) return deps.hot.commit(emptyHotState());
  const { state, points, hours, dayacc, pending, recent } = imported;
  deps.log("info", "coordinator state imported from the previous version", {
    monitors: Object.keys(state.results).length,
    incidents: state.incidents.incidents.length,
    rawPoints: points.length,
    hours: hours.length,
  });
  const committed = deps.hot.commit(state, () => {
    for (const point of points) deps.sql.addPoint(point);
    for (const hour of hours) deps.sql.putHour(hour);
    if (dayacc) deps.hot.putDayAccumulators(dayacc);
    if (Object.keys(pending).length) deps.hot.putPending(pending);
    if (recent.length) deps.hot.putRecentHourTexts(recent.map((x) => ({ h: x.h, text: JSON.stringify(x) })));
  });
  // Archives the previous version had not written yet: the alarm writes them now.
  if (committed.meta.jobs.length) await deps.sql.setAlarm(deps.send.now());
  return committed;
}

async function importFromR2(deps: WriterDeps): Promise<Imported | null> {
  try {
    const text = await deps.stores.latest.readLatestText();
    if (text === null) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      deps.log("warn", "R2 latest is corrupt; starting from KV state");
      return null;
    }
    if ((raw as { v?: unknown } | null)?.v === 2) {
      // Written by a coordinator whose storage is gone: its statuses and incidents carry on.
      const view = parseLatestText(text);
      return view.kind === "ok" ? importStatuses(view.value, deps.send.now(), escalationsOf(deps)) : null;
    }
    const imported = importLatestV1(raw, deps.log);
    if (!imported) deps.log("warn", "R2 latest is corrupt; starting from KV state");
    return imported;
  } catch (error) {
    deps.log("error", "R2 latest read failed during the import", { error: String(error) });
    return null;
  }
}

async function importFromKv(deps: WriterDeps): Promise<Imported | null> {
  try {
    const state = await deps.stores.state.readState();
    if (state.kind === "ok") return importStatuses(state.value, deps.send.now(), escalationsOf(deps));
    if (state.kind === "corrupt") deps.log("warn", "KV state is corrupt; starting fresh", { reason: state.reason });
  } catch (error) {
    deps.log("error", "KV state read failed", { error: String(error) });
  }
  return null;
}

/** Minutes after opening at which each escalation level of an incident's policy is due. */
const escalationsOf = (deps: WriterDeps) => (incident: Incident) => escalationMinutes(deps.config.notifications, incident);
