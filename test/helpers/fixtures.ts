// The test data every suite builds from: incidents, stored results and monitors as written in a config file.
// Plain objects only (no bindings, no runtime), so any test, in workerd or in Node, can use them.
import type { StoredResult } from "../../src/decide/snapshot";
import type { Incident } from "../../src/incidents/types";
import type { CollectedResult } from "../../src/probes/probe-batch";

/** An ISO time `minutes` before `nowMs`, on the minute. */
export const minutesAgo = (minutes: number, nowMs = Date.now()) =>
  new Date(Math.floor(nowMs / 60_000) * 60_000 - minutes * 60_000).toISOString();

/**
 * An incident record: open for ten minutes, SEV-3 and of major impact, one update, not acknowledged, opened by a
 * monitor. Give what the test is about; the rest is these defaults. Each call builds a fresh object (the code under
 * test adds updates in place).
 */
export function incident(fields: Partial<Incident> & Pick<Incident, "id" | "monitorIds">): Incident {
  const record: Incident = {
    title: "Something is down",
    severity: "SEV-3",
    impact: "major",
    status: "open",
    flapping: false,
    startedAt: minutesAgo(10),
    resolvedAt: null,
    durationMs: null,
    cause: { message: "HTTP 500", phase: "status" },
    updates: [{ at: minutesAgo(9), status: "investigating", message: "Something is down: HTTP 500" }],
    acknowledgedAt: null,
    acknowledgedBy: null,
    source: "monitor",
    ...fields,
  };
  return structuredClone(record);
}

/** A monitor's result as latest.json stores it: by default an http check that answered 200 in 42 ms at `at`. */
export function stored(fields: Partial<StoredResult> & Pick<StoredResult, "status">, at: string): StoredResult {
  return {
    type: "http",
    latencyMs: 42,
    checkedAt: at,
    message: `HTTP 200 in 42 ms`,
    details: { statusCode: 200, checks: null },
    since: at,
    ...fields,
  };
}

/** An http monitor as written in a config file (before the schema fills its defaults). */
export const monitorInput = (fields: Record<string, unknown> = {}) => ({
  id: "gw",
  name: "Gateway",
  type: "http",
  url: "https://api.example.test/health",
  ...fields,
});

/** An http probe's result as the tick hands it to the writer: `up` answers 200 in `latencyMs`, the others 500 (or slowly). */
export function probed(monitorId: string, status: "up" | "degraded" | "down", atMs: number, latencyMs = 40): CollectedResult {
  const code = status === "down" ? 500 : 200;
  return {
    type: "http",
    monitorId,
    status,
    latencyMs,
    checkedAt: new Date(atMs).toISOString(),
    message: `HTTP ${code} in ${latencyMs} ms`,
    details: { statusCode: code, checks: null },
    ...(status === "down" ? { error: { phase: "status", detail: `HTTP ${code}` } } : {}),
  } as CollectedResult;
}

/** A clock that moves on by `stepMs` each time it is read: every timed span it measures lasts that long. */
export function steppingClock(stepMs: number): () => number {
  let t = 0;
  return () => (t += stepMs);
}
