import type { MiddlewareHandler } from "hono";
import { languageFromHeader } from "../read-model/strings";
import { sharedMaxAge } from "./edge-cache";

/**
 * The first middleware of the app: answers a GET with an answer this isolate already sent for the same URL, while
 * that answer is fresh, before routing goes any further. Nothing else runs for it: no config, no storage, no
 * digest, no header middleware (the answer is kept as it was finally sent, every header included), only a map
 * lookup and the Response, which is what the read floor costs (bench/read-floor.ts).
 *
 * What it keeps: the final answer of a route served through edgeCache() (its `X-Edge-Cache` says so) that the
 * route marked shareable (200, `public`, a max-age), by the request's exact URL, until its `Date` plus its max-age:
 * the same lifetime as in the Cache API, so nothing is served older than its `Cache-Control` allows. Two isolates
 * may hold different answers, each within its max-age, as two colos' caches do. A URL with parameters the route
 * ignores is kept apart (edgeCache's canonical key still spares it any storage read), and the tier is bounded in
 * entries and bytes (the longest kept go first), so such URLs only push out older answers.
 *
 * An answer that says `Vary: Accept-Language` (a page whose language follows the reader's) is kept per language, the
 * language the header resolves to as the page resolves it, so a German reader's page never reaches an English one.
 *
 * A route that checks who asks (requireToken) is never kept here, even when it is open: see {@link guard}.
 */

interface Kept {
  headers: [string, string][];
  /** Text as a string: the runtime sends a string faster than the same bytes in a buffer. */
  body: string | ArrayBuffer;
  bytes: number;
  etag: string | null;
  storedAtMs: number;
  expiresAtMs: number;
}

/** How much one isolate keeps: a few hundred answers of tens of KB fit well within a Worker's 128 MB. */
const FRONT_LIMITS = { entries: 256, bytes: 8 * 1024 * 1024 };
/** What hono's etag() keeps on a 304, as RFC 9110 asks. */
const KEPT_ON_304 = new Set(["cache-control", "content-location", "date", "etag", "expires", "vary"]);

const guarded = new WeakSet<Request>();

/** Marks a request whose answer depends on who sent it: never kept, whatever its Cache-Control says. */
export function guard(request: Request): void {
  guarded.add(request);
}

export interface FrontCache {
  /** The app's first middleware: answers from the kept answers, and keeps what the routes answered. */
  middleware: MiddlewareHandler;
  /** The same lookup for the Worker's fetch(), before the app builds anything for the request. */
  answer(request: Request): Response | undefined;
}

export function frontCache(limits: { entries: number; bytes: number } = FRONT_LIMITS): FrontCache {
  const kept = keptAnswers(limits);
  const answer = (request: Request, nowMs = Date.now()) => {
    if (request.method !== "GET") return undefined;
    const found = kept.lookup(request, nowMs);
    return found && sent(found, request.headers.get("If-None-Match"), nowMs);
  };
  const middleware: MiddlewareHandler = async (c, next) => {
    const nowMs = Date.now();
    const found = answer(c.req.raw, nowMs);
    if (found) return found;
    await next();
    if (c.req.method !== "GET" || c.res.status !== 200 || guarded.has(c.req.raw) || !c.res.headers.has("X-Edge-Cache")) return;
    const maxAge = sharedMaxAge(c.res.headers);
    if (maxAge === null) return;
    const bytes = await c.res.arrayBuffer();
    const headers = new Headers(c.res.headers);
    c.res = new Response(bytes, { status: 200, headers });
    kept.keep(c.req.raw, keptOf(headers, bytes, maxAge, nowMs));
  };
  return { middleware, answer: (request) => answer(request) };
}

function keptOf(response: Headers, bytes: ArrayBuffer, maxAge: number, nowMs: number): Kept {
  const headers = new Headers(response);
  headers.delete("X-Edge-Cache");
  headers.delete("Age");
  if (!headers.has("Date")) headers.set("Date", new Date(nowMs).toUTCString());
  // The Date header has whole seconds: counting from it never keeps an answer past its max-age.
  const dated = Date.parse(headers.get("Date")!);
  const storedAtMs = Number.isFinite(dated) ? Math.min(dated, nowMs) : nowMs;
  return {
    headers: [...headers],
    body: asText(bytes),
    bytes: bytes.byteLength,
    etag: headers.get("ETag"),
    storedAtMs,
    expiresAtMs: storedAtMs + maxAge * 1000,
  };
}

/** UTF-8 bytes as a string, which the runtime encodes back to the same bytes; anything else stays bytes. */
function asText(bytes: ArrayBuffer): string | ArrayBuffer {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return bytes;
  }
}

/** The answer as sent: 304 when the client has it (hono's etag() rules), else 200; with its Age and the tier's word. */
function sent(answer: Kept, ifNoneMatch: string | null, nowMs: number): Response {
  const age: [string, string] = ["Age", String(Math.max(0, Math.floor((nowMs - answer.storedAtMs) / 1000)))];
  const state: [string, string] = ["X-Edge-Cache", "hit"];
  if (ifNoneMatch && answer.etag && matches(answer.etag, ifNoneMatch)) {
    return new Response(null, { status: 304, headers: [...answer.headers.filter(([name]) => KEPT_ON_304.has(name)), age, state] });
  }
  return new Response(answer.body, { status: 200, headers: [...answer.headers, age, state] });
}

function matches(etag: string, ifNoneMatch: string): boolean {
  if (ifNoneMatch.trim() === "*") return true;
  const strong = etag.replace(/^W\//, "");
  return ifNoneMatch.match(/"[^"]*"/g)?.includes(strong) ?? false;
}

/** The answers kept, by URL (and language, for answers that vary by it), within the limits: the longest kept go first. */
function keptAnswers(limits: { entries: number; bytes: number }) {
  const kept = new Map<string, Kept>();
  /** URLs whose last answer varied by language; bounded like the answers (forgetting one only costs a miss). */
  const byLanguage = new Set<string>();
  const keyOf = (request: Request) =>
    byLanguage.has(request.url) ? `${request.url} ${languageFromHeader(request.headers.get("Accept-Language"))}` : request.url;
  let keptBytes = 0;
  const drop = (url: string) => {
    const answer = kept.get(url);
    if (!answer) return;
    kept.delete(url);
    keptBytes -= answer.bytes;
  };
  return {
    lookup(request: Request, nowMs: number): Kept | undefined {
      const key = keyOf(request);
      const answer = kept.get(key);
      if (!answer || answer.expiresAtMs > nowMs) return answer;
      drop(key);
      return undefined;
    },
    keep(request: Request, answer: Kept): void {
      if (answer.bytes > limits.bytes / 8) return;
      const varies = answer.headers.some(([name, value]) => name === "vary" && /(^|,)\s*accept-language\s*(,|$)/i.test(value));
      if (varies && byLanguage.size >= limits.entries) byLanguage.clear();
      if (varies) byLanguage.add(request.url);
      else byLanguage.delete(request.url);
      const url = keyOf(request);
      drop(url);
      kept.set(url, answer);
      keptBytes += answer.bytes;
      // A Map iterates in insertion order: the first keys are the longest kept.
      for (const oldest of kept.keys()) {
        if (kept.size <= limits.entries && keptBytes <= limits.bytes) break;
        drop(oldest);
      }
    },
  };
}
