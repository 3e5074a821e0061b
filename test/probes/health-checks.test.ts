import { describe, expect, it } from "vitest";
import { evaluateHealthBody } from "../../src/probes/health-checks";

describe("evaluateHealthBody", () => {
  it("passes the gateway's healthy body and reports each check", () => {
    const verdict = evaluateHealthBody({ status: "ok", checks: { database: "up", circuit_breaker: "closed" } });
    expect(verdict).toEqual({
      status: "up",
      reasons: [],
      checks: { database: { state: "pass", value: "up" }, circuit_breaker: { state: "pass", value: "closed" } },
    });
  });

  it("degrades on a failing dependency, or fails it when the check is critical", () => {
    const body = { status: "ok", checks: { database: "down", circuit_breaker: "closed" } };
    expect(evaluateHealthBody(body)).toMatchObject({ status: "degraded", reasons: ["check database is down"] });
    expect(evaluateHealthBody(body, ["database"])).toMatchObject({ status: "down", reasons: ["check database is down"] });
  });

  it("reads an open circuit breaker as failing and half-open as a warning", () => {
    expect(evaluateHealthBody({ checks: { circuit_breaker: "open" } })).toMatchObject({
      status: "degraded",
      checks: { circuit_breaker: { state: "fail" } },
    });
    expect(evaluateHealthBody({ checks: { circuit_breaker: "half-open" } })).toMatchObject({
      status: "degraded",
      checks: { circuit_breaker: { state: "warn" } },
    });
  });

  it("reads checks given as objects with a status, and booleans", () => {
    const verdict = evaluateHealthBody({ checks: { database: { status: "up", latency_ms: 3 }, cache: false } });
    expect(verdict.checks).toEqual({ database: { state: "pass", value: "up" }, cache: { state: "fail", value: "false" } });
  });

  it("takes a failing top-level status as down and ignores words it does not know", () => {
    expect(evaluateHealthBody({ status: "unhealthy" })).toMatchObject({ status: "down", reasons: ["status is unhealthy"] });
    expect(evaluateHealthBody({ status: "active", checks: { disk: "82%" } })).toMatchObject({
      status: "up",
      checks: { disk: { state: "unknown" } },
    });
  });

  it("says nothing about bodies that are not health objects", () => {
    expect(evaluateHealthBody([1, 2])).toEqual({ status: "up", reasons: [], checks: null });
    expect(evaluateHealthBody(undefined)).toEqual({ status: "up", reasons: [], checks: null });
  });
});
