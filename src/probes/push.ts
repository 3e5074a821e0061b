import { overBudget } from "./latency-budget";
import * as z from "zod";
import type { PushMonitor } from "../config/push-monitor";
import type { ProbeStatus } from "../core/vocabulary";
import { evaluateHealthBody } from "./health-checks";
import type { CheckReport } from "./probe-deps";
import type { ResultOf } from "./verdict";

/**
 * What a job may say in a beat (`POST /api/push/<id>`, all optional): its verdict, words for people, how long its own
 * check took, and dependency checks in the gateway's `/health` shape. Stored as sent (after validation) and read back
 * by the tick, so it is bounded here: a beat is a few hundred bytes, never more than a few KiB.
 */
export const Beat = z.strictObject({
  status: z.enum(["up", "degraded", "down"]).default("up"),
  message: z.string().max(300).optional(),
  latencyMs: z.number().min(0).max(3_600_000).optional(),
  checks: z
    .record(
      z.string().min(1).max(64),
      // `{"status":"up","latency_ms":3}` keeps its status (or state) only: a beat is stored, so it stays small.
      z.union([
        z.string().max(64),
        z.boolean(),
        z.object({
          status: z.union([z.string().max(64), z.boolean()]).optional(),
          state: z.union([z.string().max(64), z.boolean()]).optional(),
        }),
      ]),
    )
    .refine((checks) => Object.keys(checks).length <= 50, "at most 50 checks")
    .optional(),
});
export type Beat = z.infer<typeof Beat>;

/** One monitor stores at most one beat this often; more are refused (429), so a job in a loop costs nothing stored. */
export const MIN_BEAT_GAP_MS = 10_000;

/** A beat as the writer keeps it: when it came (the Worker's clock) and what it said. */
export interface StoredBeat {
  at: number;
  beat: Beat;
}

export interface PushDetails {
  lastBeatAt: string | null;
  /** Seconds between the last beat and the judgement. */
  ageSeconds: number | null;
  /** What the job itself said; null without a beat. */
  reportedStatus: ProbeStatus | null;
  checks: Record<string, CheckReport> | null;
  periodMinutes: number;
  graceMinutes: number;
}

export type PushProbeResult = ResultOf<"push", PushDetails>;

/** `45 s`, `3 min`, `2 h 5 min`. */
function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 120) return `${min} min`;
  return `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ""}`;
}

/**
 * The push monitor's result at `nowMs`: what the last beat said, or down when none came within its period and grace.
 * Pure, no request: the tick's writer calls it with the beat it stored.
 */
export function judgePush(monitor: PushMonitor, stored: StoredBeat | null, nowMs: number): PushProbeResult {
  const details: PushDetails = {
    lastBeatAt: stored ? new Date(stored.at).toISOString() : null,
    ageSeconds: stored ? Math.max(0, Math.round((nowMs - stored.at) / 1000)) : null,
    reportedStatus: stored?.beat.status ?? null,
    checks: null,
    periodMinutes: monitor.periodMinutes,
    graceMinutes: monitor.graceMinutes,
  };
  const result = (status: ProbeStatus, message: string, phase: string | null, at = nowMs, latencyMs: number | null = null) => ({
    type: "push" as const,
    monitorId: monitor.id,
    status,
    latencyMs,
    checkedAt: new Date(at).toISOString(),
    message,
    details,
    ...(phase ? { error: { phase, detail: `push ${monitor.id}: ${message}` } } : {}),
  });
  const expected = `expected every ${monitor.periodMinutes} min + ${monitor.graceMinutes} min grace`;
  if (!stored) return result("down", `no beat received yet (${expected})`, "beat");
  const age = nowMs - stored.at;
  const said = stored.beat.message ? `: ${stored.beat.message}` : "";
  if (age > (monitor.periodMinutes + monitor.graceMinutes) * 60_000) {
    return result("down", `no beat for ${duration(age)} (${expected}); the last one said ${stored.beat.status}${said}`, "beat");
  }
  const health = evaluateHealthBody({ checks: stored.beat.checks }, monitor.criticalChecks);
  details.checks = health.checks;
  const notes: string[] = [];
  let status: ProbeStatus = stored.beat.status;
  let phase: string | null = status === "up" ? null : "reported";
  if (status !== "up") notes.push(`the job reports ${status}`);
  if (health.status !== "up") {
    notes.push(...health.reasons);
    if (status === "up" || health.status === "down") [status, phase] = [health.status, "checks"];
  }
  const latencyMs = stored.beat.latencyMs ?? null;
  if (overBudget(latencyMs, monitor.degradedAfterMs)) {
    notes.push(`slower than ${monitor.degradedAfterMs} ms`);
    if (status === "up") [status, phase] = ["degraded", "latency"];
  }
  const message = `beat ${duration(age)} ago${said}${notes.length ? `; ${notes.join("; ")}` : ""}`;
  return result(status, message, phase, stored.at, latencyMs === null ? null : Math.round(latencyMs));
}
