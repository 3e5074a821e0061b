import { resetBindings } from "../helpers/reset";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, inject, it } from "vitest";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { STATE_KEY } from "../../src/storage/kv-state-store";
import type * as z from "zod";
import type { LatestSnapshot } from "../../src/decide/snapshot";
import { countingBindings } from "../helpers/counting-bindings";
import { envWith, fireCron, get } from "../helpers/worker";

const base = `http://127.0.0.1:${inject("httpPort")}`;
const SECRET = "tok-9f8e7d6c5b4a";
const LITERAL = "literal-header-value-1234";
const config = {
  title: "Status",
  monitors: [
    {
      id: "gw",
      name: "Gateway",
      type: "http",
      url: `${base}/echo`,
      headers: { Authorization: { secret: "GW_TOKEN" }, "X-Api-Key": LITERAL },
    },
    {
      id: "creds",
      name: "With credentials",
      type: "http",
      url: `http://admin:hunter2pass@127.0.0.1:${inject("refusedPort")}/h?key=qs-secret-77`,
    },
  ],
};

const snapshot = (tickAt: number, status: "up" | "down" = "up"): z.input<typeof LatestSnapshot> => ({
  version: 1,
  tickAt: new Date(tickAt).toISOString(),
  durationMs: 12,
  kv: null,
  incidents: { tracks: {}, incidents: [] },
  unsavedIncidents: [],
  uptime: {},
  monitors: {
    gw: {
      type: "http",
      status,
      latencyMs: 5,
      checkedAt: new Date(tickAt).toISOString(),
      message: "HTTP 200 in 5 ms",
      details: {},
      since: new Date(tickAt).toISOString(),
    },
  },
});

afterEach(resetBindings);

describe("GET /api/status", () => {
  it("sends CORS, a Cache-Control fit for one-minute data, and an ETag honoured with 304", async () => {
    const bindings = envWith(config, { GW_TOKEN: SECRET });
    await env.HISTORY.put(LATEST_KEY, JSON.stringify(snapshot(Date.now() - 10_000)));
    const first = await get(bindings, "/api/status");
    expect(first.status).toBe(200);
    expect(first.headers.get("access-control-allow-origin")).toBe("*");
    const maxAge = Number(/max-age=(\d+)/.exec(first.headers.get("cache-control") ?? "")?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(5);
    expect(maxAge).toBeLessThanOrEqual(60);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]+"$/);

    const again = await get(bindings, "/api/status", { "If-None-Match": etag! });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");

    await env.HISTORY.put(LATEST_KEY, JSON.stringify(snapshot(Date.now(), "down")));
    const changed = await get(bindings, "/api/status", { "If-None-Match": etag! });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
  });

  it("is stale when the last tick is older than three minutes, and not before", async () => {
    const bindings = envWith(config);
    await env.HISTORY.put(LATEST_KEY, JSON.stringify(snapshot(Date.now() - 4 * 60_000)));
    const old = await (await get(bindings, "/api/status")).json<{ stale: boolean }>();
    expect(old.stale).toBe(true);
    await env.HISTORY.put(LATEST_KEY, JSON.stringify(snapshot(Date.now() - 2 * 60_000)));
    expect((await (await get(bindings, "/api/status")).json<{ stale: boolean }>()).stale).toBe(false);
  });

  it("with no tick yet: every monitor unknown, stale, and /health says so with 503", async () => {
    const bindings = envWith(config);
    const body = await (await get(bindings, "/api/status")).json<Record<string, any>>();
    expect(body).toMatchObject({ status: "operational", updatedAt: null, stale: true });
    expect(body.monitors.map((m: any) => m.status)).toEqual(["unknown", "unknown"]);
    const health = await get(bindings, "/health");
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "error", problems: ["no tick has completed yet"] });
  });

  it("serves the KV state, marked stale, when the R2 latest is corrupt; and unknowns when both are", async () => {
    const bindings = envWith(config);
    await fireCron(envWith(config, { GW_TOKEN: SECRET }));
    await env.HISTORY.put(LATEST_KEY, '{"version":1,"tickAt":');
    const fallback = await get(bindings, "/api/status");
    expect(fallback.status).toBe(200);
    const body = await fallback.json<Record<string, any>>();
    expect(body.stale).toBe(true);
    expect(body.monitors.map((m: any) => m.status)).toEqual(["up", "down"]);

    await env.STATE.put(STATE_KEY, "garbage");
    const nothing = await (await get(bindings, "/api/status")).json<Record<string, any>>();
    expect(nothing.monitors.map((m: any) => m.status)).toEqual(["unknown", "unknown"]);
  });

  it("never puts a secret, a header value or URL credentials in any response", async () => {
    const bindings = envWith(config, { GW_TOKEN: SECRET });
    await fireCron(bindings);
    const status = await (await get(bindings, "/api/status")).json<Record<string, any>>();
    expect(status.monitors[0]).toMatchObject({ id: "gw", status: "up" });
    for (const path of ["/api/status", "/health", "/", "/nope", "/api/nope"]) {
      const response = await get(bindings, path);
      const text = `${JSON.stringify([...response.headers])}\n${await response.text()}`;
      for (const secret of [SECRET, LITERAL, "hunter2pass", "admin:", "qs-secret-77", "/echo"])
        expect(text, `${path} leaks ${secret}`).not.toContain(secret);
    }
  });

  it("is served from the edge cache: a repeated request reads no storage", async () => {
    const { counts, bucket, kv } = countingBindings();
    const bindings = { ...envWith(config), HISTORY: bucket, STATE: kv };
    await env.HISTORY.put(LATEST_KEY, JSON.stringify(snapshot(Date.now() - 5_000)));
    const origin = `http://${crypto.randomUUID().slice(0, 8)}.cache.test`;
    const first = await get(bindings, "/api/status", {}, origin);
    expect(first.headers.get("x-edge-cache")).toBe("miss");
    const readsAfterFirst = counts.r2ClassB + counts.kvReads;
    expect(readsAfterFirst).toBe(1);
    const second = await get(bindings, "/api/status", {}, origin);
    expect(second.headers.get("x-edge-cache")).toBe("hit");
    expect(await second.json()).toEqual(await first.json());
    expect(counts.r2ClassB + counts.kvReads).toBe(readsAfterFirst);
  });

  it("answers unknown paths with a JSON 404", async () => {
    const response = await get(envWith(config), "/api/unknown");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "not found", path: "/api/unknown" });
  });
});
