import { describe, expect, inject, it } from "vitest";
import { probeHttp } from "../../src/probes/http";
import { httpMonitor, probeDeps } from "../helpers/monitors";

const base = `http://127.0.0.1:${inject("httpPort")}`;
const deps = probeDeps({ GATEWAY_TOKEN: "s3cr3t-token-value" });

describe("probeHttp against real local servers", () => {
  it("is up on 200 and measures latency", async () => {
    const r = await probeHttp(httpMonitor({ url: `${base}/ok` }), deps);
    expect(r).toMatchObject({ type: "http", status: "up", details: { statusCode: 200 } });
    expect(r.message).toMatch(/^HTTP 200 in \d+ ms$/);
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.error).toBeUndefined();
  });

  it("is down on 500 and 504, saying what it got and expected", async () => {
    const r500 = await probeHttp(httpMonitor({ url: `${base}/status/500` }), deps);
    expect(r500).toMatchObject({ status: "down", details: { statusCode: 500 }, error: { phase: "status" } });
    expect(r500.message).toMatch(/^HTTP 500 in \d+ ms \(expected 200-299\)$/);
    const r504 = await probeHttp(httpMonitor({ url: `${base}/status/504` }), deps);
    expect(r504.message).toMatch(/^HTTP 504 in \d+ ms/);
    expect(r504.error?.detail).toContain(`GET ${base}/status/504`);
  });

  it("says in words what Cloudflare's own 52x statuses mean (the guide's 522): the origin never sent them", async () => {
    const r = await probeHttp(httpMonitor({ url: `${base}/status/522` }), deps);
    expect(r).toMatchObject({ status: "down", details: { statusCode: 522 } });
    expect(r.message).toMatch(/^HTTP 522 \(Cloudflare: the connection to the origin timed out\) in \d+ ms \(expected 200-299\)$/);
    const plain = await probeHttp(httpMonitor({ url: `${base}/status/502` }), deps);
    expect(plain.message).toMatch(/^HTTP 502 in \d+ ms/);
  });

  it("accepts the statuses the monitor expects", async () => {
    const r = await probeHttp(httpMonitor({ url: `${base}/status/503`, expectStatus: [200, "500-503"] }), deps);
    expect(r.status).toBe("up");
  });

  it("times out a slow target at timeoutMs", async () => {
    const started = Date.now();
    const r = await probeHttp(httpMonitor({ url: `${base}/slow?ms=3000`, timeoutMs: 300 }), deps);
    expect(r).toMatchObject({ status: "down", message: "timeout after 300 ms", latencyMs: null, error: { phase: "timeout" } });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("is degraded when slower than degradedAfterMs", async () => {
    const r = await probeHttp(httpMonitor({ url: `${base}/slow?ms=250`, degradedAfterMs: 100 }), deps);
    expect(r).toMatchObject({ status: "degraded", error: { phase: "latency" } });
    expect(r.message).toMatch(/^HTTP 200 in \d+ ms; slower than 100 ms$/);
  });

  it("times out a socket that accepts and never answers", async () => {
    const r = await probeHttp(httpMonitor({ url: `http://127.0.0.1:${inject("silentPort")}/`, timeoutMs: 400 }), deps);
    expect(r).toMatchObject({ status: "down", message: "timeout after 400 ms", error: { phase: "timeout" } });
  });

  it("times out a server that never sends headers", async () => {
    const r = await probeHttp(httpMonitor({ url: `${base}/hang`, timeoutMs: 400 }), deps);
    expect(r).toMatchObject({ status: "down", message: "timeout after 400 ms" });
  });

  it("reports a refused connection", async () => {
    const r = await probeHttp(httpMonitor({ url: `http://127.0.0.1:${inject("refusedPort")}/health` }), deps);
    expect(r).toMatchObject({ status: "down", message: "connection refused or lost", error: { phase: "connect" } });
  });

  it("reports invalid JSON: down when JSON is expected, degraded otherwise", async () => {
    const strict = await probeHttp(httpMonitor({ url: `${base}/invalid-json`, expectJson: { status: "ok" } }), deps);
    expect(strict).toMatchObject({ status: "down", error: { phase: "json" } });
    expect(strict.message).toMatch(/invalid JSON body$/);
    const loose = await probeHttp(httpMonitor({ url: `${base}/invalid-json` }), deps);
    expect(loose).toMatchObject({ status: "degraded", error: { phase: "json" } });
  });

  it("reads at most maxBodyBytes of a huge body and cancels the rest", async () => {
    const started = Date.now();
    const r = await probeHttp(httpMonitor({ url: `${base}/huge`, expectBodyIncludes: "ok", maxBodyBytes: 65_536 }), deps);
    expect(r).toMatchObject({ status: "down", error: { phase: "body" } });
    expect(r.message).toMatch(/body larger than 65536 bytes$/);
    expect(Date.now() - started).toBeLessThan(5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { bytes } = await (await fetch(`${base}/huge/bytes-written`)).json<{ bytes: number }>();
    expect(bytes).toBeLessThan(32 * 1024 * 1024);
  });

  it("checks the body for a string", async () => {
    expect((await probeHttp(httpMonitor({ url: `${base}/text`, expectBodyIncludes: "ready" }), deps)).status).toBe("up");
    const miss = await probeHttp(httpMonitor({ url: `${base}/text`, expectBodyIncludes: "Healthy" }), deps);
    expect(miss).toMatchObject({ status: "down", error: { phase: "body" } });
    expect(miss.message).toMatch(/expected "Healthy" in body$/);
  });

  it("matches a JSON subset: Grafana's /api/health with database ok", async () => {
    const ok = await probeHttp(httpMonitor({ url: `${base}/grafana/api/health`, expectJson: { database: "ok" } }), deps);
    expect(ok.status).toBe("up");
    const failing = await probeHttp(
      httpMonitor({ url: `${base}/grafana/api/health-db-failing`, expectStatus: [200, 503], expectJson: { database: "ok" } }),
      deps,
    );
    expect(failing).toMatchObject({ status: "down", error: { phase: "json" } });
    expect(failing.message).toMatch(/JSON database is "failing"$/);
  });

  it("reports the gateway's dependency checks", async () => {
    const r = await probeHttp(httpMonitor({ url: `${base}/gateway/health` }), deps);
    expect(r).toMatchObject({
      status: "up",
      details: {
        statusCode: 200,
        checks: { database: { state: "pass", value: "up" }, circuit_breaker: { state: "pass", value: "closed" } },
      },
    });
  });

  it("degrades on a failing dependency check, and is down when that check is critical", async () => {
    const soft = await probeHttp(httpMonitor({ url: `${base}/gateway/health-db-down` }), deps);
    expect(soft).toMatchObject({ status: "degraded", details: { checks: { database: { state: "fail" } } }, error: { phase: "checks" } });
    expect(soft.message).toMatch(/^HTTP 200 in \d+ ms; check database is down$/);
    const hard = await probeHttp(httpMonitor({ url: `${base}/gateway/health-db-down`, criticalChecks: ["database"] }), deps);
    expect(hard.status).toBe("down");
  });

  it("sends headers from Worker secrets, bypasses caches, and names a missing secret without a value", async () => {
    const r = await probeHttp(
      httpMonitor({
        url: `${base}/echo`,
        headers: { Authorization: { secret: "GATEWAY_TOKEN" } },
        expectJson: { authorization: "s3cr3t-token-value", cacheControl: "no-cache" },
      }),
      deps,
    );
    expect(r.status).toBe("up");
    expect(JSON.stringify(r)).not.toContain("s3cr3t");
    const missing = await probeHttp(httpMonitor({ url: `${base}/echo`, headers: { Authorization: { secret: "NOT_SET" } } }), deps);
    expect(missing).toMatchObject({ status: "down", message: "secret NOT_SET is not set", error: { phase: "config" } });
  });

  it("keeps credentials and query values out of error details", async () => {
    const r = await probeHttp(httpMonitor({ url: `http://user:pa55word@127.0.0.1:${inject("refusedPort")}/health?token=abc123` }), deps);
    expect(r.error?.detail).not.toMatch(/pa55word|abc123/);
    expect(r.error?.detail).toContain("token=redacted");
  });
});
