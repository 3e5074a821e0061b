import { addDays, DAY_MS, dayKeyOf } from "../history/keys";
import { uptimePercent } from "../history/rollup";
import type { Counts, HistorySummary } from "../history/schemas";
import type { Locale } from "./locale";
import { hourCounts, type PageCarry } from "./page-carry";

/** The status page's 90-day uptime bar, one per monitor. Pure. */

export const BAR_DAYS = 90;

export type DayState = "up" | "degraded" | "down" | "maintenance" | "none";

/** A run of days in the uptime bar: one day, or consecutive days alike (all fully up, or all without data). */
export interface DayRun {
  /** Index of the first day (0 = 89 days ago, 89 = today) and how many days the run covers. */
  start: number;
  days: number;
  state: DayState;
  /** Uptime in percent over the run; null without data. */
  uptime: number | null;
  /** Date and uptime in words: the cell's hover text and what a screen reader says. */
  label: string;
}

/** The bars' first and last day (UTC, the last is today), and each monitor's runs of days over them. */
export function uptimeBars(
  summary: HistorySummary | null,
  carry: PageCarry | null,
  nowMs: number,
  l: Locale,
): { first: string; last: string; runsOf: (id: string) => DayRun[] } {
  const last = dayKeyOf(nowMs);
  const first = addDays(last, 1 - BAR_DAYS);
  const countsByDay = dayCounts(summary, carry, first);
  return { first, last, runsOf: (id) => dayRuns(countsByDay(id), first, last, l) };
}

/** Per monitor, the counts of each of the 90 days (index 0 = 89 days ago): the summary's days, and the carry's today. */
function dayCounts(summary: HistorySummary | null, carry: PageCarry | null, first: string): (id: string) => (Counts | null)[] {
  const firstMs = Date.parse(`${first}T00:00:00Z`);
  const indexOf = (day: string) => Math.round((Date.parse(`${day}T00:00:00Z`) - firstMs) / DAY_MS);
  return (id) => {
    const out: (Counts | null)[] = new Array(BAR_DAYS).fill(null);
    const entry = summary?.monitors[id];
    if (summary && entry) {
      summary.days.forEach((day, i) => {
        const index = indexOf(day);
        if (index >= 0 && index < BAR_DAYS) out[index] = entry.counts[i] ?? null;
      });
    }
    if (carry) {
      // The carry's day: its finished hours plus the ticks of the current hour when that hour is in the same day.
      const index = indexOf(carry.today.d);
      if (index >= 0 && index < BAR_DAYS) {
        let counts: Counts | null = carry.today.m[id]?.c ?? null;
        if (carry.hour.h.startsWith(carry.today.d)) {
          const current = hourCounts(carry.hour, id);
          if (current) counts = counts ? (counts.map((c, k) => c + current[k]!) as Counts) : current;
        }
        if (counts) out[index] = counts;
      }
    }
    return out;
  };
}

export function dayState(counts: Counts | null): DayState {
  if (!counts) return "none";
  if (counts[2] > 0) return "down";
  if (counts[1] > 0) return "degraded";
  if (counts[3] > 0) return "maintenance";
  return counts[0] > 0 ? "up" : "none";
}

/**
 * The 90 days as runs: days with a problem stand alone; consecutive days fully up, or without data, merge. The days
 * are UTC days, as history keeps them, whatever the page's time zone.
 */
export function dayRuns(days: readonly (Counts | null)[], first: string, today: string, l: Locale): DayRun[] {
  const runs: (DayRun & { counts: Counts })[] = [];
  days.forEach((counts, index) => {
    const state = dayState(counts);
    const last = runs.at(-1);
    if (last && (state === "up" || state === "none") && last.state === state) {
      last.days += 1;
      if (counts) last.counts = last.counts.map((c, k) => c + counts[k]!) as Counts;
      return;
    }
    runs.push({ start: index, days: 1, state, uptime: null, label: "", counts: counts ? ([...counts] as Counts) : [0, 0, 0, 0, 0] });
  });
  return runs.map(({ counts, ...run }) => {
    const uptime = run.state === "none" ? null : uptimePercent(counts);
    const from = addDays(first, run.start);
    const to = addDays(first, run.start + run.days - 1);
    const when = run.days === 1 ? l.dayName(from, today) : l.dayRange(from, to, today);
    return { ...run, uptime, label: `${when}: ${dayWords(run.state, uptime, counts, l)}` };
  });
}

function dayWords(state: DayState, uptime: number | null, counts: Counts, l: Locale): string {
  const { t } = l;
  if (state === "none") return t.noData;
  // The bar is labelled as uptime: each day's figure stands alone (150 cells, 7 bytes each in English, 10 in German).
  const words = [uptime === null ? t.noUptime : l.percent(uptime)];
  // One tick a minute: ticks are minutes.
  if (counts[2] > 0) words.push(t.dayWords.down(l.minutes(counts[2])));
  if (counts[1] > 0) words.push(t.dayWords.degraded(l.minutes(counts[1])));
  if (counts[3] > 0) words.push(t.dayWords.maintenance(l.minutes(counts[3])));
  return words.join(", ");
}
