import type { MaintenanceWindow } from "../config/schema";
import type { Counts } from "../history/schemas";
import type { SloStatus } from "../history/slo-budget";
import type { Uptime } from "../history/uptime-of";
import type { Incident } from "../incidents/types";
import type { ShownResult } from "../decide/hot-state";
import { decodeShown } from "../decide/compact-result";
import { parseJson } from "./parse-stored";
import { LatestSnapshot } from "../decide/snapshot";
import type { ReadResult } from "./parse-stored";

/**
 * `latest.json`, what every public face reads: each monitor's last result, uptime and counts today, the open and
 * recent incidents, and maintenance windows added through the admin API. Its size is bounded by the number of
 * monitors and incidents, never by the time of day (history lives in its own objects), and it is written once a
 * tick by the coordinator. Version 3 (each result in the compact form of decide/compact-result.ts); version 2 (the
 * same with results as objects) and version 1 (written before the coordinator kept the state, with the history
 * carry inside) are still read, for the minute between an upgrade and its first tick.
 */
export interface LatestView {
  tickAt: string;
  durationMs: number;
  monitors: Record<string, ShownResult>;
  uptime: Record<string, Uptime>;
  /** Per monitor the counts so far today (up, degraded, down, maintenance, unknown); empty from a version 1 object. */
  today: Record<string, Counts>;
  incidents: Incident[];
  adminMaintenance: MaintenanceWindow[];
  /** A new deployment's last latencies per monitor, until two hours are archived for the sparklines. */
  warmup?: Record<string, number[]>;
  /** Every SLO as of the tick; absent from objects written before SLOs existed and when none is configured. */
  slos?: SloStatus[];
}

/** What the writer hands over: each monitor's result as JSON text already (it keeps them so), the rest as values. */
export interface LatestParts extends Omit<LatestView, "monitors"> {
  monitors: Record<string, string>;
}

const NO_COUNTS: Counts = [0, 0, 0, 0, 0];

/**
 * `{ v: 3, tickAt, durationMs, monitors: { id: [compact result] }, uptime: { id: [24h, 7d, 30d, 90d, and today's up,
 * degraded, down, maintenance, unknown] }, incidents, adminMaintenance }`. Each monitor's result is spliced in as the
 * text the writer keeps, not serialised again: a tick rewrites only what it measured.
 */
export function latestText(parts: LatestParts): string {
  const ids = Object.keys(parts.monitors);
  // Monitor ids are slugs (a-z, 0-9, - and _): quoted as they are. Both maps are written by hand, a monitor a line's
  // worth of text: at 1,000 monitors an object of arrays built only to be stringified cost more than the rest.
  const monitors = ids.map((id) => `"${id}":${parts.monitors[id]}`).join(",");
  const uptime = ids
    .map((id) => {
      const u = parts.uptime[id];
      const c = parts.today[id] ?? NO_COUNTS;
      return `"${id}":[${num(u?.["24h"])},${num(u?.["7d"])},${num(u?.["30d"])},${num(u?.["90d"])},${num(c[0])},${num(c[1])},${num(c[2])},${num(c[3])},${num(c[4])}]`;
    })
    .join(",");
  const head = JSON.stringify({ v: 3, tickAt: parts.tickAt, durationMs: parts.durationMs });
  const tail = JSON.stringify({
    incidents: parts.incidents,
    adminMaintenance: parts.adminMaintenance,
    ...(parts.warmup ? { warmup: parts.warmup } : {}),
    ...(parts.slos?.length ? { slos: parts.slos } : {}),
  });
  return `${head.slice(0, -1)},"monitors":{${monitors}},"uptime":{${uptime}},${tail.slice(1)}`;
}

/** A number as JSON writes it (null for none, and for what JSON cannot hold). */
const num = (n: number | null | undefined): string => (typeof n === "number" && Number.isFinite(n) ? String(n) : "null");

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function fromV2(raw: Record<string, unknown>): ReadResult<LatestView> {
  if (typeof raw.tickAt !== "string" || !isObject(raw.monitors) || !Array.isArray(raw.incidents))
    return { kind: "corrupt", reason: "latest.json (v2) lacks tickAt, monitors or incidents" };
  const uptime: Record<string, Uptime> = {};
  const today: Record<string, Counts> = {};
  for (const [id, u] of Object.entries(isObject(raw.uptime) ? raw.uptime : {})) {
    if (!Array.isArray(u)) continue;
    uptime[id] = { "24h": u[0] ?? null, "7d": u[1] ?? null, "30d": u[2] ?? null, "90d": u[3] ?? null };
    if (u.length >= 9) today[id] = u.slice(4, 9) as Counts;
  }
  return {
    kind: "ok",
    value: {
      tickAt: raw.tickAt,
      durationMs: typeof raw.durationMs === "number" ? raw.durationMs : 0,
      monitors: shownResults(raw.monitors),
      uptime,
      today,
      incidents: raw.incidents as Incident[],
      adminMaintenance: Array.isArray(raw.adminMaintenance) ? (raw.adminMaintenance as MaintenanceWindow[]) : [],
      ...(isObject(raw.warmup) ? { warmup: raw.warmup as Record<string, number[]> } : {}),
      ...(Array.isArray(raw.slos) ? { slos: raw.slos as SloStatus[] } : {}),
    },
  };
}

/** Each monitor's result, in the compact form (version 3) or as the object version 2 wrote. */
function shownResults(raw: Record<string, unknown>): Record<string, ShownResult> {
  const out: Record<string, ShownResult> = {};
  for (const [id, value] of Object.entries(raw)) {
    const shown = decodeShown(value);
    if (shown) out[id] = shown;
  }
  return out;
}

/** Reads any version. Versions 2 and 3 are this code's own output: shape-checked, not validated field by field. */
export function parseLatestText(text: string | null): ReadResult<LatestView> {
  const json = parseJson(text);
  if (json.kind !== "ok") return json;
  const raw = json.raw;
  if (!isObject(raw)) return { kind: "corrupt", reason: "not an object" };
  if (raw.v === 2 || raw.v === 3) return fromV2(raw);
  const v1 = LatestSnapshot.safeParse(raw);
  if (!v1.success) return { kind: "corrupt", reason: v1.error.issues[0]?.message ?? "invalid" };
  const { tickAt, durationMs, monitors, uptime, incidents, adminMaintenance } = v1.data;
  return { kind: "ok", value: { tickAt, durationMs, monitors, uptime, today: {}, incidents: incidents.incidents, adminMaintenance } };
}
