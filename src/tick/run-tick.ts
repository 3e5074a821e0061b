import type { Config } from "../config/schema";
import type { InvalidConfig } from "../coordinator/coordinator";
import type { TickInput, TickSummary } from "../coordinator/commit-tick";
import type { Log } from "../core/log";
import type { ProbeDeps } from "../probes/types";
import { type CallShard, collectSharded } from "../shards/collect-sharded";
import { planTick } from "../shards/plan-shards";
import { shownCounts } from "../decide/shown-counts";
import { dueMonitors } from "./due-monitors";
import { isProbed } from "../probes";
import { probeBatch } from "../probes/probe-batch";
import { RESERVED_SUBREQUESTS } from "../probes/subrequest-budget";

/** The writer of the tick: the coordinator object's `tick` (or anything that answers like it). */
export interface TickWriter {
  tick(input: TickInput & { configText: string | null }): Promise<TickSummary | InvalidConfig>;
}

export interface TickDeps {
  config: Config;
  /** The config as the Worker got it (`EDGEWATCH_CONFIG`), null for the bundled file: the writer judges by the same. */
  configText: string | null;
  probe: ProbeDeps;
  log: Log;
  writer: TickWriter;
  /** How shards are called, for a config that does not fit this invocation. */
  callShard: CallShard;
}

/**
 * The cron's side of a tick: which monitors are due this minute (their `interval`), their probes (here when they fit
 * this invocation, else by shards), then one call to the writer, which judges, stores and notifies. Returns what the
 * writer did, or throws when it refused the tick (an invalid config there).
 */
export async function runTick(deps: TickDeps, scheduledTime: number): Promise<TickSummary> {
  const { config, log } = deps;
  const startedAt = deps.probe.now();
  const tickAt = new Date(scheduledTime).toISOString();
  // Push monitors have nothing to probe: the writer judges them from their beats.
  const due = dueMonitors(config.monitors, scheduledTime).filter(isProbed);
  const plan = planTick({ ...config, monitors: due });
  const collected = plan.inline
    ? await probeBatch(due, deps.probe, config.limits.subrequests - RESERVED_SUBREQUESTS, config.limits.subrequests)
    : await collectSharded(plan, config, tickAt, { call: deps.callShard, now: deps.probe.now, log })(due);
  for (const r of collected.results) {
    if (r.error)
      log("warn", "probe not up", {
        monitor: r.monitorId,
        status: r.unknown ? "unknown" : r.status,
        phase: r.error.phase,
        detail: r.error.detail,
      });
  }
  const summary = await deps.writer.tick({ scheduledTime, startedAt, configText: deps.configText, results: collected.results });
  if ("errors" in summary) throw new Error(`the coordinator refused the tick: invalid configuration: ${summary.errors.join("; ")}`);
  const { results, events, notified, wroteState, wroteLatest, jobs, skipped, durationMs } = summary;
  const counts = summary.counts ?? shownCounts(results);
  log("info", skipped ? "tick skipped" : "tick done", {
    tickAt,
    durationMs,
    probed: summary.probed ?? results.length,
    of: config.monitors.length,
    shards: plan.shards.length,
    ...counts,
    events: events.length,
    notified,
    wroteState,
    wroteLatest,
    jobs,
  });
  return summary;
}
