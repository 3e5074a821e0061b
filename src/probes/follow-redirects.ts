import type { Deadline } from "../net/deadline";
import { type NetFailure, discard, send } from "../net/request";
import type { ProbeDeps } from "./probe-deps";
import { crossOriginHeaders } from "./resolve-headers";

/** Redirects an http probe follows before it calls the chain broken; each one is a subrequest of its own. */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface FirstRequest {
  url: string;
  method: string;
  headers: Headers;
  /** Lower-case names of headers whose values are secrets: sent to the configured origin only. */
  secretNames: readonly string[];
  body: string | null;
  /** One deadline for the whole chain. */
  limit: Deadline;
  follow: boolean;
}

/**
 * The answer at the end of the chain, or why the chain was not followed to its end (the target is then down): a
 * request that failed (`failed`), or a redirect that was refused (`message`).
 */
export type Followed =
  | { ok: true; response: Response; redirects: number }
  | { ok: false; message: string; redirects: number }
  | { ok: false; failed: NetFailure; redirects: number };

/**
 * Sends the request and follows redirects itself (the runtime's own following would carry every header, secrets
 * included, to whatever origin a Location names). Secret headers, credentials and the body go to the configured
 * origin only; 303, and 301/302 after a POST, continue as GET without a body, as the Fetch standard says. Never
 * throws.
 */
export async function fetchFollowing(deps: ProbeDeps, first: FirstRequest): Promise<Followed> {
  const origin = new URL(first.url).origin;
  let elsewhere: Headers | undefined;
  let { url, method, body } = first;
  const seen = new Set([new URL(url).href]);
  for (let redirects = 0; ; redirects++) {
    const home = new URL(url).origin === origin;
    const headers = home ? first.headers : (elsewhere ??= crossOriginHeaders(first.headers, first.secretNames));
    const sent = await send(deps.fetch, { url, method, headers, body, noStore: true }, first.limit);
    if (!sent.ok) return { ok: false, failed: sent, redirects };
    const { response } = sent;
    const location = response.headers.get("location");
    if (!first.follow || !REDIRECT_STATUSES.has(response.status) || location === null) return { ok: true, response, redirects };
    await discard(response);
    const code = response.status;
    const stop = (message: string): Followed => ({ ok: false, message, redirects });
    if (redirects === MAX_REDIRECTS) return stop(`more than ${MAX_REDIRECTS} redirects`);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return stop(`HTTP ${code} with an invalid Location`);
    }
    if (next.protocol !== "http:" && next.protocol !== "https:")
      return stop(`HTTP ${code} to a ${next.protocol} address (only http and https are followed)`);
    next.hash = "";
    if (seen.has(next.href))
      return stop(`redirect loop: HTTP ${code} back to an address already visited, after ${redirects + 1} redirects`);
    seen.add(next.href);
    if ((code === 303 && method !== "HEAD") || ((code === 301 || code === 302) && method === "POST")) [method, body] = ["GET", null];
    if (body !== null && next.origin !== origin)
      return stop(`HTTP ${code} to another origin would resend the request body there; not followed`);
    url = next.href;
  }
}
