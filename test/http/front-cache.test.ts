import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Bindings } from "../../src/env/deps";
import { app as faces } from "../../src/http/app";
import { edgeCache } from "../../src/http/edge-cache";
import { frontCache } from "../../src/http/front-cache";
import { faceGet, seedLatest } from "../helpers/faces-app";
import { stored } from "../helpers/fixtures";
import { resetBindings } from "../helpers/reset";
import { envWith, get } from "../helpers/worker";

const config = {
  title: "Front",
  monitors: [
    { id: "gw", name: "Gateway", group: "Platform", type: "http", url: "https://gw.internal.example/health" },
    { id: "db", name: "Database", type: "http", url: "https://db.internal.example/health" },
  ],
};
const TOKEN = "front-cache-token-41";
const originFor = () => `https://front-${crypto.randomUUID().slice(0, 8)}.example.com`;

/** The bindings behind a proxy that records every property the app reads: config, stores, secrets, settings. */
function watched(bindings: Bindings) {
  const read: string[] = [];
  const env = new Proxy(bindings, {
    get(target, prop, receiver) {
      read.push(String(prop));
      return Reflect.get(target, prop, receiver);
    },
  });
  return { env, read };
}

beforeEach(async () => {
  const at = new Date().toISOString();
  await seedLatest({ gw: stored({ status: "up" }, at), db: stored({ status: "degraded" }, at) }, [], at);
});
afterEach(() => {
  vi.restoreAllMocks();
  return resetBindings();
});

describe("front cache", () => {
  it("answers a repeated public GET with nothing but the lookup: no binding read, no digest, every header as first sent", async () => {
    for (const path of ["/api/status", "/", "/api/v2/summary.json", "/badge/gw.svg", "/feed.atom"]) {
      const origin = originFor();
      const digest = vi.spyOn(crypto.subtle, "digest");
      const match = vi.spyOn(caches.default, "match");
      const first = await faceGet(envWith(config), path, { origin });
      expect(first.headers.get("x-edge-cache"), path).toBe("miss");
      const body = await first.text();
      // The spies see what a miss does: the Cache API looked up, the ETag computed.
      expect(match, path).toHaveBeenCalled();
      expect(digest, path).toHaveBeenCalled();
      digest.mockClear();
      match.mockClear();

      const { env, read } = watched(envWith(config));
      const again = await faceGet(env, path, { origin });
      expect(again.headers.get("x-edge-cache"), path).toBe("hit");
      expect(await again.text(), path).toBe(body);
      expect(read, `${path}: a hit read the bindings`).toEqual([]);
      expect(digest, `${path}: a hit computed a digest`).not.toHaveBeenCalled();
      expect(match, `${path}: a hit waited for the Cache API`).not.toHaveBeenCalled();
      vi.restoreAllMocks();
      const headers = (r: Response) => [...r.headers].filter(([name]) => !["age", "x-edge-cache", "date"].includes(name));
      expect(headers(again), path).toEqual(headers(first));
      expect(again.headers.get("etag"), path).toMatch(/^"[0-9a-f]{40}"$/);
    }
  });

  it("is asked by the Worker's fetch() before the app builds anything", async () => {
    const origin = originFor();
    const dispatched = vi.spyOn(faces, "fetch");
    const first = await get(envWith(config), "/api/v2/summary.json", {}, origin);
    expect(dispatched).toHaveBeenCalledTimes(1);
    const again = await get(envWith(config), "/api/v2/summary.json", {}, origin);
    expect(again.headers.get("x-edge-cache")).toBe("hit");
    expect(await again.text()).toBe(await first.text());
    expect(dispatched).toHaveBeenCalledTimes(1);
  });

  it("answers If-None-Match from memory with 304, keeping the validators", async () => {
    const origin = originFor();
    const first = await faceGet(envWith(config), "/api/v2/summary.json", { origin });
    const { env, read } = watched(envWith(config));
    const again = await faceGet(env, "/api/v2/summary.json", { origin, headers: { "If-None-Match": `"x", ${first.headers.get("etag")}` } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(again.headers.get("cache-control")).toBe(first.headers.get("cache-control"));
    expect(again.headers.get("content-type")).toBeNull();
    expect(await again.text()).toBe("");
    expect(read).toEqual([]);
    const other = await faceGet(env, "/api/v2/summary.json", { origin, headers: { "If-None-Match": '"not-it"' } });
    expect(other.status).toBe(200);
  });

  it("never keeps the answer of a route that checks a token, even while it is open", async () => {
    const origin = originFor();
    expect((await faceGet(envWith(config), "/metrics", { origin })).status).toBe(200);
    // The same isolate, the secret now set: the open answer must not come back past the token check.
    const refused = await faceGet(envWith(config, { METRICS_TOKEN: TOKEN }), "/metrics", { origin });
    expect(refused.status).toBe(401);
  });

  it("keeps nothing a route did not mark shareable, nor what no edge cache served", async () => {
    let calls = 0;
    const app = new Hono();
    app.use(frontCache().middleware);
    app.get("/private", edgeCache(), (c) => {
      calls++;
      c.header("Cache-Control", "private, max-age=60");
      return c.text("mine");
    });
    app.get("/uncached", (c) => {
      calls++;
      c.header("Cache-Control", "public, max-age=60");
      return c.text("not through edgeCache");
    });
    const origin = originFor();
    for (const path of ["/private", "/private", "/uncached", "/uncached"]) await app.request(`${origin}${path}`);
    expect(calls).toBe(4);
  });

  it("is bounded: past its entries, the longest kept go first", async () => {
    let calls = 0;
    const app = new Hono();
    app.use(frontCache({ entries: 2, bytes: 1024 * 1024 }).middleware);
    // No Cache API behind it (a fresh origin each time would miss it anyway): count what reaches the route.
    app.get("/n/:n", (c) => {
      calls++;
      c.header("Cache-Control", "public, max-age=60");
      c.header("X-Edge-Cache", "miss");
      return c.text(`answer ${c.req.param("n")}`);
    });
    const origin = originFor();
    const get = async (n: number) => (await app.request(`${origin}/n/${n}`)).text();
    for (const n of [1, 2, 1, 2]) await get(n);
    expect(calls).toBe(2);
    await get(3); // pushes out 1, the longest kept
    expect(await get(2)).toBe("answer 2");
    expect(calls).toBe(3);
    expect(await get(1)).toBe("answer 1");
    expect(calls).toBe(4);
  });
});
