import type { Config, Monitor } from "../config/schema";
import { settleWithin } from "../core/settle-within";
import type { Log } from "../core/log";
import { type CollectedResult, unknownResult } from "../probes/probe-batch";
import { MAX_CONCURRENT_PROBES, mapPool } from "../net/pool";
import { type LocationResult, mergeLocations } from "./merge-locations";
import { type ShardPlan, type TickPlan, worstCaseWallMs } from "./plan-shards";
import type { ShardRequest, ShardResponse } from "./shard-protocol";

/** Calls one shard; throws when it fails. */
export type CallShard = (shard: ShardPlan, request: ShardRequest) => Promise<ShardResponse>;

/** Gets this tick's results for the monitors due. */
export type Collect = (monitors: readonly Monitor[]) => Promise<{ results: CollectedResult[]; subrequests: number }>;

export interface ShardedDeps {
  call: CallShard;
  now: () => number;
  log: Log;
}

/** A shard must answer within the worst case of its probes (six at a time, each retried once) and a margin. */
function shardDeadlineMs(shard: Pick<ShardPlan, "monitors">): number {
  return worstCaseWallMs(shard.monitors) + 5_000;
}

type Outcome = { ok: true; response: ShardResponse } | { ok: false; why: string };

async function callWithDeadline(shard: ShardPlan, request: ShardRequest, deps: ShardedDeps): Promise<Outcome> {
  const deadline = shardDeadlineMs(shard);
  const call = deps.call(shard, request).then(
    (response): Outcome => ({ ok: true, response }),
    (error: unknown): Outcome => ({ ok: false, why: `failed: ${error instanceof Error ? error.message : String(error)}` }),
  );
  return settleWithin(call, deadline, () => ({ ok: false, why: `did not answer within ${deadline} ms` }));
}

/**
 * The sharded tick's collector: the shards called six at a time (like any outbound connection, so none waits in the
 * runtime's queue while its deadline runs), results put back in config order, locations merged by quorum. A shard that fails or is late costs its monitors one tick of
 * `unknown`, never a false incident and never the tick.
 */
export function collectSharded(plan: TickPlan, config: Pick<Config, "limits">, tickAt: string, deps: ShardedDeps): Collect {
  return async (monitors: readonly Monitor[]) => {
    const outcomes = await mapPool(plan.shards, MAX_CONCURRENT_PROBES, (shard) =>
      callWithDeadline(
        shard,
        { key: shard.key, tickAt, location: shard.location, subrequests: config.limits.subrequests, monitors: shard.monitors },
        deps,
      ),
    );
    const at = deps.now();
    const direct = new Map<string, CollectedResult>();
    const located = new Map<string, LocationResult[]>();
    const place = (shard: ShardPlan, colo: string | null, result: CollectedResult) => {
      if (!shard.location) return void direct.set(result.monitorId, result);
      const list = located.get(result.monitorId) ?? [];
      list.push({ location: shard.location, colo, result });
      located.set(result.monitorId, list);
    };
    const giveUp = (shard: ShardPlan, phase: string, why: string) => {
      deps.log("error", "probe shard gave no results; its monitors are unknown this tick", { shard: shard.key, why });
      for (const m of shard.monitors)
        place(shard, null, unknownResult(m, at, phase, `not probed this tick: probe shard ${shard.key} ${why}`));
    };
    plan.shards.forEach((shard, i) => {
      const outcome = outcomes[i]!;
      if (!outcome.ok) return giveUp(shard, "shard", outcome.why);
      const byId = new Map(outcome.response.results.map((r) => [r.monitorId, r]));
      for (const m of shard.monitors)
        place(
          shard,
          outcome.response.colo,
          byId.get(m.id) ?? unknownResult(m, at, "shard", `not probed this tick: probe shard ${shard.key} left it out`),
        );
    });
    for (const shard of plan.dropped)
      giveUp(
        shard,
        "budget",
        `was not called: the coordinator's ${config.limits.subrequests} subrequests are used up (raise limits.subrequests on a Paid plan)`,
      );

    const results = monitors.map((m) => {
      if (!m.locations?.length) return direct.get(m.id) ?? unknownResult(m, at, "shard", "not probed this tick: in no shard");
      const views = located.get(m.id) ?? [];
      const ordered = m.locations.map(
        (location) =>
          views.find((v) => v.location === location) ?? { location, colo: null, result: unknownResult(m, at, "shard", "no result") },
      );
      return mergeLocations(m, ordered, at);
    });
    const subrequests = outcomes.length;
    return { results, subrequests };
  };
}
