import type { Config, Monitor } from "../config/schema";
import type { IncidentEvent } from "../incidents/types";
import type { Log } from "../log";
import type { ProbeDeps } from "../probes/types";
import type { Stores } from "../storage/types";
import { applyResults } from "./apply-results";
import { shownCounts, type TickResult } from "./next-snapshot";
import { type Collected, probeBatch } from "./probe-batch";
import { type Previous, readPrevious } from "./read-previous";
import { RESERVED_SUBREQUESTS } from "./subrequest-budget";

export { notificationBudget } from "./apply-results";

/** Times a tick applies its results again after another writer (an admin request, the receiver) changed the state. */
const APPLY_ATTEMPTS = 3;

/** Gets this tick's results: probes in this invocation by default, or shards elsewhere (src/shards). */
export type Collect = (monitors: readonly Monitor[]) => Promise<Collected>;

export interface TickDeps extends Stores {
  config: Config;
  probe: ProbeDeps;
  log: Log;
  collect?: Collect;
}

export interface TickSummary {
  tickAt: string;
  /** Why nothing was done: a tick for this minute (or a later one) already ran, or another tick wrote first. */
  skipped: "duplicate" | "overlap" | null;
  durationMs: number;
  results: TickResult[];
  events: IncidentEvent[];
  wroteLatest: boolean;
  wroteState: boolean;
}

/**
 * read state → collect results (probes here, or shards) → apply (src/scheduler/apply-results.ts). When someone else
 * wrote the state in between, the same results are applied again to what is there now, so an admin request landing
 * mid-tick costs neither side anything; only a tick for this minute or a later one makes this one give up.
 * Storage failures are logged, never thrown: the next tick starts from whatever was saved.
 */
export async function runTick(deps: TickDeps, scheduledTime: number): Promise<TickSummary> {
  const { log, config } = deps;
  const tickAt = new Date(scheduledTime).toISOString();
  const started = deps.probe.now();
  const summary = (fields: Partial<TickSummary>): TickSummary => ({
    tickAt,
    skipped: null,
    durationMs: Math.round(deps.probe.now() - started),
    results: [],
    events: [],
    wroteLatest: false,
    wroteState: false,
    ...fields,
  });

  // A tick for this minute or a later one has already written: this one is a duplicate, or has lost the race.
  const overtaken = (previous: Previous) => previous.tickAt !== null && Date.parse(previous.tickAt) >= scheduledTime;
  let previous = await readPrevious(deps);
  if (overtaken(previous)) {
    log("warn", "tick skipped: this minute or a later one already ran", { tickAt, lastTickAt: previous.tickAt });
    return summary({ skipped: "duplicate" });
  }

  const collect: Collect = deps.collect ?? ((monitors) => probeBatch(monitors, deps.probe, config.limits.subrequests - RESERVED_SUBREQUESTS, config.limits.subrequests));
  const collected = await collect(config.monitors);
  for (const r of collected.results) {
    if (r.error) log("warn", "probe not up", { monitor: r.monitorId, status: r.unknown ? "unknown" : r.status, phase: r.error.phase, detail: r.error.detail });
  }

  let kv = previous.kv;
  let wroteState = false;
  for (let attempt = 1; ; attempt++) {
    const applied = await applyResults(deps, previous, collected, scheduledTime, started, kv);
    // A KV write this tick already made stands: applying again must not spend (or collide on) another.
    kv = applied.kv;
    wroteState ||= applied.wroteState;
    if (applied.kind === "done") {
      const { results, events, wroteLatest, notified, durationMs } = applied;
      log("info", "tick done", { tickAt, durationMs, monitors: results.length, ...shownCounts(results), events: events.length, notified, wroteState, wroteLatest, attempts: attempt });
      return summary({ durationMs, results, events, wroteLatest, wroteState });
    }
    previous = await readPrevious(deps);
    const later = overtaken(previous);
    if (later || attempt === APPLY_ATTEMPTS) {
      log("warn", later ? "tick lost a race with an overlapping tick; its results are dropped" : "state kept changing under the tick; its results are dropped", { tickAt, attempts: attempt });
      return summary({ skipped: "overlap", results: applied.results, events: applied.events, wroteState });
    }
    log("info", "state changed during the tick (an admin request or the receiver); applying its results again", { tickAt, attempt });
  }
}
