import { type Slo, type SloSubject, windowDays } from "../config/slo";
import { DAY_MS, dayKeyOf } from "./keys";

/**
 * Error budgets at a flat cost: each SLO keeps its own running counts, moved on by one minute a tick, so neither a
 * budget nor a burn rate ever re-reads history. The last six hours are a string of one letter a minute (the burn-rate
 * windows: 5 min, 30 min, 1 h, 6 h), the window a count per UTC day (at most 90).
 */

/** Minutes the per-minute ring holds: the longest burn-rate window, 6 hours. */
export const RING_MINUTES = 360;

/** Burn-rate windows, in minutes. */
const BURN_WINDOWS = { "5m": 5, "30m": 30, "1h": 60, "6h": 360 } as const;
export type BurnWindow = keyof typeof BURN_WINDOWS;

export interface SloTrack {
  /** The epoch minute of the ring's last letter. */
  m: number;
  /** The last RING_MINUTES minutes, oldest first: `g` good, `b` bad, `-` not counted (maintenance, unknown, a gap). */
  ring: string;
  /** Per UTC day of the window, oldest first: the day, minutes counted, minutes bad. */
  days: [string, number, number][];
  /** When the current fast and slow burn episodes started (ISO), or null: each is announced once. */
  fast: string | null;
  slow: string | null;
}

/** Keyed by SloSubject.key. */
export type SloTracks = Record<string, SloTrack>;

export type Verdict = "good" | "bad" | null;

/** Moves a track on to `minuteMs` with that minute's verdict; minutes skipped in between count for nothing. */
export function advance(track: SloTrack | undefined, minuteMs: number, verdict: Verdict, slo: Pick<Slo, "window">): SloTrack {
  const m = Math.floor(minuteMs / 60_000);
  const before: SloTrack = track ?? { m: m - 1, ring: "", days: [], fast: null, slow: null };
  if (m <= before.m) return before;
  const gap = "-".repeat(Math.min(m - before.m - 1, RING_MINUTES));
  const ring = (before.ring + gap + (verdict === null ? "-" : verdict === "good" ? "g" : "b")).slice(-RING_MINUTES);
  const day = dayKeyOf(minuteMs);
  const oldest = dayKeyOf(minuteMs - (windowDays(slo) - 1) * DAY_MS);
  const days = before.days.filter(([d]) => d >= oldest && d !== day);
  const today = before.days.find(([d]) => d === day) ?? [day, 0, 0];
  if (verdict !== null) days.push([day, today[1] + 1, today[2] + (verdict === "bad" ? 1 : 0)]);
  else days.push(today);
  return { ...before, m, ring, days };
}

export interface SloFigures {
  /** Percent of counted minutes in the window that were good (three decimals); null before any was counted. */
  attainment: number | null;
  /** Percent of the window's error budget left (negative once overspent); null before any minute was counted. */
  budgetRemaining: number | null;
  /** How many times faster than the sustainable rate the budget burns over each window; null without data in it. */
  burnRate: Record<BurnWindow, number | null>;
}

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

/** Counted and bad minutes among the ring's last `minutes`. */
function countRing(ring: string, minutes: number): { counted: number; bad: number } {
  let counted = 0;
  let bad = 0;
  for (let i = Math.max(0, ring.length - minutes); i < ring.length; i++) {
    const c = ring.charCodeAt(i);
    if (c === 103) counted++;
    else if (c === 98) {
      counted++;
      bad++;
    }
  }
  return { counted, bad };
}

/** Attainment, budget left and burn rates of one SLO as its track stands (at the track's own last minute). */
export function sloFigures(track: SloTrack | undefined, slo: Pick<Slo, "objective">): SloFigures {
  const allowed = 1 - slo.objective / 100;
  const burnRate = {} as Record<BurnWindow, number | null>;
  for (const [name, minutes] of Object.entries(BURN_WINDOWS) as [BurnWindow, number][]) {
    const { counted, bad } = countRing(track?.ring ?? "", minutes);
    burnRate[name] = counted ? round(bad / counted / allowed, 2) : null;
  }
  const counted = track?.days.reduce((n, d) => n + d[1], 0) ?? 0;
  const bad = track?.days.reduce((n, d) => n + d[2], 0) ?? 0;
  return {
    attainment: counted ? round(100 * (1 - bad / counted), 3) : null,
    budgetRemaining: counted ? round(100 * (1 - bad / counted / allowed), 1) : null,
    burnRate,
  };
}

/** An SLO as the faces show it: what it promises, how it stands, and whether its budget is burning now. */
export interface SloStatus extends SloFigures {
  key: string;
  name: string;
  monitorIds: string[];
  objective: number;
  window: Slo["window"];
  latencyMs: number | null;
  /** The burn-rate alert in its episode now, if any (fast before slow). */
  burning: "fast" | "slow" | null;
}

export function sloStatus(subject: SloSubject, track: SloTrack | undefined): SloStatus {
  return {
    key: subject.key,
    name: subject.name,
    monitorIds: subject.monitorIds,
    objective: subject.slo.objective,
    window: subject.slo.window,
    latencyMs: subject.slo.latencyMs ?? null,
    ...sloFigures(track, subject.slo),
    burning: track?.fast ? "fast" : track?.slow ? "slow" : null,
  };
}
