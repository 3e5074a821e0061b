import * as z from "zod";
import { resetBindings } from "../helpers/reset";

import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Bindings, storesFrom } from "../../src/env/deps";
import { canonicalUrl } from "../../src/http/edge-cache";
import { HistoryQuery } from "../../src/http/history-api";
import { countingBindings } from "../helpers/counting-bindings";
import { faceGet, seedLatest } from "../helpers/faces-app";
import { incident, stored } from "../helpers/fixtures";
import { envWith } from "../helpers/worker";

const config = {
  title: "Keys",
  monitors: [
    { id: "gw", name: "Gateway", type: "http", url: "https://gw.internal.example/health" },
    { id: "db", name: "Database", type: "http", url: "https://db.internal.example/health" },
  ],
};

/** Every billed storage operation a request made: reads, lists, and the coordinator's history call counts apart. */
function counted() {
  const { counts, bucket, kv } = countingBindings();
  const bindings = { ...envWith(config), HISTORY: bucket, STATE: kv } as Bindings;
  return { bindings, ops: () => counts.r2ClassA + counts.r2ClassB + counts.kvReads + counts.kvLists };
}

const INCIDENT = "gw-20261128T210100Z";
let run = 0;
const originFor = () => `https://keys-${++run}-${crypto.randomUUID().slice(0, 8)}.example.com`;

beforeEach(async () => {
  const at = new Date().toISOString();
  const open = incident({ id: INCIDENT, monitorIds: ["gw"] });
  await seedLatest({ gw: stored({ status: "up" }, at), db: stored({ status: "up" }, at) }, [open], at);
  await storesFrom(env).incidents.putIncident(open);
});
afterEach(resetBindings);

describe("canonical cache keys", () => {
  it("drops unknown parameters and sorts, fills in and normalises known ones", () => {
    const schema = HistoryQuery;
    const a = canonicalUrl(
      "https://s.example/api/monitors/gw/history?to=2026-11-28&_=123&resolution=day",
      { to: "2026-11-28", _: "123", resolution: "day" },
      schema,
    );
    const b = canonicalUrl(
      "https://s.example/api/monitors/gw/history?resolution=day&to=2026-11-28T00:00:00Z",
      { resolution: "day", to: "2026-11-28T00:00:00Z" },
      schema,
    );
    expect(a).toBe(b);
    expect(a).toBe(`https://s.example/api/monitors/gw/history?resolution=day&to=${Date.parse("2026-11-28T00:00:00Z")}`);
    expect(canonicalUrl("https://s.example/api/status?nocache=1#x", { nocache: "1" }, undefined)).toBe("https://s.example/api/status");
    // A query the route refuses is not cached at all (the route answers 400 before any read).
    expect(canonicalUrl("https://s.example/h?resolution=week", { resolution: "week" }, schema)).toBeNull();
  });

  it("adds what else the answer depends on (the page's language) under names no request parameter can take", () => {
    const schema = z.object({ refresh: z.string().optional() });
    expect(canonicalUrl("https://s.example/?refresh=off&utm=x", { refresh: "off", utm: "x" }, schema, { lang: "de" })).toBe(
      "https://s.example/?refresh=off&%7Elang=de",
    );
    // A request naming `~lang` itself is not a language: the schema drops it, the resolved language is the key's.
    expect(canonicalUrl("https://s.example/?~lang=de", { "~lang": "de" }, schema, { lang: "en" })).toBe("https://s.example/?%7Elang=en");
  });

  it("a cache-busting parameter never reaches storage, on any public GET", async () => {
    const paths = [
      "/api/status",
      "/api/v2/summary.json",
      "/metrics",
      "/feed.atom",
      "/badge/gw.svg",
      "/api/badge/gw",
      "/",
      `/api/incidents/${INCIDENT}`,
      "/health",
    ];
    for (const path of paths) {
      const { bindings, ops } = counted();
      const origin = originFor();
      const first = await faceGet(bindings, path, { origin });
      expect(first.status, path).toBe(200);
      const before = ops();
      expect(before, path).toBeGreaterThan(0);
      for (const buster of ["?_=1", "?_=2&x=y", "?cb=" + crypto.randomUUID()]) {
        const again = await faceGet(bindings, path + buster, { origin });
        expect(again.headers.get("x-edge-cache"), path + buster).toBe("hit");
      }
      expect(ops(), `${path}: a cache buster read storage`).toBe(before);
    }
  });

  it("a default spelled out, or parameters in another order, share one entry", async () => {
    const { bindings, ops } = counted();
    const origin = originFor();
    await faceGet(bindings, "/badge/gw.svg", { origin });
    const reads = ops();
    for (const path of [
      "/badge/gw.svg?metric=status",
      "/badge/gw.svg?window=30d&metric=status",
      "/badge/gw.svg?metric=status&window=30d&utm=x",
    ]) {
      expect((await faceGet(bindings, path, { origin })).headers.get("x-edge-cache"), path).toBe("hit");
    }
    expect(ops()).toBe(reads);
    // `refresh=off` is another page; any other value of it is the default one.
    await faceGet(bindings, "/", { origin });
    const page = ops();
    expect((await faceGet(bindings, "/?refresh=on", { origin })).headers.get("x-edge-cache")).toBe("hit");
    expect((await faceGet(bindings, "/?refresh=off", { origin })).headers.get("x-edge-cache")).toBe("miss");
    expect(ops()).toBeGreaterThan(page);
  });

  it("caches the incidents list and the history API under canonical keys", async () => {
    const { bindings, ops } = counted();
    const origin = originFor();
    const list = await faceGet(bindings, "/api/incidents?limit=20", { origin });
    expect(list.status).toBe(200);
    const afterList = ops();
    expect((await faceGet(bindings, "/api/incidents", { origin })).headers.get("x-edge-cache")).toBe("hit");
    expect(ops()).toBe(afterList);
    // The list refuses parameters it does not know (400, no read), rather than answering a guess.
    const unknown = await faceGet(bindings, "/api/incidents?bust=1", { origin });
    expect(unknown.status).toBe(400);
    expect(ops()).toBe(afterList);

    const history = "/api/monitors/gw/history?resolution=day&from=2026-01-01&to=2026-01-31";
    expect((await faceGet(bindings, history, { origin })).status).toBe(200);
    const afterHistory = ops();
    expect((await faceGet(bindings, `${history}&_=${Date.now()}`, { origin })).headers.get("x-edge-cache")).toBe("hit");
    expect(ops()).toBe(afterHistory);
  });

  it("an Authorization header on a public route is answered from the cache like any other request", async () => {
    const { bindings, ops } = counted();
    const origin = originFor();
    await faceGet(bindings, "/api/v2/status.json", { origin });
    const reads = ops();
    for (const authorization of ["Bearer x", "Bearer " + crypto.randomUUID(), "Basic Zm9vOmJhcg=="]) {
      const withAuth = await faceGet(bindings, "/api/v2/status.json", { origin, headers: { Authorization: authorization } });
      expect(withAuth.headers.get("x-edge-cache")).toBe("hit");
    }
    expect(ops()).toBe(reads);
  });
});
