import { resetBindings } from "./helpers/reset";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, inject, it } from "vitest";
import { LATEST_KEY } from "../src/storage/r2-latest-store";
import { STATE_KEY } from "../src/storage/kv-state-store";
import { localPlatformConfig, targetsBase } from "./helpers/targets";
import { envWith, fireCron, get } from "./helpers/worker";

const base = targetsBase();
const config = localPlatformConfig();

afterEach(resetBindings);

describe("scheduled tick, end to end", () => {
  it("probes every monitor, stores the results, and /api/status serves them", async () => {
    const bindings = envWith(config);
    const tickAt = Date.now();
    await fireCron(bindings, tickAt);

    expect(await env.HISTORY.head(LATEST_KEY)).not.toBeNull();
    expect(await env.STATE.get(STATE_KEY)).not.toBeNull();

    const response = await get(bindings, "/api/status");
    expect(response.status).toBe(200);
    const body = await response.json<Record<string, any>>();
    expect(body).toMatchObject({
      title: "AI Platform status",
      status: "partial_outage",
      updatedAt: new Date(tickAt).toISOString(),
      stale: false,
    });
    const byId = Object.fromEntries(body.monitors.map((m: any) => [m.id, m]));
    expect(Object.keys(byId)).toEqual(["api-gateway", "ai-worker", "grafana", "broken"]);
    expect(byId["api-gateway"]).toMatchObject({
      name: "API gateway",
      type: "http",
      group: "Platform",
      status: "up",
      details: {
        statusCode: 200,
        checks: { database: { state: "pass", value: "up" }, circuit_breaker: { state: "pass", value: "closed" } },
      },
    });
    expect(byId["ai-worker"]).toMatchObject({ status: "degraded" });
    expect(byId["grafana"]).toMatchObject({ status: "up", group: "Monitoring" });
    expect(byId["broken"]).toMatchObject({ status: "down", message: "connection refused or lost", latencyMs: null, group: null });
    // Uptime counts degraded as available and down against; one tick so far in every window.
    expect(byId["api-gateway"].uptime).toEqual({ "24h": 100, "7d": 100, "30d": 100, "90d": 100 });
    expect(byId["ai-worker"].uptime["24h"]).toBe(100);
    expect(byId["broken"].uptime).toEqual({ "24h": 0, "7d": 0, "30d": 0, "90d": 0 });
    for (const m of body.monitors) {
      expect(m.checkedAt).toEqual(expect.any(String));
      expect(m.since).toBe(new Date(tickAt).toISOString());
    }
  });

  it("reports uptime with three decimals over its windows", async () => {
    const bindings = envWith({
      title: "t",
      monitors: [{ id: "sw", name: "Switch", type: "http", url: `${base}/switch/uptime-${crypto.randomUUID()}`, failureThreshold: 5 }],
    });
    const url = JSON.parse(bindings.EDGEWATCH_CONFIG!).monitors[0].url;
    const t0 = Date.now() - 3 * 60_000;
    await fireCron(bindings, t0);
    await fetch(`${url}?status=500`, { method: "POST" });
    await fireCron(bindings, t0 + 60_000);
    await fetch(`${url}?status=200`, { method: "POST" });
    await fireCron(bindings, t0 + 120_000);
    const body = await (await get(bindings, "/api/status")).json<Record<string, any>>();
    expect(body.monitors[0].uptime["24h"]).toBe(66.667);
  });

  it("keeps `since` across ticks while a status holds", async () => {
    const bindings = envWith(config);
    const first = Date.now() - 60_000;
    await fireCron(bindings, first);
    await fireCron(bindings, first + 60_000);
    const body = await (await get(bindings, "/api/status")).json<Record<string, any>>();
    expect(body.updatedAt).toBe(new Date(first + 60_000).toISOString());
    expect(body.monitors.find((m: any) => m.id === "api-gateway").since).toBe(new Date(first).toISOString());
  });

  it("shows a monitor added since the last tick as unknown", async () => {
    await fireCron(envWith(config));
    const grown = { ...config, monitors: [...config.monitors, { id: "new-one", name: "New", type: "http", url: `${base}/ok` }] };
    const body = await (await get(envWith(grown), "/api/status")).json<Record<string, any>>();
    expect(body.monitors.at(-1)).toMatchObject({
      id: "new-one",
      status: "unknown",
      message: "not checked yet",
      checkedAt: null,
      latencyMs: null,
    });
  });

  it("refuses to run on a bad config: no probe, no write, and /api/status answers 500 naming the field", async () => {
    const bad = envWith({ title: "t", monitors: [{ id: "a", name: "A", type: "http", url: "not a url" }] });
    await expect(fireCron(bad)).rejects.toThrow("invalid configuration: monitors[0].url: Invalid URL");
    expect(await env.HISTORY.head(LATEST_KEY)).toBeNull();
    const response = await get(bad, "/api/status");
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: "invalid configuration",
      errors: ["monitors[0].url: Invalid URL (must be http:// or https://)"],
    });
    expect((await get(bad, "/health")).status).toBe(503);
  });
});

describe("incidents in /api/status", () => {
  it("lists the incident opened by two failing ticks, with the record's fields", async () => {
    const bindings = envWith({
      title: "t",
      monitors: [
        { id: "broken", name: "Broken", type: "http", url: `http://127.0.0.1:${inject("refusedPort")}/health`, severity: "SEV-2" },
      ],
    });
    const t0 = Date.now() - 60_000;
    await fireCron(bindings, t0);
    expect((await (await get(bindings, "/api/status")).json<{ incidents: unknown[] }>()).incidents).toEqual([]);
    await fireCron(bindings, t0 + 60_000);
    const body = await (await get(bindings, "/api/status")).json<{ incidents: Record<string, unknown>[] }>();
    expect(body.incidents).toEqual([
      {
        id: expect.stringMatching(/^broken-\d{8}T\d{6}Z$/),
        monitorIds: ["broken"],
        title: "Broken is down",
        severity: "SEV-2",
        impact: "major",
        status: "open",
        flapping: false,
        startedAt: new Date(t0).toISOString(),
        resolvedAt: null,
        durationMs: null,
        cause: { message: "connection refused or lost", phase: "connect" },
        updates: [
          { at: new Date(t0 + 60_000).toISOString(), status: "investigating", message: "Broken is down: connection refused or lost" },
        ],
        acknowledgedAt: null,
        acknowledgedBy: null,
        source: "monitor",
      },
    ]);
  });
});
