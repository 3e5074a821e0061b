// From a notAfter date to a status and words, shared by the socket and the Cloudflare API sources.
import type { ProbeStatus } from "../core/vocabulary";

const DAY_MS = 86_400_000;

/** Whole days from `now` to `date`, rounded down: negative once the date has passed. */
const daysUntil = (date: Date, now: number) => Math.floor((date.getTime() - now) / DAY_MS);

export const isoDate = (date: Date) => date.toISOString().slice(0, 10);

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export interface ExpiryStatus {
  status: ProbeStatus;
  daysLeft: number;
  message: string;
  /** Set unless the status is up. */
  phase?: "expiry";
}

/** up above warnDays, degraded at or below it, down at or below criticalDays and once expired. */
export function expiryStatus(notAfter: Date, now: number, warnDays: number, criticalDays: number): ExpiryStatus {
  const daysLeft = daysUntil(notAfter, now);
  if (notAfter.getTime() <= now) {
    const ago = Math.floor((now - notAfter.getTime()) / DAY_MS);
    return {
      status: "down",
      daysLeft,
      phase: "expiry",
      message: ago === 0 ? "certificate expired less than a day ago" : `certificate expired ${plural(ago, "day")} ago`,
    };
  }
  const when = daysLeft === 0 ? "in less than a day" : `in ${plural(daysLeft, "day")}`;
  const message = `expires ${when} (${isoDate(notAfter)})`;
  if (daysLeft <= criticalDays) return { status: "down", daysLeft, message, phase: "expiry" };
  if (daysLeft <= warnDays) return { status: "degraded", daysLeft, message, phase: "expiry" };
  return { status: "up", daysLeft, message };
}
