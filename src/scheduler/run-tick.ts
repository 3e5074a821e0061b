import type { Config } from "../config/schema";
import type { Log } from "../log";
import { runProbe } from "../probes";
import type { ProbeDeps, ProbeResult } from "../probes/types";
import type { LatestSnapshot } from "../storage/snapshot";
import type { LatestStore, StateStore } from "../storage/types";
import { fingerprintOf, nextMonitors, type PreviousStatus, shouldWriteKv, stateOf } from "./next-snapshot";
import { mapPool } from "./pool";

/** Workers allow six simultaneous outbound connections per invocation. */
export const MAX_CONCURRENT_PROBES = 6;

export interface TickDeps {
  config: Config;
  probe: ProbeDeps;
  latest: LatestStore;
  state: StateStore;
  log: Log;
}

export interface TickSummary {
  tickAt: string;
  durationMs: number;
  results: ProbeResult[];
  wroteLatest: boolean;
  wroteState: boolean;
}

/** config → probes (≤ 6 at once) → snapshot → R2 every tick, KV only on change. Storage failures are logged, not thrown. */
export async function runTick(deps: TickDeps, scheduledTime: number): Promise<TickSummary> {
  const { log } = deps;
  const tickAt = new Date(scheduledTime).toISOString();
  const started = deps.probe.now();

  const previous = await readPrevious(deps);
  const results = await mapPool(deps.config.monitors, MAX_CONCURRENT_PROBES, (monitor) => runProbe(monitor, deps.probe));
  for (const r of results) {
    if (r.error) log("warn", "probe not up", { monitor: r.monitorId, status: r.status, phase: r.error.phase, detail: r.error.detail });
  }

  const monitors = nextMonitors(results, previous.statuses, tickAt);
  const fingerprint = fingerprintOf(monitors);
  const finished = deps.probe.now();
  let kv = previous.kv;
  let wroteState = false;
  if (shouldWriteKv(fingerprint, previous.kv, finished)) {
    try {
      await deps.state.writeState(stateOf(monitors, tickAt));
      kv = { fingerprint, writtenAt: new Date(finished).toISOString() };
      wroteState = true;
    } catch (error) {
      log("error", "KV state write failed", { error: String(error) });
    }
  }

  const snapshot: LatestSnapshot = { version: 1, tickAt, durationMs: Math.round(finished - started), monitors, kv };
  let wroteLatest = false;
  try {
    await deps.latest.writeLatest(snapshot);
    wroteLatest = true;
  } catch (error) {
    log("error", "R2 latest write failed", { error: String(error) });
  }

  const counts = results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
  log("info", "tick done", { tickAt, durationMs: snapshot.durationMs, monitors: results.length, ...counts, wroteState, wroteLatest });
  return { tickAt, durationMs: snapshot.durationMs, results, wroteLatest, wroteState };
}

/** The last tick from R2; when that is missing or corrupt, the statuses from KV so `since` survives. */
async function readPrevious(deps: TickDeps): Promise<{ statuses: Record<string, PreviousStatus>; kv: LatestSnapshot["kv"] }> {
  try {
    const latest = await deps.latest.readLatest();
    if (latest.kind === "ok") return { statuses: latest.value.monitors, kv: latest.value.kv };
    if (latest.kind === "corrupt") deps.log("warn", "R2 latest is corrupt; starting from KV state", { reason: latest.reason });
  } catch (error) {
    deps.log("error", "R2 latest read failed", { error: String(error) });
  }
  try {
    const state = await deps.state.readState();
    if (state.kind === "ok") return { statuses: state.value.monitors, kv: null };
    if (state.kind === "corrupt") deps.log("warn", "KV state is corrupt; starting fresh", { reason: state.reason });
  } catch (error) {
    deps.log("error", "KV state read failed", { error: String(error) });
  }
  return { statuses: {}, kv: null };
}
