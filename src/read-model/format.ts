import { dayKeyOf } from "../history/keys";
import type { SloStatus } from "../history/slo-budget";

/** Numbers, durations, days and times in words for people: the status page's and the badges'. Pure. */

/**
 * Percent for people, never rounded up: `100%` only when exactly so; otherwise cut (not rounded) to `places`
 * decimals, so 99.999 is `99.99%` and a day with a failure never reads 100%. The page writes every decimal
 * (`99.50%`); badges drop trailing zeros (`99.5%`) and use three places.
 */
export function formatPercent(value: number, { places = 2, trimZeros = false } = {}): string {
  if (value >= 100) return "100%";
  if (value <= 0) return "0%";
  const scale = 10 ** places;
  // The nudge keeps float noise (0.29 * 100 is 28.999…) from cutting a value that is exactly on a step down to the
  // step below; the cap keeps a value a hair below 100 from reading 100%.
  const steps = Math.min(Math.floor(value * scale + 1e-9), 100 * scale - 1);
  const text = (steps / scale).toFixed(places);
  return `${trimZeros ? String(Number(text)) : text}%`;
}

export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function formatDuration(ms: number): string {
  return formatMinutes(Math.max(0, Math.round(ms / 60_000)));
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function monthDay(day: string): string {
  return `${MONTHS[Number(day.slice(5, 7)) - 1]} ${Number(day.slice(8, 10))}`;
}

/** `Nov 28`, with the year when it is not `today`'s; `Today` for today. */
export function dayName(day: string, today: string): string {
  if (day === today) return "Today";
  return day.slice(0, 4) === today.slice(0, 4) ? monthDay(day) : `${monthDay(day)}, ${day.slice(0, 4)}`;
}

/** `Nov 9–24` within a month, `Oct 20 – Nov 7` across months, `Nov 26 – Today`. */
export function dayRange(from: string, to: string, today: string): string {
  if (from.slice(0, 7) === to.slice(0, 7) && to !== today) {
    const end = Number(to.slice(8, 10));
    return from.slice(0, 4) === today.slice(0, 4) ? `${monthDay(from)}–${end}` : `${monthDay(from)}–${end}, ${from.slice(0, 4)}`;
  }
  return `${dayName(from, today)} – ${dayName(to, today)}`;
}

/** `21:01 UTC`. */
export function formatTime(iso: string): string {
  return `${iso.slice(11, 16)} UTC`;
}

/** `Nov 28, 21:01 UTC`, with the year when it is not the current one. */
export function formatDateTime(iso: string, nowMs: number): string {
  const day = iso.slice(0, 10);
  const year = day.slice(0, 4) === dayKeyOf(nowMs).slice(0, 4) ? "" : ` ${day.slice(0, 4)}`;
  return `${monthDay(day)}${year}, ${formatTime(iso)}`;
}

/** `Saturday, Nov 28, 2026`: a day heading. */
export function longDay(day: string): string {
  const weekday = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][new Date(`${day}T00:00:00Z`).getUTCDay()];
  return `${weekday}, ${monthDay(day)}, ${day.slice(0, 4)}`;
}

/**
 * An SLO in a line: `99.9% good minutes over 30d (within 2000 ms): 99.952% attained, 52.0% of the error budget
 * left, burning 0.4× over 1 h`, and `; burning fast` while a burn-rate alert is in its episode.
 */
export function describeSlo(s: SloStatus): string {
  const what = `${s.objective}% good minutes over ${s.window}${s.latencyMs === null ? "" : ` (within ${s.latencyMs} ms)`}`;
  if (s.attainment === null || s.budgetRemaining === null) return `${what}: no minutes counted yet`;
  const burn = s.burnRate["1h"] === null ? "" : `, burning ${s.burnRate["1h"]}× over 1 h`;
  const alert = s.burning === null ? "" : `; burning ${s.burning}`;
  return `${what}: ${formatPercent(s.attainment, { places: 3 })} attained, ${s.budgetRemaining.toFixed(1)}% of the error budget left${burn}${alert}`;
}
