import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { parseConfig } from "../../src/config/load";
import type { Config } from "../../src/config/schema";
import { applyChange, type Change } from "../../src/coordinator/apply-change";
import { runNextJob } from "../../src/coordinator/archive-jobs";
import { commitTick } from "../../src/coordinator/commit-tick";
import { coordinatorOf } from "../../src/coordinator/coordinator";
import { loadState, type WriterDeps } from "../../src/coordinator/writer-deps";
import { storesFrom } from "../../src/env/deps";
import type { HotState } from "../../src/decide/hot-state";
import type { Log } from "../../src/core/log";
import type { CollectedResult } from "../../src/probes/probe-batch";
import type { ProbeDeps } from "../../src/probes/types";
import { shardCaller } from "../../src/shards/probe-shard";
import { CoordinatorSql } from "../../src/storage/coordinator-sql";
import { HotStateStore } from "../../src/storage/hot-state-store";
import type { Stores } from "../../src/storage/types";
import { runTick, type TickDeps, type TickWriter } from "../../src/tick/run-tick";
import { decodeShown } from "../../src/decide/compact-result";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { probeDeps } from "./monitors";

export function configOf(raw: Record<string, unknown>): Config {
  const result = parseConfig({ title: "t", ...raw });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

export interface WriterOptions {
  config: Config;
  /** The stores the writer uses (default: the test bindings' real R2 and KV). */
  stores?: Stores;
  log?: Log;
  /** What the writer sends notifications with, and its clock (default: real fetch and Date.now). */
  send?: ProbeDeps;
}

/**
 * Runs `fn` inside the real coordinator object with the writer's dependencies built there: its own SQLite storage,
 * and the test's stores, log and clock. Each call builds them afresh, as an evicted object would on its next call.
 */
export function inWriter<T>(options: WriterOptions, fn: (deps: WriterDeps) => Promise<T>): Promise<T> {
  return runInDurableObject(coordinatorOf(env), async (_instance, state) => {
    const sql = new CoordinatorSql(state.storage);
    const log = options.log ?? (() => {});
    const deps: WriterDeps = {
      config: options.config,
      sql,
      hot: new HotStateStore(sql, log),
      stores: options.stores ?? storesFrom(env),
      send: options.send ?? probeDeps(),
      log,
    };
    return fn(deps);
  });
}

/** A writer for runTick that commits inside the coordinator with the test's own stores, log and clock. */
export function testWriter(options: WriterOptions): TickWriter {
  return { tick: (input) => inWriter(options, (deps) => commitTick(deps, input)) };
}

/** Everything runTick needs, for a test: real probes by default, the writer in the real coordinator object. */
export function tickDeps(options: WriterOptions & { probe?: ProbeDeps }): TickDeps {
  const probe = options.probe ?? probeDeps();
  const log = options.log ?? (() => {});
  return {
    config: options.config,
    configText: null,
    probe,
    log,
    writer: testWriter({ send: probe, ...options, log }),
    callShard: shardCaller(env.SHARD),
  };
}

/** One tick at `scheduledTime`. */
export function tick(options: WriterOptions & { probe?: ProbeDeps }, scheduledTime: number) {
  return runTick(tickDeps(options), scheduledTime);
}

/**
 * A writer whose clock the test sets: each `at(ms, results)` commits one tick at that minute, as the cron's
 * invocation hands it over, and `change` applies an admin action at the time last set. Notifications go out through
 * `secrets` (the recording server's URLs).
 */
export function clockedWriter(config: Config, secrets: Record<string, string> = {}) {
  let clock = 0;
  const send: ProbeDeps = { ...probeDeps(secrets), now: () => clock };
  return {
    send,
    at(ms: number, results: CollectedResult[]) {
      clock = ms;
      return inWriter({ config, send }, (deps) => commitTick(deps, { scheduledTime: ms, startedAt: ms, results }));
    },
    change(ms: number, what: Change) {
      clock = ms;
      return inWriter({ config, send }, (deps) => applyChange(deps, what));
    },
  };
}

/** Applies an admin change through the writer. */
export function change(options: WriterOptions, what: Change) {
  return inWriter(options, (deps) => applyChange(deps, what));
}

/** The writer's state as stored. */
export function storedState(config: Config): Promise<HotState> {
  return inWriter({ config }, (deps) => loadState(deps));
}

/** Runs every queued archive job, as the alarm would, one step at a time; returns how many ran. */
export async function runJobs(options: WriterOptions, max = 100): Promise<number> {
  let ran = 0;
  for (; ran < max; ran++) {
    const outcome = await inWriter(options, (deps) => runNextJob(deps));
    if (!outcome.ran || outcome.failed) break;
  }
  return ran;
}

/** Fires the coordinator's alarm if one is set, as the runtime would. */
export function fireAlarm(): Promise<boolean> {
  return runDurableObjectAlarm(coordinatorOf(env));
}

/** latest.json as stored in R2 (version and all), each monitor's compact result read back into its fields. */
export async function storedLatest(): Promise<Record<string, any>> {
  const raw = JSON.parse(await (await env.HISTORY.get(LATEST_KEY))!.text());
  return { ...raw, monitors: Object.fromEntries(Object.entries(raw.monitors).map(([id, r]) => [id, decodeShown(r)])) };
}
