import type { ProbeStatus } from "../core/vocabulary";

/** Whether a latency is over the monitor's `degradedAfterMs`: the guide's 5 s at the gateway, 2 s at the worker. */
export function overBudget(latencyMs: number | null, degradedAfterMs: number | undefined): boolean {
  return degradedAfterMs !== undefined && latencyMs !== null && latencyMs > degradedAfterMs;
}

/** An `up` outcome over the budget is `degraded`, its message saying so; any other is left as it is. */
export function degradeIfSlow<O extends { status: ProbeStatus; message: string; phase?: string | undefined }>(
  outcome: O,
  latencyMs: number | null,
  degradedAfterMs: number | undefined,
): O {
  if (outcome.status !== "up" || !overBudget(latencyMs, degradedAfterMs)) return outcome;
  return { ...outcome, status: "degraded", phase: "latency", message: `${outcome.message}; slower than ${degradedAfterMs} ms` };
}
