// The one way Edgewatch makes an HTTP request: under a deadline, redirects left to the caller, and every failure in
// words that carry the method and the redacted URL (for logs) beside words that carry neither (for people).
import type { Deadline } from "./deadline";
import { describeFetchError } from "./fetch-error";
import { readCapped, readCappedBytes } from "./read-body";
import { redactUrl } from "./redact-url";

export interface NetRequest {
  url: string;
  /** Default GET. */
  method?: string;
  headers?: HeadersInit;
  body?: string | null;
  /**
   * Default "manual": the runtime's own following would carry every header, secrets included, to whatever origin a
   * Location names, and re-send a signed body there.
   */
  redirect?: "manual" | "follow";
  /** Bypass every cache between the edge and the target: a health check must reach the origin. */
  noStore?: boolean;
}

export interface NetFailure {
  ok: false;
  kind: "timeout" | "connect";
  /** `timeout after 5000 ms`, `connection refused or lost`: no URL, fit for a status page. */
  reason: string;
  /** `GET https://host/path?token=redacted: timeout after 5000 ms`: for logs and admin views. */
  detail: string;
}

export type Sent = { ok: true; response: Response } | NetFailure;

/** Sends one request; never throws. A failure is a timeout when the deadline had passed, else a connection failure. */
export async function send(fetchFn: typeof fetch, request: NetRequest, limit: Deadline): Promise<Sent> {
  const method = request.method ?? "GET";
  if (limit.signal.aborted) return netFailure(method, request.url, limit, limit.signal.reason);
  const init = {
    method,
    signal: limit.signal,
    redirect: request.redirect ?? "manual",
    ...(request.headers !== undefined ? { headers: request.headers } : {}),
    ...(request.body != null ? { body: request.body } : {}),
    ...(request.noStore ? { cache: "no-store" } : {}),
  };
  try {
    return { ok: true, response: await fetchFn(request.url, init as RequestInit) };
  } catch (error) {
    return netFailure(method, request.url, limit, error);
  }
}

/** What a request that threw (or whose body stopped) comes to. */
function netFailure(method: string, url: string, limit: Deadline, error: unknown): NetFailure {
  const timedOut = limit.signal.aborted;
  const reason = timedOut ? `timeout after ${limit.ms} ms` : describeFetchError(error);
  return { ok: false, kind: timedOut ? "timeout" : "connect", reason, detail: `${method} ${redactUrl(url)}: ${reason}` };
}

/** Reads at most `maxBytes` of the body under the same deadline; a body cut off by it is a failure like any other. */
export function readBody(response: Response, maxBytes: number, request: Pick<NetRequest, "url" | "method">, limit: Deadline) {
  return underDeadline(() => readCapped(response, maxBytes), request, limit);
}

/** The same as bytes, for binary answers (a DNS message). */
export function readBodyBytes(response: Response, maxBytes: number, request: Pick<NetRequest, "url" | "method">, limit: Deadline) {
  return underDeadline(() => readCappedBytes(response, maxBytes), request, limit);
}

async function underDeadline<T extends object>(
  read: () => Promise<T>,
  request: Pick<NetRequest, "url" | "method">,
  limit: Deadline,
): Promise<({ ok: true } & T) | NetFailure> {
  try {
    return { ok: true, ...(await read()) };
  } catch (error) {
    return netFailure(request.method ?? "GET", request.url, limit, error);
  }
}

/** Lets a body go unread, so its connection is freed for the next request. */
export async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}
