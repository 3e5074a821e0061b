import type { MaintenanceWindow } from "../config/schema";
import type { Counts } from "../history/schemas";
import type { Uptime } from "../history/uptime-of";
import type { Incident } from "../incidents/types";
import { LatestSnapshot, type StoredResult } from "./snapshot";
import type { ReadResult } from "./types";

/**
 * `latest.json`, what every public face reads: each monitor's last result, uptime and counts today, the open and
 * recent incidents, and maintenance windows added through the admin API. Its size is bounded by the number of
 * monitors and incidents, never by the time of day (history lives in its own objects), and it is written once a
 * tick by the coordinator. Version 2; version 1 (written before the coordinator kept the state, with the history
 * carry inside) is still read, for the minute between an upgrade and its first tick.
 */
export interface LatestView {
  tickAt: string;
  durationMs: number;
  monitors: Record<string, StoredResult>;
  uptime: Record<string, Uptime>;
  /** Per monitor the counts so far today (up, degraded, down, maintenance, unknown); empty from a version 1 object. */
  today: Record<string, Counts>;
  incidents: Incident[];
  adminMaintenance: MaintenanceWindow[];
}

/** A monitor as stored: the result without what the object says once (its check time when it is the tick's). */
interface StoredMonitor extends Omit<StoredResult, "checkedAt"> {
  checkedAt?: string;
  uptime: [number | null, number | null, number | null, number | null];
  today: Counts;
}

interface LatestV2 {
  v: 2;
  tickAt: string;
  durationMs: number;
  monitors: Record<string, StoredMonitor>;
  incidents: Incident[];
  adminMaintenance: MaintenanceWindow[];
}

const NO_COUNTS: Counts = [0, 0, 0, 0, 0];

export function latestText(view: LatestView): string {
  const monitors: Record<string, StoredMonitor> = {};
  for (const [id, m] of Object.entries(view.monitors)) {
    const u = view.uptime[id];
    const { checkedAt, ...rest } = m;
    monitors[id] = {
      ...rest,
      ...(checkedAt === view.tickAt ? {} : { checkedAt }),
      uptime: u ? [u["24h"], u["7d"], u["30d"], u["90d"]] : [null, null, null, null],
      today: view.today[id] ?? NO_COUNTS,
    };
  }
  const object: LatestV2 = { v: 2, tickAt: view.tickAt, durationMs: view.durationMs, monitors, incidents: view.incidents, adminMaintenance: view.adminMaintenance };
  return JSON.stringify(object);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function fromV2(raw: Record<string, unknown>): ReadResult<LatestView> {
  if (typeof raw.tickAt !== "string" || !isObject(raw.monitors) || !Array.isArray(raw.incidents)) return { kind: "corrupt", reason: "latest.json (v2) lacks tickAt, monitors or incidents" };
  const tickAt = raw.tickAt;
  const view: LatestView = {
    tickAt,
    durationMs: typeof raw.durationMs === "number" ? raw.durationMs : 0,
    monitors: {},
    uptime: {},
    today: {},
    incidents: raw.incidents as Incident[],
    adminMaintenance: Array.isArray(raw.adminMaintenance) ? (raw.adminMaintenance as MaintenanceWindow[]) : [],
  };
  for (const [id, value] of Object.entries(raw.monitors as Record<string, StoredMonitor>)) {
    if (!isObject(value)) continue;
    const { uptime, today, checkedAt, ...rest } = value;
    view.monitors[id] = { ...rest, checkedAt: checkedAt ?? tickAt };
    if (Array.isArray(uptime)) view.uptime[id] = { "24h": uptime[0] ?? null, "7d": uptime[1] ?? null, "30d": uptime[2] ?? null, "90d": uptime[3] ?? null };
    if (Array.isArray(today)) view.today[id] = today;
  }
  return { kind: "ok", value: view };
}

/** Reads either version. Version 2 is this code's own output: shape-checked, not validated field by field. */
export function parseLatestText(text: string | null): ReadResult<LatestView> {
  if (text === null) return { kind: "missing" };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { kind: "corrupt", reason: `not JSON: ${(error as Error).message}` };
  }
  if (!isObject(raw)) return { kind: "corrupt", reason: "not an object" };
  if (raw.v === 2) return fromV2(raw);
  const v1 = LatestSnapshot.safeParse(raw);
  if (!v1.success) return { kind: "corrupt", reason: v1.error.issues[0]?.message ?? "invalid" };
  const { tickAt, durationMs, monitors, uptime, incidents, adminMaintenance } = v1.data;
  return { kind: "ok", value: { tickAt, durationMs, monitors, uptime, today: {}, incidents: incidents.incidents, adminMaintenance } };
}
