import { resetBindings } from "../helpers/reset";

import { Hono } from "hono";
import { etag } from "hono/etag";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env/deps";
import { edgeCache } from "../../src/http/edge-cache";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { countingBindings } from "../helpers/counting-bindings";
import { faceGet, seedLatest } from "../helpers/faces-app";
import { stored } from "../helpers/fixtures";
import { envWith } from "../helpers/worker";

const config = {
  title: "Cached",
  monitors: [
    { id: "gw", name: "Gateway", group: "Platform", type: "http", url: "https://gw.internal.example/health" },
    { id: "db", name: "Database", type: "http", url: "https://db.internal.example/health" },
  ],
};

function counted(extra: Record<string, string> = {}) {
  const { counts, bucket, kv } = countingBindings();
  const bindings = { ...envWith(config, extra), HISTORY: bucket, STATE: kv } as Bindings;
  const reads = () => counts.r2ClassB + counts.kvReads;
  return { counts, bindings, reads };
}

let run = 0;
const originFor = () => `https://cache-${++run}-${crypto.randomUUID().slice(0, 8)}.example.com`;

beforeEach(async () => {
  const at = new Date().toISOString();
  await seedLatest({ gw: stored({ status: "up" }, at), db: stored({ status: "degraded" }, at) }, [], at);
});
afterEach(resetBindings);

const FACES = [
  "/api/v2/status.json",
  "/api/v2/summary.json",
  "/api/v2/components.json",
  "/api/v2/incidents.json",
  "/api/v2/incidents/unresolved.json",
  "/metrics",
  "/feed.atom",
  "/badge/gw.svg",
  "/badge/gw.svg?metric=latency",
  "/api/badge/db?metric=uptime&window=7d",
];

describe("edge cache", () => {
  it("answers a repeated request to every public face from caches.default, with no KV or R2 read", async () => {
    for (const path of FACES) {
      const { counts, bindings, reads } = counted();
      const origin = originFor();
      const first = await faceGet(bindings, path, { origin });
      expect(first.status, path).toBe(200);
      expect(first.headers.get("x-edge-cache"), path).toBe("miss");
      // An uncached request reads at most two objects (here: latest.json, once).
      expect(counts.r2ClassB, path).toBe(1);
      expect(counts.kvReads, path).toBe(0);
      const body = await first.text();

      const second = await faceGet(bindings, path, { origin });
      expect(second.status, path).toBe(200);
      expect(second.headers.get("x-edge-cache"), path).toBe("hit");
      expect(reads(), `${path}: the cached answer read storage`).toBe(1);
      expect(await second.text()).toBe(body);
      expect(second.headers.get("etag")).toBe(first.headers.get("etag"));
      expect(second.headers.get("cache-control")).toBe(first.headers.get("cache-control"));
      expect(Number(second.headers.get("age"))).toBeGreaterThanOrEqual(0);
    }
  });

  it("answers If-None-Match from the cache with 304, still without a read", async () => {
    const { bindings, reads } = counted();
    const origin = originFor();
    const first = await faceGet(bindings, "/api/v2/summary.json", { origin });
    const again = await faceGet(bindings, "/api/v2/summary.json", { origin, headers: { "If-None-Match": first.headers.get("etag")! } });
    expect(again.status).toBe(304);
    expect(reads()).toBe(1);
  });

  it("keys by URL: another query string or path is another entry", async () => {
    const { bindings, reads } = counted();
    const origin = originFor();
    await faceGet(bindings, "/badge/gw.svg", { origin });
    await faceGet(bindings, "/badge/gw.svg?metric=latency", { origin });
    await faceGet(bindings, "/badge/db.svg", { origin });
    expect(reads()).toBe(3);
  });

  it("an uncached request reads at most two objects even when latest.json is corrupt (R2, then the KV copy)", async () => {
    const { env } = await import("cloudflare:test");
    await env.HISTORY.put(LATEST_KEY, "{ not json");
    const { counts, bindings } = counted();
    const response = await faceGet(bindings, "/api/v2/summary.json", { origin: originFor() });
    expect(response.status).toBe(200);
    expect(counts.r2ClassB + counts.kvReads).toBeLessThanOrEqual(2);
    expect(counts).toMatchObject({ r2ClassB: 1, kvReads: 1 });
  });

  it("does not store errors or answers marked no-store", async () => {
    const bad = { ...envWith({ title: "t", monitors: [] }) } as Bindings;
    const origin = originFor();
    expect((await faceGet(bad, "/api/v2/status.json", { origin })).status).toBe(500);
    const { bindings, reads } = counted();
    const after = await faceGet(bindings, "/api/v2/status.json", { origin });
    expect(after.status).toBe(200);
    expect(reads()).toBe(1);
  });

  it("keeps an answer only for its max-age (5 s for stale data)", async () => {
    await seedLatest(
      { gw: stored({ status: "up" }, new Date(Date.now() - 10 * 60_000).toISOString()) },
      [],
      new Date(Date.now() - 10 * 60_000).toISOString(),
    );
    const { bindings, reads } = counted();
    const origin = originFor();
    const first = await faceGet(bindings, "/api/v2/status.json", { origin });
    expect(first.headers.get("cache-control")).toBe("public, max-age=5");
    await faceGet(bindings, "/api/v2/status.json", { origin });
    expect(reads()).toBe(1);
    await new Promise((r) => setTimeout(r, 6_000));
    const later = await faceGet(bindings, "/api/v2/status.json", { origin });
    expect(later.headers.get("x-edge-cache")).toBe("miss");
    expect(reads()).toBe(2);
  }, 20_000);

  it("works without an execution context (app.request in unit tests): stores before answering", async () => {
    let calls = 0;
    const app = new Hono();
    app.use(etag());
    app.use(edgeCache());
    app.get("/x", (c) => {
      calls++;
      c.header("Cache-Control", "public, max-age=60");
      return c.text(`hello ${calls}`);
    });
    app.get("/private", (c) => {
      calls++;
      c.header("Cache-Control", "private, max-age=60");
      return c.text("mine");
    });
    const url = `${originFor()}/x`;
    expect(await (await app.request(url)).text()).toBe("hello 1");
    expect(await (await app.request(url)).text()).toBe("hello 1");
    expect(calls).toBe(1);
    const privateUrl = url.replace("/x", "/private");
    await app.request(privateUrl);
    await app.request(privateUrl);
    expect(calls).toBe(3);
  });
});
