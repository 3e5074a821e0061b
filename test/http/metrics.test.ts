import { resetBindings } from "../helpers/reset";
import { reset } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env/deps";
import { bearerMatches, secretsEqual } from "../../src/http/constant-time";
import { countingBindings } from "../helpers/counting-bindings";
import { faceGet, seedLatest } from "../helpers/faces-app";
import { incident, minutesAgo, stored } from "../helpers/fixtures";
import { pick, samples } from "../helpers/metrics-samples";
import { envWith } from "../helpers/worker";

const TOKEN = "metrics-token-5a6b7c8d9e";
const now = Date.now();
const at = minutesAgo(0, now);
const config = {
  title: "Metrics",
  monitors: [
    {
      id: "gw",
      name: "Gateway",
      group: "Platform",
      type: "http",
      url: "https://gw.internal.example/health",
      severity: "SEV-1",
      headers: { "X-Key": "hdr-value-31337" },
    },
    { id: "slow", name: "Slow", group: 'Core "A" \\ B\nline', type: "http", url: "https://slow.internal.example/" },
    { id: "dead", name: "Dead", type: "http", url: "https://user:pw-8877@dead.internal.example/" },
    { id: "maint", name: "In maintenance", type: "http", url: "https://maint.internal.example/" },
    { id: "fresh", name: "Never checked", type: "http", url: "https://fresh.internal.example/" },
  ],
};

beforeEach(async () => {
  await seedLatest(
    {
      gw: stored({ status: "up", latencyMs: 71, details: { statusCode: 200, checks: null } }, at),
      slow: stored({ status: "degraded", latencyMs: 5400, details: { statusCode: 200, checks: null } }, at),
      dead: stored(
        { status: "down", latencyMs: null, message: "connection refused or lost", details: { statusCode: null, checks: null } },
        at,
      ),
      maint: stored({ status: "maintenance", latencyMs: 12, details: { statusCode: 204, checks: null } }, at),
    },
    [
      incident({ id: "dead-1", monitorIds: ["dead"], severity: "SEV-2" }),
      incident({ id: "slow-1", monitorIds: ["slow"], severity: "SEV-4", impact: "minor" }),
      incident({ id: "gw-1", monitorIds: ["gw"], severity: "SEV-1", status: "resolved", resolvedAt: at }),
    ],
    at,
    { uptime: { gw: { "24h": 100, "7d": 99.95, "30d": null, "90d": null }, dead: { "24h": 0, "7d": 50, "30d": 98.5, "90d": 99.123 } } },
  );
});
afterEach(resetBindings);

describe("GET /metrics", () => {
  it("serves the text format 0.0.4 with HELP and TYPE for every family", async () => {
    const response = await faceGet(envWith(config), "/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(response.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    expect(response.headers.get("etag")).toMatch(/^"[0-9a-f]+"$/);
    const text = await response.text();
    expect(text.endsWith("\n")).toBe(true);
    for (const name of [
      "probe_success",
      "probe_duration_seconds",
      "probe_http_status_code",
      "probe_ssl_earliest_cert_expiry",
      "edgewatch_monitor_status",
      "edgewatch_uptime_ratio",
      "edgewatch_incidents_open",
      "edgewatch_last_tick_timestamp_seconds",
    ]) {
      expect(text).toContain(`# HELP ${name} `);
      expect(text).toContain(`# TYPE ${name} gauge\n`);
    }
  });

  it("has blackbox_exporter's series per monitor, labelled instance (the id on the open endpoint), monitor and group", async () => {
    const all = samples(await (await faceGet(envWith(config), "/metrics")).text());
    const group = 'Core "A" \\ B\nline';
    const gw = { instance: "gw", monitor: "gw", group: "Platform" };
    const slow = { instance: "slow", monitor: "slow", group };
    // blackbox's meaning: degraded is not success, and a monitor in maintenance keeps its series (0: no verdict kept).
    expect(pick(all, "probe_success")).toEqual([
      [gw, 1],
      [slow, 0],
      [{ instance: "dead", monitor: "dead" }, 0],
      [{ instance: "maint", monitor: "maint" }, 0],
    ]);
    expect(pick(all, "probe_duration_seconds")).toEqual([
      [gw, 0.071],
      [slow, 5.4],
      [{ instance: "maint", monitor: "maint" }, 0.012],
    ]);
    expect(pick(all, "probe_http_status_code")).toEqual([
      [gw, 200],
      [slow, 200],
      [{ instance: "dead", monitor: "dead" }, 0],
      [{ instance: "maint", monitor: "maint" }, 204],
    ]);
    expect(pick(all, "probe_ssl_earliest_cert_expiry")).toEqual([]);
    expect(pick(all, "edgewatch_monitor_maintenance").filter(([, v]) => v === 1)).toEqual([[{ instance: "maint", monitor: "maint" }, 1]]);
  });

  it("before any tick: no probe series, every monitor unknown, no last-tick sample, stale", async () => {
    await reset();
    const all = samples(await (await faceGet(envWith(config), "/metrics")).text());
    expect(pick(all, "probe_success")).toEqual([]);
    expect(pick(all, "edgewatch_monitor_status").filter(([l, v]) => v === 1 && l.status !== "unknown")).toEqual([]);
    expect(pick(all, "edgewatch_last_tick_timestamp_seconds")).toEqual([]);
    expect(pick(all, "edgewatch_data_stale")).toEqual([[{}, 1]]);
  });

  it("never shows a URL, host, credential or header value", async () => {
    const text = await (await faceGet(envWith(config), "/metrics")).text();
    for (const leak of ["internal.example", "hdr-value-31337", "pw-8877", "https://"]) expect(text).not.toContain(leak);
  });

  describe("with METRICS_TOKEN set", () => {
    const withToken = () => {
      const { counts, bucket, kv } = countingBindings();
      return { counts, bindings: { ...envWith(config, { METRICS_TOKEN: TOKEN }), HISTORY: bucket, STATE: kv } as Bindings };
    };

    it("answers 401 without the right bearer token, before reading anything", async () => {
      const { counts, bindings } = withToken();
      for (const headers of <Record<string, string>[]>[
        {},
        { Authorization: "Bearer wrong" },
        { Authorization: `Basic ${btoa(`x:${TOKEN}`)}` },
        { Authorization: `Bearer ${TOKEN}x` },
        { Authorization: `Bearer ${TOKEN.slice(0, -1)}` },
        { Authorization: TOKEN },
      ]) {
        const response = await faceGet(bindings, "/metrics", { headers });
        expect(response.status, JSON.stringify(headers)).toBe(401);
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
        expect(response.headers.get("cache-control")).toBe("no-store");
        expect(await response.text()).not.toContain(TOKEN);
      }
      expect(counts.r2ClassB + counts.kvReads).toBe(0);
    });

    it("serves the right token, privately, and never from or into the edge cache", async () => {
      const { counts, bindings } = withToken();
      const origin = "https://metrics-token.example.com";
      for (let i = 0; i < 2; i++) {
        const response = await faceGet(bindings, "/metrics", { origin, headers: { Authorization: `bearer ${TOKEN}` } });
        expect(response.status).toBe(200);
        expect(response.headers.get("cache-control")).toMatch(/^private, max-age=\d+$/);
        expect(response.headers.get("x-edge-cache")).toBeNull();
        expect(await response.text()).toContain("probe_success");
      }
      expect(counts.r2ClassB).toBe(2);
      // An open request on the same URL is still refused, not served what the authorised one saw.
      expect((await faceGet(bindings, "/metrics", { origin })).status).toBe(401);
    });
  });
});

describe("constant-time comparison", () => {
  it("compares secrets of any length, and bearer headers strictly", async () => {
    expect(await secretsEqual("abc", "abc")).toBe(true);
    expect(await secretsEqual("abc", "abd")).toBe(false);
    expect(await secretsEqual("abc", "abcd")).toBe(false);
    expect(await secretsEqual("", "")).toBe(true);
    expect(await bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(await bearerMatches(`BEARER  ${TOKEN} `, TOKEN)).toBe(true);
    expect(await bearerMatches(`Bearer ${TOKEN} extra`, TOKEN)).toBe(false);
    expect(await bearerMatches(undefined, TOKEN)).toBe(false);
    expect(await bearerMatches("Bearer ", "")).toBe(false);
    expect(await bearerMatches(null, "")).toBe(false);
  });
});

describe("size with 20 monitors", () => {
  it("stays small: /metrics and /api/v2/summary.json measured", async () => {
    const groups = ["Platform", "Monitoring", "Data", "Edge"];
    const monitors = Array.from({ length: 20 }, (_, i) => ({
      id: `monitor-${String(i + 1).padStart(2, "0")}`,
      name: `Service number ${i + 1}`,
      group: groups[i % 4],
      type: "http",
      url: `https://m${i}.internal.example/health`,
    }));
    const bindings = envWith({ title: "AI Platform status", monitors });
    const statuses = ["up", "up", "up", "degraded", "down"] as const;
    await seedLatest(
      Object.fromEntries(
        monitors.map((m, i) => [
          m.id,
          stored(
            {
              status: statuses[i % 5]!,
              latencyMs: 40 + i,
              message: statuses[i % 5] === "down" ? "HTTP 503 in 12 ms (expected 200-299)" : `HTTP 200 in ${40 + i} ms`,
            },
            at,
          ),
        ]),
      ),
      [
        ...[5, 10, 15, 20].map((n) =>
          incident({
            id: `monitor-${n}-open`,
            monitorIds: [`monitor-${n}`],
            title: `Service number ${n} is down`,
            updates: [{ at, status: "investigating", message: `Service number ${n} is down: HTTP 503 in 12 ms (expected 200-299)` }],
          }),
        ),
        ...[1, 2, 3, 4, 6].map((n) =>
          incident({
            id: `monitor-0${n}-old`,
            monitorIds: [`monitor-0${n}`],
            status: "resolved",
            resolvedAt: at,
            updates: [
              { at, status: "investigating", message: "down" },
              { at, status: "resolved", message: "up again" },
            ],
          }),
        ),
      ],
      at,
      { uptime: Object.fromEntries(monitors.map((m) => [m.id, { "24h": 99.861, "7d": 99.98, "30d": 99.995, "90d": 99.9 }])) },
    );
    const sizes: Record<string, number> = {};
    for (const path of [
      "/metrics",
      "/api/v2/summary.json",
      "/api/v2/components.json",
      "/api/v2/incidents.json",
      "/feed.atom",
      "/api/status",
    ]) {
      const response = await faceGet(bindings, path);
      expect(response.status, path).toBe(200);
      sizes[path] = new TextEncoder().encode(await response.text()).byteLength;
    }
    console.log(`sizes for 20 monitors, 4 open and 5 resolved incidents (bytes, uncompressed): ${JSON.stringify(sizes)}`);
    expect(sizes["/metrics"]).toBeLessThan(32_768);
    expect(sizes["/api/v2/summary.json"]).toBeLessThan(65_536);
  });
});
