import { overBudget } from "./latency-budget";
import type { GetFailure } from "./fetch-json";
import type { ProbeStatus } from "../core/vocabulary";
import type { ProbeDeps, ProbeError, ProbeResultBase } from "./probe-deps";

/** One thing wrong with a target, as a probe of several requests finds them. */
export interface Problem {
  status: "degraded" | "down";
  /** Words for the message: `1 of 5 targets down (api-gateway)`. */
  text: string;
  phase: string;
  /** For the log line, when it says more than `text` (the request's redacted URL, the server's error text). */
  detail?: string;
}

/** A request that failed: the target is down. `prefix` says what the request was for (`query gateway-up: `). */
export const requestProblem = (failure: GetFailure, prefix = ""): Problem => ({
  status: "down",
  text: `${prefix}${failure.message}`,
  phase: failure.phase,
  detail: `${prefix}${failure.detail}`,
});

/** The worst status among the problems, their words (the `down` ones first), and the error for the log. */
function verdict(problems: Problem[], describeTarget: string): { status: ProbeStatus; message: string; error?: ProbeError } {
  if (problems.length === 0) return { status: "up", message: "" };
  const ordered = [...problems.filter((p) => p.status === "down"), ...problems.filter((p) => p.status !== "down")];
  const first = ordered[0] as Problem;
  return {
    status: first.status,
    message: ordered.map((p) => p.text).join("; "),
    error: { phase: first.phase, detail: `${describeTarget}: ${ordered.map((p) => p.detail ?? p.text).join("; ")}` },
  };
}

/** Phases in which no answer came back at all, so there is no latency to report. */
const NO_ANSWER = new Set(["config", "connect", "timeout"]);

export const elapsed = (deps: ProbeDeps, startedAt: number) => Math.max(0, Math.round(deps.now() - startedAt));

/** A probe result with its own `type` and `details`, and the fields every result has. */
export type ResultOf<T extends string, D> = ProbeResultBase & { type: T; details: D };

/**
 * Builds the result of a probe of several requests: `upMessage` when there is no problem, else the verdict's words.
 * A probe slower than `degradedAfterMs` is degraded.
 */
export function conclude<T extends string, D>(
  probe: {
    type: T;
    monitorId: string;
    startedAt: number;
    deps: ProbeDeps;
    describeTarget: string;
    details: D;
    degradedAfterMs?: number | undefined;
  },
  problems: Problem[],
  upMessage = "",
): ResultOf<T, D> {
  const latencyMs = problems.some((p) => NO_ANSWER.has(p.phase)) ? null : elapsed(probe.deps, probe.startedAt);
  if (overBudget(latencyMs, probe.degradedAfterMs)) {
    problems = [...problems, { status: "degraded", text: `slower than ${probe.degradedAfterMs} ms (${latencyMs} ms)`, phase: "latency" }];
  }
  const { status, message, error } = verdict(problems, probe.describeTarget);
  return {
    type: probe.type,
    monitorId: probe.monitorId,
    status,
    latencyMs,
    checkedAt: new Date(probe.startedAt).toISOString(),
    message: status === "up" ? upMessage : message,
    details: probe.details,
    ...(error ? { error } : {}),
  };
}
