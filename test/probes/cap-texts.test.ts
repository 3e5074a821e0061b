import { describe, expect, inject, it } from "vitest";
import { capProbeTexts, TEXT_LIMITS } from "../../src/probes/cap-texts";
import { runProbe } from "../../src/probes";
import type { ProbeResult } from "../../src/probes/types";
import { httpMonitor, probeDeps } from "../helpers/monitors";

const base = `http://127.0.0.1:${inject("httpPort")}`;

/** Every string anywhere in a value, keys included. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value === null || typeof value !== "object") return [];
  if (Array.isArray(value)) return value.flatMap(strings);
  return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
}

describe("texts from probed targets are cut to documented lengths", () => {
  it("a target that answers 150 checks with 2,000-character names leaves a bounded result", async () => {
    const result = await runProbe(httpMonitor({ url: `${base}/noisy`, maxBodyBytes: 1_048_576 }), probeDeps());
    expect(result.status).toBe("degraded");
    expect(result.message.length).toBeLessThanOrEqual(TEXT_LIMITS.message);
    expect(result.error!.detail.length).toBeLessThanOrEqual(TEXT_LIMITS.detail);
    const checks = (result.details as { checks: Record<string, unknown> }).checks;
    expect(Object.keys(checks).length).toBeGreaterThan(0);
    expect(Object.keys(checks).length).toBeLessThanOrEqual(TEXT_LIMITS.entries);
    for (const name of Object.keys(checks)) expect(name.length).toBeLessThanOrEqual(TEXT_LIMITS.key);
    for (const text of strings(result.details)) expect(text.length).toBeLessThanOrEqual(TEXT_LIMITS.text);
    // The whole result stays small whatever the target sent (600 KB here).
    expect(JSON.stringify(result).length).toBeLessThan(16_384);
  });

  it("cuts with an ellipsis, and leaves a result with nothing too long as the very same object", () => {
    const ok: ProbeResult = {
      type: "http",
      monitorId: "m",
      status: "up",
      latencyMs: 3,
      checkedAt: "2026-01-01T00:00:00.000Z",
      message: "HTTP 200 in 3 ms",
      details: { statusCode: 200, checks: { db: { state: "pass", value: "up" } } },
    };
    expect(capProbeTexts(ok)).toBe(ok);
    const long = {
      ...ok,
      message: "m".repeat(1000),
      details: { statusCode: 200, checks: { ["k".repeat(100)]: { state: "pass" as const, value: "v".repeat(1000) } } },
    };
    const capped = capProbeTexts(long);
    expect(capped.message).toHaveLength(TEXT_LIMITS.message);
    expect(capped.message.endsWith("…")).toBe(true);
    const [name, report] = Object.entries(capped.details.checks!)[0]!;
    expect(name).toHaveLength(TEXT_LIMITS.key);
    expect(report!.value).toHaveLength(TEXT_LIMITS.text);
  });
});
