import type { Context, Env, MiddlewareHandler } from "hono";
import type { ZodType } from "zod";

/** A route's query schema: what the answer depends on. Unknown parameters are stripped (or refused, if strict). */
type QuerySchema = ZodType<Record<string, unknown>>;

/**
 * Serves GET requests from the edge's Cache API (`caches.default`), so a cached answer costs no KV or R2 read. Only
 * what the route itself marked shareable is stored: a 200 whose `Cache-Control` says `public` with a `max-age` above
 * 0 (and neither `private`, `no-store` nor `no-cache`), without `Set-Cookie`. The Cache API keeps it for that max-age.
 *
 * The key is canonical, so a cache-busting string never reaches storage: the origin and path, plus the parameters
 * the route's `query` schema knows, parsed (defaults filled in, values normalised) and sorted; every other parameter
 * is dropped. A query the schema refuses skips the cache: the route answers 400 before it reads anything. A route
 * whose answer depends on more than its URL names it with `keyParts` (the pages: the language the request resolves
 * to), which joins the key as parameters of its own.
 * `Authorization` plays no part: a public answer is the same for everyone, so a header cannot buy a storage read
 * (a route that needs a token checks it before this middleware and marks its answer `private`).
 *
 * A hit carries `Age` (seconds since it was stored), so a browser or proxy downstream counts the max-age from when
 * the answer was made, not from when the edge handed it over. `X-Edge-Cache: hit | miss` says which it was.
 *
 * Put `etag()` outside this middleware: it then answers `If-None-Match` with 304 for hits and misses alike. An
 * answer is stored with its ETag (computed here when the route set none, as etag() computes it: a strong SHA-1 of
 * the bytes), so etag() only compares it on a hit. Nothing a hit does not need (storage, validation) may run before
 * this middleware; `keyParts` may read the config (parsed once per isolate), as the key needs it. The app's frontCache() keeps the final answers in the isolate's memory, in front of this.
 * Note: the Cache API is a no-op on `*.workers.dev` hosts; it works on a custom domain (and in Miniflare).
 */
export function edgeCache<E extends Env = Env>(
  options: { query?: QuerySchema; keyParts?: (c: Context<E>) => Record<string, string> } = {},
): MiddlewareHandler<E> {
  return async (c, next) => {
    const cache = defaultCache();
    if (!cache || c.req.method !== "GET") return next();
    const url = canonicalUrl(c.req.url, c.req.query(), options.query, options.keyParts?.(c));
    if (url === null) return next();

    const key = new Request(url, { method: "GET" });
    const hit = await cache.match(key).catch(() => undefined);
    if (hit) {
      const response = new Response(hit.body, hit);
      const storedAt = Date.parse(response.headers.get("Date") ?? "");
      if (Number.isFinite(storedAt)) response.headers.set("Age", String(Math.max(0, Math.floor((Date.now() - storedAt) / 1000))));
      response.headers.set("X-Edge-Cache", "hit");
      return response;
    }

    await next();
    if (c.res.status !== 200 || sharedMaxAge(c.res.headers) === null) return;
    const body = await c.res.clone().arrayBuffer();
    if (!c.res.headers.has("ETag")) c.res.headers.set("ETag", `"${hex(await crypto.subtle.digest("SHA-1", body))}"`);
    const headers = new Headers(c.res.headers);
    if (!headers.has("Date")) headers.set("Date", new Date().toUTCString());
    headers.delete("X-Edge-Cache");
    const put = cache.put(key, new Response(body, { status: 200, headers })).catch(() => undefined);
    const ctx = executionCtxOf(c);
    if (ctx) ctx.waitUntil(put);
    else await put; // unit tests without an execution context: store before answering
    c.res.headers.set("X-Edge-Cache", "miss");
  };
}

/** The cache key's URL: origin, path and the known parameters in a canonical form; null when the query is invalid. */
export function canonicalUrl(
  requestUrl: string,
  query: Record<string, string>,
  schema: QuerySchema | undefined,
  parts: Record<string, string> = {},
): string | null {
  const url = new URL(requestUrl);
  const canonical = new URL(url.pathname, url.origin);
  let known: Record<string, unknown> = {};
  if (schema) {
    const parsed = schema.safeParse(query);
    if (!parsed.success) return null;
    known = parsed.data;
  }
  for (const name of Object.keys(known).sort()) {
    const value = known[name];
    if (value !== undefined && value !== null) canonical.searchParams.set(name, String(value));
  }
  // After the query and under names of their own (`~lang`), so a parameter of the request can never pose as one.
  for (const name of Object.keys(parts).sort()) canonical.searchParams.set(`~${name}`, parts[name]!);
  return canonical.href;
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

/** The seconds a route allowed its answer to be shared for, or null when it may not be stored. */
export function sharedMaxAge(headers: Headers): number | null {
  if (headers.has("Set-Cookie")) return null;
  const cc = (headers.get("Cache-Control") ?? "").toLowerCase();
  if (!/(^|,)\s*public\s*(,|$)/.test(cc) || /(^|,)\s*(private|no-store|no-cache)\b/.test(cc)) return null;
  const maxAge = /(^|,)\s*(?:s-maxage|max-age)\s*=\s*(\d+)/.exec(cc);
  return maxAge !== null && Number(maxAge[2]) > 0 ? Number(maxAge[2]) : null;
}

const hex = (digest: ArrayBuffer) => Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
