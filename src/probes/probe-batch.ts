import type { Monitor } from "../config/schema";
import type { LocationReport } from "./location-report";
import { probeCost, runProbe } from ".";
import type { ProbeDeps, ProbeResult } from "./types";
import { MAX_CONCURRENT_PROBES, mapPool } from "../net/pool";
import { SubrequestBudget } from "./subrequest-budget";

/**
 * A probe's result, or a stand-in for a monitor the tick got no verdict for (`unknown`: not probed for want of
 * subrequests, or its shard failed). The stand-in is typed as its monitor's result so every face can show it.
 */
export type CollectedResult = ProbeResult & { unknown?: true; details: { locations?: LocationReport[] } };

export interface Collected {
  results: CollectedResult[];
  /** Subrequests this invocation spent on them (a shard call counts as one). */
  subrequests: number;
}

/** The stand-in result for a monitor this tick could not judge; never opens or resolves an incident. */
export function unknownResult(monitor: Pick<Monitor, "id" | "type">, at: number, phase: string, message: string): CollectedResult {
  return {
    type: monitor.type,
    monitorId: monitor.id,
    status: "down",
    unknown: true,
    latencyMs: null,
    checkedAt: new Date(at).toISOString(),
    message,
    details: {},
    error: { phase, detail: message },
  } as CollectedResult;
}

/** Thrown at a probe that asks for a subrequest the invocation no longer has. */
class SubrequestsUsedUp extends Error {
  constructor() {
    super("the invocation's subrequests are used up");
  }
}

/**
 * One attempt of a probe, metered: the subrequests `probeCost` reserved are its own; any further one (a redirect hop,
 * a DNS lookup, another page of an API) is taken from the shared budget first. An attempt that asked for one the
 * budget no longer had is "budget": its verdict would be the runtime's limit, not the target's health.
 */
async function meteredAttempt(
  monitor: Monitor,
  deps: ProbeDeps,
  budget: SubrequestBudget,
  reserved: number,
): Promise<ProbeResult | "budget"> {
  let used = 0;
  let refused = false;
  let settled = false;
  const meter = (): boolean => {
    used++;
    if (!settled && used <= reserved) return true;
    if (budget.take(1)) return true;
    refused = true;
    return false;
  };
  const metered: ProbeDeps = {
    ...deps,
    fetch: (input, init) => (meter() ? deps.fetch(input, init) : Promise.reject(new SubrequestsUsedUp())),
    connect: (...args) => {
      if (!meter()) throw new SubrequestsUsedUp();
      return deps.connect(...args);
    },
  };
  const result = await runProbe(monitor, metered);
  // What the attempt did not use goes back; a probe still running past its hard timeout pays for any further call.
  settled = true;
  if (used < reserved) budget.giveBack(reserved - used);
  return refused ? "budget" : result;
}

/**
 * A probe that fails is tried once more before it counts: one lost packet is not an outage. Each attempt first
 * takes its subrequests from the budget; without them the monitor is not probed (null) or not retried.
 */
async function probeWithRetry(monitor: Monitor, deps: ProbeDeps, budget: SubrequestBudget): Promise<ProbeResult | null> {
  const cost = probeCost(monitor);
  if (!budget.take(cost)) return null;
  const first = await meteredAttempt(monitor, deps, budget, cost);
  if (first === "budget") return null;
  if (first.status !== "down" || !budget.take(cost)) return first;
  const second = await meteredAttempt(monitor, deps, budget, cost);
  return second === "budget" ? first : second;
}

/**
 * Probes `monitors` in this invocation, at most six at once, spending at most `budget` of its `limit` subrequests;
 * monitors that would pass it are `unknown` rather than failing against the runtime's limit.
 */
export async function probeBatch(monitors: readonly Monitor[], deps: ProbeDeps, budget: number, limit: number): Promise<Collected> {
  let subrequests = 0;
  const counted: ProbeDeps = {
    ...deps,
    fetch: (input, init) => (subrequests++, deps.fetch(input, init)),
    connect: (...args) => (subrequests++, deps.connect(...args)),
  };
  const shared = new SubrequestBudget(budget);
  const results = await mapPool(monitors, MAX_CONCURRENT_PROBES, async (monitor) => {
    const result = await probeWithRetry(monitor, counted, shared);
    if (result) return result;
    return unknownResult(
      monitor,
      deps.now(),
      "budget",
      `not probed this tick: the invocation's ${limit} subrequests are used up (raise limits.subrequests on a Paid plan)`,
    );
  });
  return { results, subrequests };
}
