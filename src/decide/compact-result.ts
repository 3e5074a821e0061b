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

/** `2096-03-10T09:41:00.512Z` as epoch ms; any other text (another format, an impossible date) stays as it is. */
function timeOf(iso: string): number | string {
  const ms = isoMs(iso);
  return ms === null ? iso : ms;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Reads exactly the form toISOString() writes, by hand: the writer converts two times a monitor every tick, and
 * Date.parse with a round-trip check cost more than the rest of the encoding. Null unless the text is that form
 * with every field in range, so what comes back through toISOString() is the same text.
 */
function isoMs(t: string): number | null {
  if (t.length !== 24 || t[4] !== "-" || t[7] !== "-" || t[10] !== "T" || t[13] !== ":" || t[16] !== ":" || t[19] !== "." || t[23] !== "Z")
    return null;
  const y = digits(t, 0, 4);
  const mo = digits(t, 5, 7);
  const d = digits(t, 8, 10);
  const h = digits(t, 11, 13);
  const mi = digits(t, 14, 16);
  const s = digits(t, 17, 19);
  const ms = digits(t, 20, 23);
  // Date.UTC reads years 0-99 as 1900-1999.
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || ms < 0) return null;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (mo === 2 && !leap ? 28 : (DAYS_IN_MONTH[mo - 1] as number))) return null;
  return Date.UTC(y, mo - 1, d, h, mi, s, ms);
}

/** The decimal number in `t` from `from` to `to`, or -1 when a character there is not a digit. */
function digits(t: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
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
