import { consoleLog } from "../core/log";
import type { Bindings } from "../env/deps";
import type { RawPoint, RollupPoint } from "../history/points";
import { CHART_SLOTS } from "../read-model/latency-chart";
import { readDayPoints, readHourPoints, readRawPoints } from "../storage/history-points";
import { r2HistoryStore } from "../storage/r2-history-store";
import { liveHistoryOf } from "./live-history";
import { type PageData, readPageData } from "./page-data";

export interface MonitorPageData extends PageData {
  points: { raw: RawPoint[]; hour: RollupPoint[]; day: RollupPoint[] };
  /** An object could not be read, or the coordinator did not answer: the charts may have gaps. */
  incomplete: boolean;
}

/**
 * What the page of one monitor renders from: what the status page reads (latest.json, summary.json, recent.json),
 * the monitor's history that is not archived yet (one coordinator call), and its points through the history
 * readers: every tick of 24 hours (at most 24 hour objects; the current hour is the coordinator's), hourly rollups of
 * 7 days (at most 7 day objects; today is the coordinator's) and daily rollups of 30 days (at most 3 month objects:
 * on Mar 1 of a year that is not a leap year they begin on Jan 31). At most 37 R2 reads, 39 if the coordinator does
 * not answer; made together. Never throws.
 */
export async function readMonitorPageData(env: Bindings, id: string, nowMs: number): Promise<MonitorPageData> {
  const page = readPageData(env);
  const live = await liveHistoryOf(env, id);
  const query = { store: r2HistoryStore(env.HISTORY), carry: live.carry, id, toMs: nowMs, log: consoleLog };
  const [data, raw, hour, day] = await Promise.all([
    page,
    readRawPoints({ ...query, fromMs: CHART_SLOTS["24h"].firstMs(nowMs) }),
    readHourPoints({ ...query, fromMs: CHART_SLOTS["7d"].firstMs(nowMs) }),
    readDayPoints({ ...query, fromMs: CHART_SLOTS["30d"].firstMs(nowMs) }),
  ]);
  return {
    ...data,
    points: { raw: raw.points, hour: hour.points, day: day.points },
    incomplete: live.failed || raw.incomplete || hour.incomplete || day.incomplete,
  };
}
