import { DurableObject } from "cloudflare:workers";
import type { Config } from "../config/schema";
import { loadConfig } from "../config/source";
import { type Bindings, probeDepsFrom, storesFrom } from "../deps";
import { consoleLog, type Log } from "../log";
import { shownCounts } from "../scheduler/next-snapshot";
import { runTick, type TickSummary } from "../scheduler/run-tick";
import { type CallShard, collectSharded } from "./collect-sharded";
import { planTick } from "./plan-shards";
import type { ProbeShard } from "./probe-shard";
import { CoordinatorTickRequest, ShardResponse } from "./shard-protocol";

/** How long a tick waits for the one before it to finish. */
const MAX_WAIT_FOR_PREVIOUS_MS = 60_000;

/** Calls shard objects of `namespace`: one per shard key, placed by the shard's location hint. */
export function shardCaller(namespace: DurableObjectNamespace<ProbeShard>): CallShard {
  return async (shard, request, signal) => {
    const id = namespace.idFromName(shard.key);
    const stub = shard.location ? namespace.get(id, { locationHint: shard.location }) : namespace.get(id);
    const response = await stub.fetch("https://shard.edgewatch.internal/probe", { method: "POST", body: JSON.stringify(request), signal });
    if (!response.ok) throw new Error(`POST shard ${shard.key}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
    const parsed = ShardResponse.safeParse(await response.json());
    if (!parsed.success) throw new Error(`POST shard ${shard.key}: unexpected answer (${parsed.error.issues[0]?.message})`);
    return parsed.data;
  };
}

/** A sharded tick: probes by the shards, everything else (incidents, notifications, storage) here, in one writer. */
export function runShardedTick(env: Bindings, config: Config, scheduledTime: number, log: Log = consoleLog, call: CallShard = shardCaller(env.SHARD)): Promise<TickSummary> {
  const probe = probeDepsFrom(env);
  const collect = collectSharded(planTick(config), config, new Date(scheduledTime).toISOString(), { call, now: probe.now, log });
  return runTick({ config, probe, ...storesFrom(env), log, collect }, scheduledTime);
}

/**
 * The single writer of a sharded config's state. One object (named "coordinator") runs each minute's tick after the
 * previous one has finished, so two ticks never interleave their reads and writes of incidents and notification
 * bookkeeping; what shards report comes back to it as answers, merged in memory before anything is written.
 */
export class Coordinator extends DurableObject<Bindings> {
  /** Settles when the last tick that arrived is over (done or failed). */
  private last: Promise<void> = Promise.resolve();

  override async fetch(request: Request): Promise<Response> {
    // Take this tick's place in line before anything else is awaited, so ticks run in the order they arrive.
    const before = this.last;
    let done!: () => void;
    this.last = new Promise<void>((resolve) => (done = resolve));
    try {
      const parsed = CoordinatorTickRequest.safeParse(await request.json().catch(() => undefined));
      if (!parsed.success) return Response.json({ error: "invalid tick request" }, { status: 400 });
      const loaded = loadConfig({ EDGEWATCH_CONFIG: parsed.data.config ?? undefined });
      if (!loaded.ok) return Response.json({ error: "invalid configuration", issues: loaded.errors }, { status: 422 });
      await waitAtMost(before, MAX_WAIT_FOR_PREVIOUS_MS);
      const { results, events, ...summary } = await runShardedTick(this.env, loaded.config, parsed.data.scheduledTime);
      return Response.json({ ...summary, monitors: results.length, counts: shownCounts(results), events: events.length });
    } finally {
      done();
    }
  }
}

/**
 * Waits for `previous`, but not longer than `ms`: a tick somehow still running after the minute (storage that hangs)
 * must not hold every later one back; the compare-and-swap on latest.json still keeps the two from losing each
 * other's writes. The timer is cleared as soon as `previous` ends: a pending one would keep the object awake, and billed.
 */
export async function waitAtMost(previous: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cap = new Promise((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([previous, cap]).finally(() => clearTimeout(timer));
}

/** Hands this minute's tick to the coordinator object; the config travels with it so both run the same one. */
export async function tickViaCoordinator(env: Bindings, scheduledTime: number, log: Log = consoleLog): Promise<void> {
  const stub = env.COORDINATOR.get(env.COORDINATOR.idFromName("coordinator"));
  const body: CoordinatorTickRequest = { scheduledTime, config: env.EDGEWATCH_CONFIG ?? null };
  const response = await stub.fetch("https://coordinator.edgewatch.internal/tick", { method: "POST", body: JSON.stringify(body) });
  if (!response.ok) log("error", "sharded tick failed", { status: response.status, body: (await response.text()).slice(0, 500) });
}
