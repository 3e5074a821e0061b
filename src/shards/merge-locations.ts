import type { LocationHint } from "../config/base";
import type { Monitor } from "../config/schema";
import { type CollectedResult, unknownResult } from "../probes/probe-batch";
import type { LocationReport } from "../probes/location-report";

/** One location's probe of a monitor, and where it really ran (`colo`, when the runtime said). */
export interface LocationResult {
  location: LocationHint;
  colo: string | null;
  result: CollectedResult;
}

type Verdict = LocationReport["status"];

const ORDER: Verdict[] = ["down", "degraded", "up", "unknown"];

/** `weur`, `weur and apac`, `weur, eeur and apac`. */
function names(list: readonly string[]): string {
  return list.length < 2 ? (list[0] ?? "") : `${list.slice(0, -1).join(", ")} and ${list.at(-1)}`;
}

/** `down from weur, up from wnam and apac`: every location, worst first. */
export function regionSummary(reports: readonly LocationReport[]): string {
  return ORDER.flatMap((status) => {
    const where = reports.filter((r) => r.status === status).map((r) => r.location);
    return where.length ? [`${status === "unknown" ? "no answer" : status} from ${names(where)}`] : [];
  }).join(", ");
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Locations that must see a monitor down before it is down: the config's `quorum`, else half of them, rounded up. */
export function quorumOf(monitor: Pick<Monitor, "locations" | "quorum">): number {
  return monitor.quorum ?? Math.ceil((monitor.locations?.length ?? 1) / 2);
}

/**
 * One verdict from a monitor's locations. Down only when a quorum of them sees it down: a failure seen from fewer is a
 * regional problem (degraded, the message naming the regions), not a global outage worth waking someone for.
 */
export function mergeLocations(monitor: Monitor, perLocation: readonly LocationResult[], at: number): CollectedResult {
  const reports: LocationReport[] = perLocation.map(({ location, colo, result }) => ({
    location,
    colo,
    status: result.unknown ? "unknown" : result.status,
    latencyMs: result.latencyMs,
    checkedAt: result.checkedAt,
    message: result.message,
  }));
  const summary = regionSummary(reports);
  const known = perLocation.filter((l) => !l.result.unknown);
  if (!known.length) {
    const merged = unknownResult(monitor, at, "locations", `no location answered this tick (${summary})`);
    return { ...merged, details: { locations: reports } } as CollectedResult;
  }
  const down = known.filter((l) => l.result.status === "down");
  const failing = known.filter((l) => l.result.status !== "up");
  const status = down.length >= quorumOf(monitor) ? "down" : failing.length ? "degraded" : "up";
  // The result shown is a location's own (its status code, checks, certificate): a down one when any is down.
  const worst = down[0] ?? failing[0];
  const base = (worst ?? known[0]!).result;
  const cause = worst ? ` (${worst.location}: ${worst.result.message})` : "";
  const latencyMs = median(known.flatMap((l) => (l.result.latencyMs === null ? [] : [l.result.latencyMs])));
  const checkedAt = known
    .map((l) => l.result.checkedAt)
    .sort()
    .at(-1)!;
  const error = worst?.result.error
    ? { phase: worst.result.error.phase, detail: `${worst.location}: ${worst.result.error.detail}` }
    : undefined;
  // Spreading a union loses which details go with which type; they are the base result's own, so the cast holds.
  return {
    ...base,
    status,
    latencyMs,
    checkedAt,
    message: `${summary}${cause}`,
    details: { ...base.details, locations: reports },
    error,
  } as CollectedResult;
}
