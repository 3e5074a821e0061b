import { connect } from "cloudflare:sockets";
import { afterEach, describe, expect, inject, it } from "vitest";
import { monitoringDemoMonitors } from "../../scripts/demo/monitoring-stack";
import { HttpMonitor } from "../../src/config/schema";
import { probeHttp } from "../../src/probes/http";
import { PrometheusMonitor } from "../../src/config/prometheus-monitor";
import { type PrometheusProbeResult, probePrometheus } from "../../src/probes/prometheus";
import type { ProbeDeps } from "../../src/probes/types";
import { pollUntil } from "../helpers/poll";

const stack = inject("promStack");

const deps = (secrets: Record<string, string> = {}): ProbeDeps => ({
  fetch: (input, init) => fetch(input, init),
  connect,
  now: () => Date.now(),
  secret: (name) => secrets[name],
});

const monitor = (url: string, extra: Record<string, unknown> = {}) =>
  PrometheusMonitor.parse({ id: "prom", name: "Prometheus", type: "prometheus", url, timeoutMs: 5_000, ...extra });
// The stack's Prometheus carries a rule that fails every evaluation (for the rule-health test): the other tests of it
// look past rules, so each says only what it is about.
const probeMain = (extra: Record<string, unknown> = {}) => probe(stack.prometheusUrl, { ruleHealth: false, ...extra });
const probe = (url: string, extra: Record<string, unknown> = {}, secrets: Record<string, string> = {}) =>
  probePrometheus(monitor(url, extra), deps(secrets));

describe("PrometheusMonitor schema", () => {
  it("defaults: alerts named Watchdog or InfoInhibitor are ignored, 1 MiB bodies, queries degrade", () => {
    const m = monitor("https://prom.example.com", { queries: [{ name: "q", expr: "up", op: "==", value: 1 }] });
    expect(m.ignoreAlerts).toEqual(["Watchdog", "InfoInhibitor"]);
    expect(m.maxBodyBytes).toBe(1_048_576);
    expect(m.queries).toEqual([{ name: "q", expr: "up", op: "==", value: 1, severity: "degraded", allowEmpty: false }]);
  });

  it("rejects duplicate query names, unknown operators, too many queries and unknown fields", () => {
    const base = { id: "prom", name: "P", type: "prometheus", url: "https://prom.example.com" };
    const q = { name: "q", expr: "up", op: "==", value: 1 };
    expect(PrometheusMonitor.safeParse({ ...base, queries: [q, q] }).error?.issues[0]?.message).toBe("query names must be unique");
    expect(PrometheusMonitor.safeParse({ ...base, queries: [{ ...q, op: "=~" }] }).success).toBe(false);
    expect(PrometheusMonitor.safeParse({ ...base, queries: Array.from({ length: 11 }, (_, i) => ({ ...q, name: `q${i}` })) }).success).toBe(
      false,
    );
    expect(PrometheusMonitor.safeParse({ ...base, alerts: true }).success).toBe(false);
    expect(PrometheusMonitor.safeParse({ ...base, url: "ftp://prom.example.com" }).success).toBe(false);
  });
});

describe.runIf(!stack.available && stack.required)("real Prometheus (CI)", () => {
  it("has the prometheus and alertmanager binaries installed", () => {
    expect.fail(stack.reason);
  });
});

if (!stack.available && !stack.required) console.warn(`[prometheus.test] skipping the real-server tests: ${stack.reason}`);

describe.skipIf(!stack.available)("probePrometheus against a real Prometheus", () => {
  const control = (state: { fail?: boolean; gauge?: number }) =>
    fetch(`${stack.controlUrl}/control`, { method: "POST", body: JSON.stringify(state) }).then((r) => r.json());
  const targetLine = "edgewatch-test-target";
  /** Both targets discovered and scraped: the discovery throttle makes that ~5 s after Prometheus starts. */
  const scraped = (r: PrometheusProbeResult) => r.details.targetsTotal === 2;

  afterEach(async () => {
    await control({ fail: false, gauge: 1 });
  });

  it("is up when healthy and ready, every target up and only the Watchdog firing (ignored by default)", async () => {
    const result = await pollUntil(
      () => probeMain(),
      (r) => r.status === "up" && scraped(r),
    );
    expect(result).toMatchObject({
      type: "prometheus",
      monitorId: "prom",
      status: "up",
      details: { ready: true, targetsTotal: 2, targetsDown: [], targetsDownTotal: 0, alertsFiring: [], alertsFiringTotal: 0, queries: [] },
    });
    expect(result.message).toMatch(/^healthy in \d+ ms; 2 targets up; no alerts firing$/);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.error).toBeUndefined();
  });

  it("counts the Watchdog when ignoreAlerts is emptied", async () => {
    const result = await pollUntil(
      () => probeMain({ ignoreAlerts: [] }),
      (r) => r.details.alertsFiringTotal > 0,
    );
    expect(result.status).toBe("degraded");
    expect(result.message).toBe("alert Watchdog firing");
    expect(result.details.alertsFiring).toEqual([{ name: "Watchdog", severity: "none", count: 1 }]);
  });

  it("reports a target that goes down, with its error and the alert it fires, then recovers", async () => {
    await pollUntil(
      () => probeMain(),
      (r) => r.status === "up" && scraped(r),
    );
    await control({ fail: true });
    const down = await pollUntil(
      () => probeMain(),
      (r) => r.details.targetsDownTotal === 1 && r.details.alertsFiringTotal === 1,
    );
    expect(down.status).toBe("degraded");
    expect(down.message).toBe(`1 of 2 targets down (${targetLine}); alert TestTargetDown firing`);
    expect(down.details.targetsDown).toEqual([
      { job: "edgewatch-test-target", instance: stack.targetInstance, lastError: "server returned HTTP status 500 Internal Server Error" },
    ]);
    expect(down.details.alertsFiring).toEqual([{ name: "TestTargetDown", severity: "critical", count: 1 }]);
    expect(down.error?.phase).toBe("targets");

    // Only warnings count: the critical TestTargetDown is left out, the target still degrades.
    const onlyWarnings = await probeMain({ alertSeverities: ["warning"] });
    expect(onlyWarnings.details.alertsFiringTotal).toBe(0);
    expect(onlyWarnings.message).toBe(`1 of 2 targets down (${targetLine})`);

    await control({ fail: false });
    const recovered = await pollUntil(
      () => probeMain(),
      (r) => r.status === "up",
    );
    expect(recovered.details.targetsDown).toEqual([]);
    expect(recovered.message).toMatch(/2 targets up; no alerts firing$/);
  });

  it("evaluates queries against their thresholds: degraded or down by the query's severity", async () => {
    const queries = [
      { name: "gauge-below-10", expr: "edgewatch_test_gauge", op: "<", value: 10, severity: "degraded" },
      { name: "gauge-below-100", expr: "edgewatch_test_gauge", op: "<", value: 100, severity: "down" },
    ];
    // Only critical alerts count, so the TestGaugeHigh warning does not add to the messages.
    const check = () => probeMain({ queries, alertSeverities: ["critical"] });

    await control({ gauge: 5 });
    const under = await pollUntil(check, (r) => r.details.queries[0]?.value === 5);
    expect(under.status).toBe("up");
    expect(under.message).toMatch(/; 2 queries ok$/);
    expect(under.details.queries).toEqual([
      { name: "gauge-below-10", ok: true, value: 5 },
      { name: "gauge-below-100", ok: true, value: 5 },
    ]);

    await control({ gauge: 20 });
    const over = await pollUntil(check, (r) => r.details.queries[0]?.value === 20);
    expect(over.status).toBe("degraded");
    expect(over.message).toBe("query gauge-below-10: 20 (expected < 10)");
    expect(over.details.queries).toEqual([
      { name: "gauge-below-10", ok: false, value: 20 },
      { name: "gauge-below-100", ok: true, value: 20 },
    ]);
    expect(over.error?.phase).toBe("query");

    await control({ gauge: 250.5 });
    const far = await pollUntil(check, (r) => r.details.queries[0]?.value === 250.5);
    expect(far.status).toBe("down");
    expect(far.message).toBe("query gauge-below-100: 250.5 (expected < 100); query gauge-below-10: 250.5 (expected < 10)");

    // With the default alert filter, the rule on the gauge fires too.
    const alerting = await pollUntil(
      () => probeMain(),
      (r) => r.details.alertsFiringTotal > 0,
    );
    expect(alerting.details.alertsFiring).toEqual([{ name: "TestGaugeHigh", severity: "warning", count: 1 }]);
    expect(alerting.message).toBe("alert TestGaugeHigh firing");
  });

  it("fails an empty result unless allowEmpty, takes scalars, and fails NaN, matrices and bad expressions", async () => {
    const result = await probeMain({
      queries: [
        { name: "no-such-job", expr: 'up{job="no-such-job"}', op: "==", value: 1 },
        { name: "maybe-empty", expr: 'up{job="no-such-job"}', op: "==", value: 1, allowEmpty: true },
        { name: "scalar", expr: "42", op: ">=", value: 42 },
        { name: "nan", expr: "0/0", op: "!=", value: 1 },
        { name: "matrix", expr: "up[10s]", op: "==", value: 1 },
        { name: "broken", expr: "up{", op: "==", value: 1, severity: "down" },
      ],
      alertSeverities: [],
    });
    expect(result.details.queries).toEqual([
      { name: "no-such-job", ok: false, value: null },
      { name: "maybe-empty", ok: true, value: null },
      { name: "scalar", ok: true, value: 42 },
      { name: "nan", ok: false, value: null },
      { name: "matrix", ok: false, value: null },
      { name: "broken", ok: false, value: null },
    ]);
    expect(result.status).toBe("down");
    expect(result.message).toBe(
      [
        "query broken: HTTP 400 (bad_data)",
        "query no-such-job: empty result",
        "query nan: NaN (expected != 1)",
        "query matrix: result is a matrix, not an instant vector or a scalar",
      ].join("; "),
    );
    expect(result.error?.phase).toBe("query");
    expect(result.error?.detail).toContain("parse error");
    // alertSeverities: [] counts no alert, so the alerts are not even fetched.
    expect(result.details.alertsFiringTotal).toBe(0);
  });

  it("names the rules whose health is not ok, and their group: degraded", async () => {
    // No alert counts (the gauge's alert may still fire from the test before): the message is the rules'.
    const result = await pollUntil(
      () => probe(stack.prometheusUrl, { alertSeverities: [] }),
      (r) => r.details.rulesUnhealthyTotal === 1 && r.details.rulesUnhealthy[0]?.health === "err",
    );
    expect(result.status).toBe("degraded");
    expect(result.message).toBe("1 rule not ok: edgewatch:duplicate_series in group edgewatch-broken");
    expect(result.error?.phase).toBe("rules");
    expect(result.details.rulesTotal).toBe(4);
    expect(result.details.rulesUnhealthy).toEqual([
      { group: "edgewatch-broken", rule: "edgewatch:duplicate_series", health: "err", lastError: expect.stringMatching(/same labelset/) },
    ]);
    // The words of Prometheus reach the log line, not the message.
    expect(result.error?.detail).toMatch(/same labelset/);
    const healthy = await probeMain();
    expect(healthy.details.rulesTotal).toBeNull();
  });

  it("is down with a clear message once Prometheus is stopped", async () => {
    const before = await probe(stack.spareUrl);
    expect(before.status).toBe("up");
    expect(before.message).toMatch(/^healthy in \d+ ms; 0 targets up; no alerts firing$/);

    const stopped = await fetch(`${stack.controlUrl}/stop-spare`, { method: "POST" });
    expect(stopped.status).toBe(200);
    const after = await probe(stack.spareUrl);
    expect(after).toMatchObject({ status: "down", latencyMs: null, message: "GET /-/healthy: connection refused or lost" });
    expect(after.details.ready).toBeNull();
    expect(after.error?.phase).toBe("connect");
    expect(after.error?.detail).toContain(`GET ${stack.spareUrl}/-/healthy`);
  });
});

describe("probePrometheus against broken and imitating servers", () => {
  const at = (name: string) => `${stack.brokenUrl}/${name}`;
  const q = { name: "q", expr: "up", op: "==", value: 1 };

  it.each([
    ["healthy-503", {}, "GET /-/healthy: HTTP 503", "status"],
    ["not-ready", {}, "Prometheus not ready (GET /-/ready: HTTP 503)", "status"],
    ["targets-bad-json", {}, "GET /api/v1/targets: invalid JSON (application/json)", "json"],
    ["targets-html", {}, "GET /api/v1/targets: invalid JSON (text/html)", "json"],
    ["targets-wrong-shape", {}, "GET /api/v1/targets: unexpected response: data.activeTargets: expected array, got string", "response"],
    ["targets-missing", {}, "GET /api/v1/targets: unexpected response: data.activeTargets: expected array", "response"],
    [
      "targets-bad-health",
      {},
      "GET /api/v1/targets: unexpected response: data.activeTargets[0].health: expected string, got number",
      "response",
    ],
    ["targets-error-envelope", {}, 'GET /api/v1/targets: unexpected response: status: expected "success", got "error"', "response"],
    ["targets-500", {}, "GET /api/v1/targets: HTTP 500 (internal)", "status"],
    ["targets-huge", {}, "GET /api/v1/targets: body larger than 1048576 bytes", "body"],
    ["alerts-wrong-shape", {}, "GET /api/v1/alerts: unexpected response: data.alerts[0].labels: expected record, got string", "response"],
    ["query-bad-json", { queries: [q] }, "query q: GET /api/v1/query: invalid JSON (application/json)", "json"],
    [
      "query-wrong-shape",
      { queries: [q] },
      "query q: GET /api/v1/query: unexpected response: data.result[0].value[1]: expected string, got number",
      "response",
    ],
    [
      "query-unknown-type",
      { queries: [q] },
      'query q: GET /api/v1/query: unexpected response: data.resultType: expected "vector" or "scalar" or "string" or "matrix", got "table"',
      "response",
    ],
  ])("%s: down, saying why", async (name, extra, message, phase) => {
    const result = await probe(at(name), extra);
    expect(result.status).toBe("down");
    expect(result.message).toBe(message);
    expect(result.error?.phase).toBe(phase);
    expect(result.error?.detail).toContain(`${stack.brokenUrl}/${name}/`);
  });

  it("a body cut off mid-way is down as a lost connection, not an exception", async () => {
    const result = await probe(at("targets-truncated"));
    expect(result.status).toBe("down");
    expect(result.message).toMatch(/^GET \/api\/v1\/targets: connection /);
    expect(result.error?.phase).toBe("connect");
  });

  it("the monitor's timeout covers the whole probe", async () => {
    const started = Date.now();
    const result = await probe(at("targets-hang"), { timeoutMs: 400 });
    expect(result).toMatchObject({ status: "down", latencyMs: null, message: "GET /api/v1/targets: timeout after 400 ms" });
    expect(result.error?.phase).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("a query that Prometheus answers with an error, or with a matrix, fails with the query's severity", async () => {
    const apiError = await probe(at("query-api-error"), { queries: [q] });
    expect(apiError).toMatchObject({ status: "degraded", message: "query q: HTTP 400 (bad_data)" });
    expect(apiError.details.queries).toEqual([{ name: "q", ok: false, value: null }]);
    expect(apiError.error?.detail).toContain('invalid parameter "query": 1:5: parse error');

    const matrix = await probe(at("query-matrix"), { queries: [{ ...q, severity: "down" }] });
    expect(matrix).toMatchObject({ status: "down", message: "query q: result is a matrix, not an instant vector or a scalar" });
  });

  it("caps the lists of targets down and alerts firing, and counts them all", async () => {
    const result = await probe(at("many"));
    expect(result.status).toBe("degraded");
    expect(result.details.targetsTotal).toBe(51);
    expect(result.details.targetsDown).toHaveLength(20);
    expect(result.details.targetsDownTotal).toBe(50);
    expect(result.details.targetsDown[0]).toEqual({ job: "fleet", instance: "10.2.0.0:9100", lastError: "connection refused" });
    expect(result.details.alertsFiring).toHaveLength(20);
    expect(result.details.alertsFiringTotal).toBe(30);
    expect(result.message).toBe("50 of 51 targets down (fleet ×50); 30 alerts firing (Alert00, Alert01, Alert02, +27 more)");
  });

  it("names unhealthy rules and their groups (err, or not evaluated yet), the list capped; their errors stay in details", async () => {
    const result = await probe(at("rules-unhealthy"));
    expect(result.status).toBe("degraded");
    expect(result.message).toBe(
      "4 rules not ok: HighErrorRate in group api, DiskFull in group node (unknown), MemoryHigh in group node, +1 more",
    );
    expect(result.details).toMatchObject({ rulesTotal: 5, rulesUnhealthyTotal: 4 });
    expect(result.details.rulesUnhealthy[3]).toEqual({
      group: "db",
      rule: "ReplicaLag",
      health: "err",
      lastError: "no such series at 10.0.0.9:5432",
    });
    const wrongShape = await probe(at("rules-wrong-shape"));
    expect(wrongShape).toMatchObject({ status: "down", error: { phase: "response" } });
    expect(wrongShape.message).toMatch(/^GET \/api\/v1\/rules: unexpected response: data\.groups\[0\]\.rules\[0\]\.health/);
    const skipped = await probe(at("rules-unhealthy"), { ruleHealth: false });
    expect(skipped.status).toBe("up");
  });

  it("sends at most 5 + queries requests, at most 3 at once", async () => {
    const queries = Array.from({ length: 6 }, (_, i) => ({ ...q, name: `q${i}` }));
    const result = await probe(at("counted-prom"), { queries });
    expect(result.status).toBe("up");
    expect(result.message).toMatch(/; 6 queries ok$/);
    const stats = (await fetch(`${stack.brokenUrl}/stats/prom`).then((r) => r.json())) as {
      total: number;
      maxInFlight: number;
      paths: string[];
    };
    expect(stats.total).toBe(11);
    expect(stats.maxInFlight).toBe(3);
    expect([...new Set(stats.paths)].sort()).toEqual([
      "/-/healthy",
      "/-/ready",
      "/api/v1/alerts",
      "/api/v1/query",
      "/api/v1/rules",
      "/api/v1/targets",
    ]);
  });

  it("does not follow a redirect to a Cloudflare Access login page", async () => {
    const result = await probe(at("access"));
    expect(result.status).toBe("down");
    expect(result.message).toBe("GET /-/healthy: HTTP 302 (redirected to team.cloudflareaccess.com; redirects are not followed)");
  });

  it("sends Access service-token headers taken from Worker secrets, and names a missing secret", async () => {
    const headers = { "CF-Access-Client-Id": stack.access.id, "CF-Access-Client-Secret": { secret: "PROM_ACCESS_SECRET" } };
    const result = await probe(at("access"), { headers }, { PROM_ACCESS_SECRET: stack.access.secret });
    expect(result.status).toBe("up");
    expect(result.message).toMatch(/^healthy in \d+ ms; 2 targets up; no alerts firing; 1 rule ok$/);

    const missing = await probe(at("access"), { headers });
    expect(missing).toMatchObject({ status: "down", latencyMs: null, message: "secret PROM_ACCESS_SECRET is not set" });
    expect(missing.error?.phase).toBe("config");
    expect(JSON.stringify(missing)).not.toContain(stack.access.secret);
  });

  it("the demo's Prometheus and Grafana imitations read as a degraded Prometheus and a healthy Grafana", async () => {
    const [prometheus, , grafana] = monitoringDemoMonitors(`${stack.brokenUrl}/`);
    const prom = await probePrometheus(PrometheusMonitor.parse(prometheus), deps());
    expect(prom.status).toBe("degraded");
    expect(prom.message).toBe(
      "1 of 5 targets down (api-gateway); alert HighLatency firing; query gateway-up: 0 (expected == 1) in 1 of 2 series",
    );
    expect(prom.details.queries).toEqual([
      { name: "gateway-up", ok: false, value: 0 },
      { name: "worker-up", ok: true, value: 1 },
    ]);
    const health = await probeHttp(HttpMonitor.parse(grafana), deps());
    expect(health.status).toBe("up");
    expect(health.message).toMatch(/^HTTP 200 in \d+ ms$/);
  });
});
