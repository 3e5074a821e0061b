import type { ShownResult } from "./hot-state";

/**
 * A result as latest.json and the writer's state carry it: `[status, latencyMs, checkedAt, message, details, since]`,
 * the times as epoch milliseconds when they read back to the same ISO text. Positional, so that a thousand monitors
 * do not each repeat six key names and two 24-character dates: the guide's gateway answer takes 190 bytes instead
 * of 270, and the public latest object stays under 300 bytes a monitor.
 */
export function encodeShown(shown: ShownResult): string {
  return JSON.stringify([shown.status, shown.latencyMs, timeOf(shown.checkedAt), shown.message, shown.details, timeOf(shown.since)]);
}

function timeOf(iso: string): number | string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) && new Date(ms).toISOString() === iso ? ms : iso;
}

function isoOf(time: unknown): string {
  if (typeof time === "number" && Number.isFinite(time)) return new Date(time).toISOString();
  return typeof time === "string" ? time : "";
}

/**
 * Either form back to the result: the compact array, or the object that state and latest.json written before it
 * hold (until the monitor's next probe rewrites it). Null for anything else.
 */
export function decodeShown(value: unknown): ShownResult | null {
  if (Array.isArray(value)) {
    const [status, latencyMs, checkedAt, message, details, since] = value as unknown[];
    return {
      status: status as ShownResult["status"],
      latencyMs: typeof latencyMs === "number" ? latencyMs : null,
      checkedAt: isoOf(checkedAt),
      message: typeof message === "string" ? message : "",
      details: details !== null && typeof details === "object" && !Array.isArray(details) ? (details as ShownResult["details"]) : {},
      since: isoOf(since),
    };
  }
  return value !== null && typeof value === "object" ? (value as ShownResult) : null;
}
