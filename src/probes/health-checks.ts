import type { ProbeStatus } from "../core/vocabulary";
import type { CheckReport } from "./probe-deps";

// Words health endpoints use. A closed circuit breaker passes; an open one fails; half-open is a warning.
const PASS = new Set(["up", "ok", "pass", "passing", "healthy", "closed", "true", "connected", "ready", "available", "green", "serving"]);
const WARN = new Set(["degraded", "warn", "warning", "half-open", "half_open", "halfopen", "slow", "yellow", "partial"]);
const FAIL = new Set([
  "down",
  "fail",
  "failed",
  "failing",
  "error",
  "unhealthy",
  "open",
  "false",
  "disconnected",
  "critical",
  "red",
  "unavailable",
  "not_serving",
  "timeout",
]);

function classify(value: string): CheckReport["state"] {
  const word = value.trim().toLowerCase();
  if (PASS.has(word)) return "pass";
  if (WARN.has(word)) return "warn";
  if (FAIL.has(word)) return "fail";
  return "unknown";
}

/** A check's value may be a word, a boolean, or an object with a `status` (`{"status":"up","latency_ms":3}`). */
function checkValue(raw: unknown): string | undefined {
  if (typeof raw === "string") return raw;
  if (typeof raw === "boolean") return String(raw);
  if (raw && typeof raw === "object" && !Array.isArray(raw)) {
    const inner = (raw as Record<string, unknown>)["status"] ?? (raw as Record<string, unknown>)["state"];
    if (typeof inner === "string" || typeof inner === "boolean") return String(inner);
  }
  return undefined;
}

export interface HealthVerdict {
  checks: Record<string, CheckReport> | null;
  /** The worst conclusion the body supports; `up` when it says nothing against the target. */
  status: ProbeStatus;
  /** Why, when not up: `check database is down`. */
  reasons: string[];
}

const MAX_CHECKS = 50;

/**
 * Reads the gateway's /health shape, `{"status":"ok","checks":{"database":"up","circuit_breaker":"closed"}}`.
 * A failing check is `down` when it is listed in `critical`, else `degraded`; a warning is `degraded`.
 * A top-level `status` that fails means `down`, one that warns means `degraded`. Unknown words change nothing.
 */
export function evaluateHealthBody(body: unknown, critical: readonly string[] = []): HealthVerdict {
  const verdict: HealthVerdict = { checks: null, status: "up", reasons: [] };
  if (!body || typeof body !== "object" || Array.isArray(body)) return verdict;
  const record = body as Record<string, unknown>;
  const raise = (to: ProbeStatus, reason: string) => {
    if (to === "down" || verdict.status === "up") verdict.status = to;
    verdict.reasons.push(reason);
  };

  const rawChecks = record["checks"];
  if (rawChecks && typeof rawChecks === "object" && !Array.isArray(rawChecks)) {
    verdict.checks = {};
    for (const [name, raw] of Object.entries(rawChecks).slice(0, MAX_CHECKS)) {
      const value = checkValue(raw);
      const report: CheckReport =
        value === undefined ? { state: "unknown", value: "" } : { state: classify(value), value: value.slice(0, 64) };
      verdict.checks[name] = report;
      if (report.state === "fail") raise(critical.includes(name) ? "down" : "degraded", `check ${name} is ${report.value}`);
      else if (report.state === "warn") raise("degraded", `check ${name} is ${report.value}`);
    }
  }

  const overall = checkValue(record["status"]);
  if (overall !== undefined) {
    const state = classify(overall);
    if (state === "fail") raise("down", `status is ${overall.slice(0, 64)}`);
    else if (state === "warn" && verdict.status === "up") raise("degraded", `status is ${overall.slice(0, 64)}`);
  }
  return verdict;
}
