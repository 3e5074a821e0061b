import type { MaintenanceWindow } from "../config/schema";
import type { Counts, DayAccumulator } from "../history/schemas";
import type { IncidentState } from "../incidents/transition";
import type { CertificateTiers } from "../notify/certificate-events";
import { type DeliveryState, EMPTY_DELIVERY } from "../notify/delivery-state";
import type { SloTracks } from "../history/slo-budget";
import type { ProbeStatus } from "../probes/types";
import type { StoredResult } from "./snapshot";

/**
 * What the writer of the ticks (the coordinator object) keeps between them. Every part is bounded by the number of
 * monitors or of incidents and notifications, never by the time of day: the raw ticks of the current hour and the
 * finished hours live in rows of their own, read only at the hour's end.
 */

/** A result as latest.json shows it. The monitor's type is the config's. */
export type ShownResult = Omit<StoredResult, "type">;

/**
 * A monitor's last result as the writer keeps it: what was shown and since when, what the probe itself concluded and
 * said (so a result kept past its minute can be shown again through whatever maintenance window is in force then),
 * and the result as latest.json carries it, as JSON text: written as it is every tick, parsed only when it changes.
 */
export interface KeptResult {
  status: StoredResult["status"];
  since: string;
  checkedAt: string;
  /** The words shown (through a maintenance window, say), and what the probe itself said. */
  message: string;
  raw: ProbeStatus | null;
  said: string;
  json: string;
}

/** The current hour: the monitors seen so far (the order of the status letters in its rows) and their counts. */
export interface HourCounts {
  h: string;
  ids: string[];
  counts: Counts[];
}

/** Counts per monitor. */
export type CountsOf = Record<string, Counts>;

/**
 * What uptime is summed from, each part refreshed when its period ends: the finished hours of the last 24 (at each
 * hour's end), today's finished hours, yesterday (at the day's end), and the complete-day sums of the last 6, 29 and
 * 89 days (by the day's archive job).
 */
export interface UptimeSums {
  sum24: { h: string; m: CountsOf } | null;
  today: { d: string; m: CountsOf };
  yesterday: { d: string; m: CountsOf } | null;
  windows: { through: string; d7: CountsOf; d30: CountsOf; d90: CountsOf } | null;
}

/** Work done after a tick, one step per alarm invocation, oldest first: archives that a tick must not wait for. */
export type Job =
  | { kind: "hour"; h: string; step: "raw" | "fold" }
  | { kind: "day"; d: string; step: "object" | "month" | "summary" | "prune" }
  | { kind: "put"; key: string };

/** The median latency of each monitor in one finished hour: what recent.json keeps for the page's sparklines. */
export interface HourMedians {
  h: string;
  p50: Record<string, number | null>;
}

export interface Meta {
  v: 2;
  /** Bumped by every commit, so a cached copy in memory knows whether it is still current. */
  seq: number;
  lastTickAt: string | null;
  durationMs: number;
  kv: { fingerprint: string; writtenAt: string } | null;
  unsavedIncidents: string[];
  certificateTiers: CertificateTiers;
  adminMaintenance: MaintenanceWindow[];
  pruned: { raw: string | null; days: string | null };
  jobs: Job[];
  /** The tick time `monitor.stale` was last sent for: once per stopped-cron episode. */
  staleNotified: string | null;
  /** Two archived hours exist for the page's sparklines; until then latest.json carries the last minutes' latencies. */
  sparkReady: boolean;
}

export interface HotState {
  meta: Meta;
  results: Record<string, KeptResult>;
  incidents: IncidentState;
  delivery: DeliveryState;
  hour: HourCounts | null;
  uptime: UptimeSums;
  /** A new deployment's last measured latencies per monitor (at most WARMUP_POINTS), until `meta.sparkReady`. */
  warmup: Record<string, number[]> | null;
  /** Each SLO's running counts (history/slo-budget.ts); empty in state stored before SLOs existed. */
  slo: SloTracks;
}

/** Latencies a new deployment's page draws before two hours are archived. */
export const WARMUP_POINTS = 30;

/** The day's latency accumulators, read and written by the archive jobs only. */
export interface DayAccumulators {
  d: string;
  m: Record<string, DayAccumulator>;
}

function emptyMeta(): Meta {
  return {
    v: 2,
    seq: 0,
    lastTickAt: null,
    durationMs: 0,
    kv: null,
    unsavedIncidents: [],
    certificateTiers: {},
    adminMaintenance: [],
    pruned: { raw: null, days: null },
    jobs: [],
    staleNotified: null,
    sparkReady: false,
  };
}

export function emptyHotState(): HotState {
  return {
    meta: emptyMeta(),
    results: {},
    incidents: { tracks: {}, incidents: [] },
    delivery: EMPTY_DELIVERY,
    hour: null,
    uptime: { sum24: null, today: { d: "", m: {} }, yesterday: null, windows: null },
    warmup: null,
    slo: {},
  };
}
