import type { Context, MiddlewareHandler } from "hono";

/**
 * Serves GET requests from the edge's Cache API (`caches.default`), keyed by URL, so a cached answer costs no KV or R2
 * read. Only what the route itself marked shareable is stored: a 200 whose `Cache-Control` says `public` with a
 * `max-age` above 0 (and neither `private`, `no-store` nor `no-cache`), without `Set-Cookie`. The Cache API keeps it
 * for that max-age. Requests with `Authorization` never touch the cache, either way.
 *
 * A hit carries `Age` (seconds since it was stored), so a browser or proxy downstream counts the max-age from when
 * the answer was made, not from when the edge handed it over. `X-Edge-Cache: hit | miss` says which it was.
 *
 * Put `etag()` outside this middleware: it then answers `If-None-Match` with 304 for hits and misses alike.
 * Note: the Cache API is a no-op on `*.workers.dev` hosts; it works on a custom domain (and in Miniflare).
 */
export function edgeCache(): MiddlewareHandler {
  return async (c, next) => {
    const cache = defaultCache();
    if (!cache || c.req.method !== "GET" || c.req.raw.headers.has("Authorization")) return next();

    const key = new Request(c.req.url, { method: "GET" });
    const hit = await cache.match(key).catch(() => undefined);
    if (hit) {
      const response = new Response(hit.body, hit);
      const storedAt = Date.parse(response.headers.get("Date") ?? "");
      if (Number.isFinite(storedAt)) response.headers.set("Age", String(Math.max(0, Math.floor((Date.now() - storedAt) / 1000))));
      response.headers.set("X-Edge-Cache", "hit");
      return response;
    }

    await next();
    if (c.res.status !== 200 || !shareable(c.res.headers)) return;
    const stored = c.res.clone();
    const headers = new Headers(stored.headers);
    if (!headers.has("Date")) headers.set("Date", new Date().toUTCString());
    headers.delete("X-Edge-Cache");
    const put = cache.put(key, new Response(stored.body, { status: 200, headers })).catch(() => undefined);
    const ctx = executionCtxOf(c);
    if (ctx) ctx.waitUntil(put);
    else await put; // unit tests without an execution context: store before answering
    c.res.headers.set("X-Edge-Cache", "miss");
  };
}

function defaultCache(): Cache | undefined {
  try {
    return (globalThis as { caches?: CacheStorage & { default?: Cache } }).caches?.default;
  } catch {
    return undefined;
  }
}

/** Hono throws when a context has no execution context (an app called as `app.request()` in a test). */
function executionCtxOf(c: Context): Pick<ExecutionContext, "waitUntil"> | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

function shareable(headers: Headers): boolean {
  if (headers.has("Set-Cookie")) return false;
  const cc = (headers.get("Cache-Control") ?? "").toLowerCase();
  if (!/(^|,)\s*public\s*(,|$)/.test(cc) || /(^|,)\s*(private|no-store|no-cache)\b/.test(cc)) return false;
  const maxAge = /(^|,)\s*(?:s-maxage|max-age)\s*=\s*(\d+)/.exec(cc);
  return maxAge !== null && Number(maxAge[2]) > 0;
}
