import type * as z from "zod";
import { type Deadline, deadline } from "../net/deadline";
import { redactUrl } from "../net/redact-url";
import { type NetFailure, discard, readBody, send as sendRequest } from "../net/request";
import { PROBE_USER_AGENT } from "../net/user-agent";
import type { ProbeDeps } from "./probe-deps";

export interface GetFailure {
  ok: false;
  /** `connect`, `timeout`, `status`, `body`, `json` or `response`. */
  phase: string;
  /** `GET /api/v1/targets: unexpected response: data.activeTargets: expected array`. No URL, no secret. */
  message: string;
  /** The message without the request: `unexpected response: data.activeTargets: expected array`. */
  reason: string;
  /** For logs: method, redacted URL and what the server said. */
  detail: string;
  /** The server's own error answer (`{"status":"error","errorType":"bad_data",...}` from Prometheus), when it gave one. */
  apiError?: { type: string; text: string };
}
export type GetResult<T> = { ok: true; value: T } | GetFailure;

export interface SessionOptions {
  baseUrl: string;
  headers: Headers;
  /** Covers every request of the session together, time spent waiting for a turn included. */
  timeoutMs: number;
  /** Requests in flight at once (a request holds its turn until its body is read); the rest wait in order. */
  concurrency: number;
}

/**
 * GET requests against one server (a base URL with its own path prefix), sharing one deadline and a limit on
 * requests in flight: a Worker has six connections for everything it does. Never throws: every
 * failure comes back as a GetFailure that names the request (`GET /-/healthy`) and what went wrong.
 * Redirects are not followed: behind Cloudflare Access a missing service token yields a redirect to a login page
 * whose HTML would otherwise pass for a healthy answer.
 */
export interface ProbeSession {
  /** Succeeds when the answer is 2xx; the body is not read. */
  check(path: string): Promise<GetResult<number>>;
  /** Reads at most maxBytes, parses JSON and validates it with `schema`. */
  json<S extends z.ZodType>(
    path: string,
    schema: S,
    options: { query?: Record<string, string>; maxBytes: number },
  ): Promise<GetResult<z.infer<S>>>;
  close(): void;
}

/** `https://host/prefix` + `/api/v1/alerts` → `https://host/prefix/api/v1/alerts`, keeping the base's own query. */
function endpointUrl(baseUrl: string, path: string, query: Record<string, string> = {}): string {
  const url = new URL(baseUrl);
  url.pathname = url.pathname.replace(/\/+$/, "") + path;
  url.hash = "";
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.toString();
}

/** What every request of one session shares: its server, headers and deadline. */
interface Connection {
  deps: ProbeDeps;
  baseUrl: string;
  headers: Headers;
  limit: Deadline;
}

type Sent = { ok: true; response: Response; label: string; url: string } | GetFailure;

export function openSession(deps: ProbeDeps, options: SessionOptions): ProbeSession {
  const connection: Connection = {
    deps,
    baseUrl: options.baseUrl,
    headers: sessionHeaders(options.headers),
    limit: deadline(options.timeoutMs),
  };
  const turn = semaphore(options.concurrency);
  return {
    check: (path) => turn(() => checkPath(connection, path)),
    json: (path, schema, { query, maxBytes }) => turn(() => readJson(connection, path, schema, query, maxBytes)),
    // An AbortSignal.timeout needs no clearing; kept so callers need not know how the deadline is kept.
    close() {},
  };
}

function sessionHeaders(given: Headers): Headers {
  const headers = new Headers(given);
  headers.set("user-agent", headers.get("user-agent") ?? PROBE_USER_AGENT);
  headers.set("accept", "application/json, text/plain;q=0.9, */*;q=0.1");
  headers.set("cache-control", "no-cache");
  return headers;
}

/** A semaphore: `inFlight` turns are taken; a finished request hands its turn to the first waiting one. */
function semaphore(concurrency: number): <T>(work: () => Promise<T>) => Promise<T> {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (inFlight < concurrency) inFlight++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else inFlight--;
    }
  };
}

function fail(label: string, url: string, phase: string, reason: string, apiError?: GetFailure["apiError"]): GetFailure {
  return {
    ok: false,
    phase,
    message: `${label}: ${reason}`,
    reason,
    detail: `GET ${redactUrl(url)}: ${reason}${apiError ? `: ${apiError.text}` : ""}`,
    ...(apiError ? { apiError } : {}),
  };
}

/** A request that failed under the session's deadline (a timeout) or before an answer (a connection failure). */
function failure(label: string, url: string, net: NetFailure): GetFailure {
  return fail(label, url, net.kind, net.reason);
}

/** Sends the GET; a non-2xx answer becomes a failure, with the server's error text when its body carries one. */
async function send(connection: Connection, path: string, query: Record<string, string> | undefined): Promise<Sent> {
  const label = `GET ${path}`;
  const url = endpointUrl(connection.baseUrl, path, query);
  const sent = await sendRequest(connection.deps.fetch, { url, headers: connection.headers, noStore: true }, connection.limit);
  if (!sent.ok) return failure(label, url, sent);
  const { response } = sent;
  if (response.status >= 200 && response.status < 300) return { ok: true, response, label, url };
  return refusal(connection, response, label, url);
}

/** A 3xx or an error status as a failure: where a redirect led, or what the server's error body said. */
async function refusal(connection: Connection, response: Response, label: string, url: string): Promise<GetFailure> {
  if (response.status >= 300 && response.status < 400) {
    await discard(response);
    const location = response.headers.get("location");
    let host = "";
    try {
      host = location ? ` to ${new URL(location, url).host}` : "";
    } catch {
      // an unparsable Location: say nothing about where
    }
    return fail(label, url, "status", `HTTP ${response.status} (redirected${host}; redirects are not followed)`);
  }
  const body = await readBody(response, 16_384, { url }, connection.limit);
  if (!body.ok) return failure(label, url, body);
  const apiError = parseApiError(body.text);
  return fail(label, url, "status", `HTTP ${response.status}${apiError?.type ? ` (${apiError.type})` : ""}`, apiError);
}

async function checkPath(connection: Connection, path: string): Promise<GetResult<number>> {
  const sent = await send(connection, path, undefined);
  if (!sent.ok) return sent;
  await discard(sent.response);
  return { ok: true, value: sent.response.status };
}

async function readJson<S extends z.ZodType>(
  connection: Connection,
  path: string,
  schema: S,
  query: Record<string, string> | undefined,
  maxBytes: number,
): Promise<GetResult<z.infer<S>>> {
  const sent = await send(connection, path, query);
  if (!sent.ok) return sent;
  const { response, label, url } = sent;
  const body = await readBody(response, maxBytes, { url }, connection.limit);
  if (!body.ok) return failure(label, url, body);
  if (body.truncated) return fail(label, url, "body", `body larger than ${maxBytes} bytes`);
  const text = body.text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const type = (response.headers.get("content-type") ?? "no content-type").split(";")[0]?.trim();
    return fail(label, url, "json", text.trim() === "" ? "empty body" : `invalid JSON (${type})`);
  }
  const checked = schema.safeParse(parsed);
  if (!checked.success) return fail(label, url, "response", `unexpected response: ${describeIssue(checked.error, parsed)}`);
  return { ok: true, value: checked.data };
}

/** Prometheus answers errors as `{"status":"error","errorType":"bad_data","error":"..."}`, Alertmanager as a string or `{"message":...}`. */
function parseApiError(text: string): GetFailure["apiError"] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text.trim() ? { type: "", text: text.trim().slice(0, 200) } : undefined;
  }
  if (typeof body === "string") return { type: "", text: body.slice(0, 200) };
  if (body && typeof body === "object") {
    const { errorType, error, message } = body as Record<string, unknown>;
    const said = typeof error === "string" ? error : typeof message === "string" ? message : "";
    if (typeof errorType === "string" || said) return { type: typeof errorType === "string" ? errorType : "", text: said.slice(0, 200) };
  }
  return undefined;
}

/** `data.activeTargets: expected array, got string`: the first problem, its path, and what was there instead. */
function describeIssue(error: z.ZodError, input: unknown): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  let path = "";
  let found: unknown = input;
  for (const key of issue.path) {
    path += typeof key === "number" ? `[${key}]` : path ? `.${String(key)}` : String(key);
    found = found !== null && typeof found === "object" ? (found as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
  }
  // A literal that did not match (`status`), or a discriminator that matched no option (`resultType`).
  const allowed =
    issue.code === "invalid_value" ? issue.values : issue.code === "invalid_union" && "options" in issue ? issue.options : undefined;
  let what: string;
  if (issue.code === "invalid_type") {
    what = found === undefined ? `expected ${issue.expected}` : `expected ${issue.expected}, got ${kindOf(found)}`;
  } else if (Array.isArray(allowed)) {
    what = `expected ${allowed.map((v) => JSON.stringify(v)).join(" or ")}, got ${JSON.stringify(found)?.slice(0, 40) ?? "nothing"}`;
  } else {
    what = issue.message;
  }
  return path ? `${path}: ${what}` : what;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
