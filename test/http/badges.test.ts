import { resetBindings } from "../helpers/reset";

import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { faceGet, seedLatest } from "../helpers/faces-app";
import { minutesAgo, stored } from "../helpers/fixtures";
import { envWith } from "../helpers/worker";

const XSS = "<img src=x onerror=alert(1)>";
const at = minutesAgo(0);
const config = {
  title: "Badges",
  monitors: [
    { id: "gw", name: "API gateway", type: "http", url: "https://gw.internal.example/health", degradedAfterMs: 100 },
    {
      id: "evil",
      name: XSS,
      group: "</g><script>x</script>",
      type: "http",
      url: "https://evil.internal.example/?k=secret-q-1",
      degradedAfterMs: 200,
    },
    { id: "dead", name: "Dead", type: "http", url: "https://dead.internal.example/" },
    { id: "fresh", name: "Fresh", type: "http", url: "https://fresh.internal.example/" },
  ],
};
const bindings = envWith(config);

beforeEach(() =>
  seedLatest(
    {
      gw: stored({ status: "up", latencyMs: 71 }, at),
      evil: stored({ status: "degraded", latencyMs: 250, message: "]]><script>alert(2)</script>" }, at),
      dead: stored({ status: "down", latencyMs: null }, at),
    },
    [],
    at,
    { uptime: { gw: { "24h": 100, "7d": 99.95, "30d": 99.5, "90d": null } } },
  ),
);
afterEach(resetBindings);

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" });

async function svg(path: string) {
  const response = await faceGet(bindings, path);
  expect(response.status, path).toBe(200);
  const text = await response.text();
  expect(XMLValidator.validate(text), `${path}: not well-formed XML`).toBe(true);
  return { response, text, doc: parser.parse(text).svg };
}

describe("GET /badge/:id.svg", () => {
  it("a status badge: the name and the status, a flat self-contained SVG, cacheable", async () => {
    const { response, text, doc } = await svg("/badge/gw.svg");
    expect(response.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(response.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    expect(response.headers.get("etag")).toMatch(/^"[0-9a-f]+"$/);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(doc["@xmlns"]).toBe("http://www.w3.org/2000/svg");
    expect(doc.title).toBe("API gateway: up");
    expect(doc["@aria-label"]).toBe("API gateway: up");
    expect(text).toContain('fill="#4c1"');
    expect(Number(doc["@width"])).toBeGreaterThan(60);
    expect(text).not.toMatch(/<script|href=|xlink|@import|url\((?!#)/i);
  });

  it("status colours: degraded yellow, down red, never checked grey", async () => {
    expect((await svg("/badge/evil.svg")).text).toContain('fill="#dfb317"');
    expect((await svg("/badge/dead.svg")).text).toContain('fill="#e05d44"');
    expect((await svg("/badge/fresh.svg")).doc.title).toBe("Fresh: unknown");
  });

  it("?metric=latency and ?metric=uptime&window=", async () => {
    expect((await svg("/badge/gw.svg?metric=latency")).doc.title).toBe("latency: 71 ms");
    expect((await svg("/badge/evil.svg?metric=latency")).text).toContain('fill="#dfb317"');
    expect((await svg("/badge/dead.svg?metric=latency")).doc.title).toBe("latency: n/a");
    const uptime = await svg("/badge/gw.svg?metric=uptime&window=30d");
    expect(uptime.doc.title).toBe("uptime 30d: 99.5%");
    expect(uptime.text).toContain('fill="#97ca00"');
    expect((await svg("/badge/gw.svg?metric=uptime")).doc.title).toBe("uptime 30d: 99.5%");
    expect((await svg("/badge/gw.svg?metric=uptime&window=7d&v=3")).doc.title).toBe("uptime 7d: 99.95%");
    // A window without data says so rather than inventing a number.
    expect((await svg("/badge/gw.svg?metric=uptime&window=90d")).doc.title).toBe("uptime 90d: no data");
    expect((await svg("/badge/dead.svg?metric=uptime&window=24h")).doc.title).toBe("uptime 24h: no data");
  });

  it("renders a hostile name inert: escaped text, no element of its own", async () => {
    const { text, doc } = await svg("/badge/evil.svg");
    expect(text).not.toContain("<img");
    expect(text).not.toContain("<script");
    expect(text).toContain("&lt;img src=x onerror=alert(1)&gt;");
    // A real XML parser reads it back as the text it was, in a title and an attribute, not as markup.
    expect(doc.title).toBe(`${XSS}: degraded`);
    expect(doc["@aria-label"]).toBe(`${XSS}: degraded`);
    expect(Object.keys(doc)).not.toContain("img");
  });

  it("wider text makes a wider badge", async () => {
    const short = Number((await svg("/badge/dead.svg")).doc["@width"]);
    const long = Number((await svg("/badge/gw.svg")).doc["@width"]);
    expect(long).toBeGreaterThan(short);
  });

  it("404 for an unknown monitor or a path without .svg; 400 naming a bad parameter", async () => {
    for (const path of ["/badge/nope.svg", "/badge/gw", "/badge/gw.png"]) {
      const response = await faceGet(bindings, path);
      expect(response.status, path).toBe(404);
    }
    expect(await (await faceGet(bindings, "/badge/nope.svg")).json()).toEqual({ error: "unknown monitor", parameter: "id" });
    for (const [query, parameter] of [
      ["metric=cpu", "metric"],
      ["metric=uptime&window=1y", "window"],
      ["window=365d", "window"],
    ] as const) {
      const response = await faceGet(bindings, `/badge/gw.svg?${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.json()).toMatchObject({ parameter, error: expect.stringContaining(parameter) });
    }
  });
});

describe("GET /api/badge/:id (shields.io endpoint)", () => {
  it("answers the endpoint schema, with CORS", async () => {
    const response = await faceGet(bindings, "/api/badge/gw");
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    // cacheSeconds: the tick period (60 s here); shields caches no longer than the data stays.
    expect(await response.json()).toEqual({
      schemaVersion: 1,
      label: "API gateway",
      message: "up",
      color: "brightgreen",
      cacheSeconds: 60,
    });
    expect(await (await faceGet(bindings, "/api/badge/gw?metric=latency")).json()).toEqual({
      schemaVersion: 1,
      label: "latency",
      message: "71 ms",
      color: "brightgreen",
      cacheSeconds: 60,
    });
    expect(await (await faceGet(bindings, "/api/badge/dead?metric=uptime&window=7d")).json()).toEqual({
      schemaVersion: 1,
      label: "uptime 7d",
      message: "no data",
      color: "lightgrey",
      cacheSeconds: 60,
    });
    expect(await (await faceGet(bindings, "/api/badge/gw?metric=uptime&window=24h")).json()).toEqual({
      schemaVersion: 1,
      label: "uptime 24h",
      message: "100%",
      color: "brightgreen",
      cacheSeconds: 60,
    });
    // JSON carries the name as data; shields escapes it where it draws it.
    expect(await (await faceGet(bindings, "/api/badge/evil")).json()).toMatchObject({ label: XSS, message: "degraded", color: "yellow" });
  });

  it("404 for an unknown monitor, 400 for a bad metric or window", async () => {
    expect((await faceGet(bindings, "/api/badge/nope")).status).toBe(404);
    const bad = await faceGet(bindings, "/api/badge/gw?metric=uptime&window=2w");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ parameter: "window" });
  });

  it("never shows a URL or a query secret", async () => {
    for (const path of ["/api/badge/evil", "/badge/evil.svg", "/badge/evil.svg?metric=latency"]) {
      const text = await (await faceGet(bindings, path)).text();
      for (const leak of ["internal.example", "secret-q-1"]) expect(text).not.toContain(leak);
    }
  });
});
