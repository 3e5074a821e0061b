import { DurableObject } from "cloudflare:workers";
import type { Config } from "../config/schema";
import { loadConfig } from "../config/source";
import { type Bindings, probeDepsFrom, storesFrom } from "../env/deps";
import type { HistoryCarry } from "../history/schemas";
import { consoleLog } from "../core/log";
import { type Beat, MIN_BEAT_GAP_MS } from "../probes/push";
import { CoordinatorSql } from "../storage/coordinator-sql";
import { HotStateStore } from "../storage/hot-state-store";
import { applyChange, type Change, type ChangeResult } from "./apply-change";
import { runNextJob } from "./archive-jobs";
import { commitTick, type TickInput, type TickSummary } from "./commit-tick";
import { liveHistory } from "./live-history";
import { shownCounts } from "../decide/shown-counts";
import { Serial } from "./serial";
import { checkStale, staleCheckAt } from "./stale-check";
import { loadState, type WriterDeps } from "./writer-deps";

/** How long a call waits for the one before it to finish. */
const MAX_WAIT_FOR_PREVIOUS_MS = 60_000;
/** A failed archive step is tried again after this long. */
const JOB_RETRY_MS = 60_000;

export type InvalidConfig = { ok: false; status: 422; errors: string[] };

/**
 * The single writer of Edgewatch's state, one object named "coordinator": every tick (probed in the cron's own
 * invocation or by shards), every admin change and every Alertmanager alert comes here, one call at a time, and its
 * SQLite storage holds the state between them. The archives an hour's or a day's end calls for run in alarm
 * invocations of their own. Called through Workers RPC; the config travels with each call (null: the bundled one),
 * so the caller and the writer judge by the same one.
 */
export class Coordinator extends DurableObject<Bindings> {
  private readonly serial = new Serial(MAX_WAIT_FOR_PREVIOUS_MS);
  private readonly sql: CoordinatorSql;
  private readonly hot: HotStateStore;
  private config: { text: string | null; config: Config } | null = null;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = new CoordinatorSql(ctx.storage);
    this.hot = new HotStateStore(this.sql, consoleLog);
  }

  private deps(configText: string | null): WriterDeps | InvalidConfig {
    if (this.config?.text !== configText || !this.config) {
      const loaded = loadConfig({ EDGEWATCH_CONFIG: configText ?? undefined });
      if (!loaded.ok) return { ok: false, status: 422, errors: loaded.errors };
      this.config = { text: configText, config: loaded.config };
    }
    const probe = probeDepsFrom(this.env);
    return { config: this.config.config, sql: this.sql, hot: this.hot, stores: storesFrom(this.env), send: probe, log: consoleLog };
  }

  private run<T>(configText: string | null, work: (deps: WriterDeps) => Promise<T>): Promise<T | InvalidConfig> {
    return this.serial.run(async () => {
      const deps = this.deps(configText);
      if ("ok" in deps) return deps;
      try {
        return await work(deps);
      } catch (error) {
        // A failed transaction leaves the copy in memory ahead of storage: read storage again next time.
        this.hot.forget();
        throw error;
      }
    });
  }

  /**
   * This minute's results, judged and stored; notifications sent. The answer counts what was shown rather than
   * sending every result back over RPC: the caller only logs it.
   */
  async tick(input: TickInput & { configText: string | null }): Promise<TickSummary | InvalidConfig> {
    const summary = await this.run(input.configText, (deps) => commitTick(deps, input));
    return "errors" in summary
      ? summary
      : { ...summary, results: [], counts: shownCounts(summary.results), probed: summary.results.length };
  }

  /** An admin action or Alertmanager's alerts, applied between ticks. */
  change(configText: string | null, change: Change): Promise<ChangeResult | InvalidConfig> {
    return this.run(configText, (deps) => applyChange(deps, change));
  }

  /**
   * A push monitor's beat, stored for the next tick to judge: one row upserted, no KV or R2 write. Not queued behind
   * ticks (one statement, and the tick reads the beats in one statement too). The caller has checked the monitor and
   * its token; a second beat within 10 s is refused, saying when to come back.
   */
  beat(monitorId: string, beat: Beat, at: number): { stored: true } | { stored: false; retryAfterMs: number } {
    return this.sql.putBeat({ id: monitorId, at, beat: JSON.stringify(beat) }, MIN_BEAT_GAP_MS);
  }

  /** One monitor's history not yet archived, for the history API. */
  liveHistory(configText: string | null, monitorId: string): Promise<HistoryCarry | null | InvalidConfig> {
    return this.run(configText, async (deps) => liveHistory(await loadState(deps), this.sql, this.hot, monitorId));
  }

  /**
   * One archive step a call, the next one in an invocation of its own; with none left, the stale-tick watchdog: the
   * alarm stands a little past the stale limit after each live tick, so it fires only when the ticks stop.
   */
  override async alarm(): Promise<void> {
    // The config the ticks use (the Worker's EDGEWATCH_CONFIG, else the bundled file): retention and routes come from it.
    const configText = this.config?.text ?? this.env.EDGEWATCH_CONFIG ?? null;
    this.sql.forgetAlarm();
    const outcome = await this.run(configText, async (deps): Promise<{ nextAt: number | null }> => {
      const job = await runNextJob(deps);
      if (job.more) return { nextAt: Date.now() + (job.failed ? JOB_RETRY_MS : 0) };
      await checkStale(deps, Date.now());
      const last = deps.hot.load()?.meta.lastTickAt;
      const watch = last ? staleCheckAt(Date.parse(last), Date.now()) : null;
      return { nextAt: watch !== null && watch > Date.now() ? watch : null };
    });
    if ("ok" in outcome) {
      consoleLog("error", "archive jobs and the watchdog wait: the configuration is invalid", { errors: outcome.errors });
      await this.sql.setAlarm(Date.now() + JOB_RETRY_MS);
      return;
    }
    if (outcome.nextAt !== null) await this.sql.setAlarm(outcome.nextAt);
  }
}

/** The coordinator's id by namespace: a hash of its name, the same for the isolate's life, so made once. */
const coordinatorIds = new WeakMap<object, DurableObjectId>();

/** The coordinator's stub: there is one, by name. A stub belongs to its request, so each gets its own. */
export function coordinatorOf(env: Pick<Bindings, "COORDINATOR">): DurableObjectStub<Coordinator> {
  const namespace = env.COORDINATOR;
  let id = coordinatorIds.get(namespace);
  if (!id) coordinatorIds.set(namespace, (id = namespace.idFromName("coordinator")));
  return namespace.get(id);
}
