import { overBudget } from "./latency-budget";
import type { HttpMonitor } from "../config/schema";
import { type Deadline, deadline } from "../net/deadline";
import { type AssertionOutcome, type BodyJson, evaluateAssertions } from "./assertions";
import { evaluateHealthBody } from "./health-checks";
import { findSubsetMismatch } from "./json-subset";
import { type NetFailure, discard, readBody } from "../net/request";
import { PROBE_USER_AGENT } from "../net/user-agent";
import { fetchFollowing } from "./follow-redirects";
import { redactUrl } from "../net/redact-url";
import { resolveHeaders } from "./resolve-headers";
import type { ProbeStatus } from "../core/vocabulary";
import type { CheckReport, HttpProbeResult, ProbeDeps } from "./probe-deps";

/**
 * The statuses Cloudflare's edge answers for an origin it could not use (the guide's 522): said in words, since the
 * target itself never sent them and its logs will show nothing.
 */
const CLOUDFLARE_ERRORS: Record<number, string> = {
  520: "the origin answered something unexpected",
  521: "the origin refused the connection",
  522: "the connection to the origin timed out",
  523: "the origin is unreachable",
  524: "the origin took too long to answer",
  525: "the TLS handshake with the origin failed",
  526: "the origin's certificate is invalid",
};

function statusMatches(code: number, expect: HttpMonitor["expectStatus"]): boolean {
  const ranges = Array.isArray(expect) ? expect : [expect];
  return ranges.some((range) => {
    if (typeof range === "number") return code === range;
    const [lo, hi] = range.split("-").map(Number) as [number, number];
    return code >= lo && code <= hi;
  });
}

function describeExpect(expect: HttpMonitor["expectStatus"]): string {
  return (Array.isArray(expect) ? expect : [expect]).join(", ");
}

/** The Location of an answer as sent and resolved against the request; null without one. */
function locationOf(response: Response, requestUrl: string): { raw: string; absolute: string } | null {
  const raw = response.headers.get("location");
  if (raw === null) return null;
  try {
    return { raw, absolute: new URL(raw, requestUrl).href };
  } catch {
    return { raw, absolute: raw };
  }
}

/** What a result may say beyond its status and message. */
interface Extra {
  latencyMs?: number | null;
  statusCode?: number | null;
  checks?: Record<string, CheckReport> | null;
  phase?: string;
  redirects?: number;
  location?: string | null;
  assertions?: AssertionOutcome;
}
type MakeResult = (status: ProbeStatus, message: string, extra?: Extra) => HttpProbeResult;

/** An answer as received: the final response and as much of its body as the checks need. */
interface Answer {
  response: Response;
  redirects: number;
  bodyText: string | undefined;
  truncated: boolean;
  isJson: boolean;
}

/** A check the answer failed: the words after its head (`HTTP 200 in 12 ms`) and where it failed. */
interface Miss {
  message: string;
  phase: string;
}

/** Probes one HTTP endpoint. Never throws: every failure becomes a `down` result that says where it failed. */
export async function probeHttp(monitor: HttpMonitor, deps: ProbeDeps): Promise<HttpProbeResult> {
  const startedAt = deps.now();
  const result = resultsOf(monitor, startedAt);
  const headers = resolveHeaders(monitor.headers, deps.secret);
  if (!headers.ok) return result("down", headers.message, { phase: "config" });
  headers.value.set("user-agent", headers.value.get("user-agent") ?? PROBE_USER_AGENT);
  headers.value.set("cache-control", "no-cache");

  const fetched = await fetchAnswer(monitor, deps, headers, result);
  if ("failed" in fetched) return fetched.failed;
  const latencyMs = Math.max(0, Math.round(deps.now() - startedAt));
  return judgeAnswer(monitor, fetched, latencyMs, result);
}

/** Every result of one probe names the same monitor, start time and target. */
function resultsOf(monitor: HttpMonitor, startedAt: number): MakeResult {
  const target = `${monitor.method} ${redactUrl(monitor.url)}`;
  return (status, message, extra = {}) => ({
    type: "http",
    monitorId: monitor.id,
    status,
    latencyMs: extra.latencyMs ?? null,
    checkedAt: new Date(startedAt).toISOString(),
    message,
    details: {
      statusCode: extra.statusCode ?? null,
      checks: extra.checks ?? null,
      redirects: extra.redirects ?? 0,
      location: extra.location ?? null,
      ...(extra.assertions ? { assertions: extra.assertions.failed, assertionsPassed: extra.assertions.passed } : {}),
    },
    ...(extra.phase ? { error: { phase: extra.phase, detail: `${target}: ${message}` } } : {}),
  });
}

/** Sends the request, following redirects when the monitor says so; a failure comes back as the probe's result. */
async function fetchAnswer(
  monitor: HttpMonitor,
  deps: ProbeDeps,
  headers: { value: Headers; secretNames: string[] },
  result: MakeResult,
): Promise<Answer | { failed: HttpProbeResult }> {
  const limit = deadline(monitor.timeoutMs);
  const first = {
    url: monitor.url,
    method: monitor.method,
    headers: headers.value,
    secretNames: headers.secretNames,
    body: monitor.body ?? null,
    limit,
    follow: monitor.followRedirects,
  };
  const followed = await fetchFollowing(deps, first);
  const { redirects } = followed;
  if (!followed.ok) {
    if ("failed" in followed) return { failed: netResult(followed.failed, redirects, result) };
    return { failed: result("down", followed.message, { phase: "redirect", redirects }) };
  }
  const read = await readWanted(monitor, followed.response, limit);
  if (!read.ok) return { failed: netResult(read, redirects, result) };
  return { ...read, redirects };
}

function netResult(failed: NetFailure, redirects: number, result: MakeResult): HttpProbeResult {
  return failed.kind === "timeout"
    ? result("down", failed.reason, { phase: "timeout", redirects })
    : result("down", failed.reason, { phase: "connect", latencyMs: null, redirects });
}

/** Reads the body (up to maxBodyBytes) when a check or a JSON health body needs it; otherwise lets it go. */
async function readWanted(
  monitor: HttpMonitor,
  response: Response,
  limit: Deadline,
): Promise<({ ok: true } & Omit<Answer, "redirects">) | NetFailure> {
  const isJson = /\bjson\b/i.test(response.headers.get("content-type") ?? "");
  const wantsBody =
    monitor.method !== "HEAD" &&
    (monitor.expectBodyIncludes !== undefined || monitor.expectJson !== undefined || isJson || readsJson(monitor));
  if (!wantsBody) {
    await discard(response);
    return { ok: true, response, isJson, bodyText: undefined, truncated: false };
  }
  const body = await readBody(response, monitor.maxBodyBytes, monitor, limit);
  if (!body.ok) return body;
  return { ok: true, response, isJson, bodyText: body.text, truncated: body.truncated };
}

/** Whether an assertion reads the body's JSON (a `path`), so the body is read and parsed whatever its content type says. */
const readsJson = (monitor: HttpMonitor) => monitor.assertions?.some((a) => a.path !== undefined) ?? false;

/** The monitor's expectations in order (status, Location, body, JSON), then the health body and the latency. */
function judgeAnswer(monitor: HttpMonitor, answer: Answer, latencyMs: number, result: MakeResult): HttpProbeResult {
  const code = answer.response.status;
  const edge = CLOUDFLARE_ERRORS[code];
  const head = `HTTP ${code}${edge ? ` (Cloudflare: ${edge})` : ""} in ${latencyMs} ms`;
  const location = locationOf(answer.response, monitor.url);
  const base = { latencyMs, statusCode: code, redirects: answer.redirects, location: location && redactUrl(location.absolute) };

  const miss = firstMiss(monitor, answer, location);
  if (miss) return result("down", `${head}${miss.message}`, { ...base, phase: miss.phase });
  const { json, jsonError } = parseBody(monitor, answer);
  const jsonMiss = expectedJsonMiss(monitor.expectJson, json, jsonError);
  if (jsonMiss) return result("down", `${head}${jsonMiss.message}`, { ...base, phase: jsonMiss.phase });

  const health = evaluateHealthBody(json, monitor.criticalChecks);
  const notes: string[] = [...health.reasons];
  let status: ProbeStatus = health.status;
  let phase: string | undefined = health.status === "up" ? undefined : "checks";
  if (jsonError) {
    notes.push("invalid JSON body");
    if (status === "up") [status, phase] = ["degraded", "json"];
  }
  const assertions =
    monitor.assertions && evaluateAssertions(monitor.assertions, answer.response.headers, bodyJson(monitor, answer, json, jsonError));
  if (assertions?.note) {
    notes.push(assertions.note);
    if (status === "up" || (status === "degraded" && assertions.status === "down")) [status, phase] = [assertions.status, "assertion"];
  }
  if (overBudget(latencyMs, monitor.degradedAfterMs)) {
    notes.push(`slower than ${monitor.degradedAfterMs} ms`);
    if (status === "up") [status, phase] = ["degraded", "latency"];
  }
  const message = notes.length ? `${head}; ${notes.join("; ")}` : head;
  return result(status, message, { ...base, checks: health.checks, ...(assertions ? { assertions } : {}), ...(phase ? { phase } : {}) });
}

/** The first of the status, Location and body expectations the answer fails; null when it passes them all. */
function firstMiss(monitor: HttpMonitor, answer: Answer, location: ReturnType<typeof locationOf>): Miss | null {
  if (!statusMatches(answer.response.status, monitor.expectStatus)) {
    return { message: ` (expected ${describeExpect(monitor.expectStatus)})`, phase: "status" };
  }
  if (monitor.expectLocation !== undefined) {
    const prefix = monitor.expectLocation;
    if (!location) return { message: "; no Location header (expected a redirect)", phase: "location" };
    if (!location.absolute.startsWith(prefix) && !location.raw.startsWith(prefix)) {
      return { message: "; Location does not start with the expected prefix", phase: "location" };
    }
  }
  if (answer.truncated && (monitor.expectBodyIncludes !== undefined || monitor.expectJson !== undefined)) {
    return { message: `; body larger than ${monitor.maxBodyBytes} bytes`, phase: "body" };
  }
  if (monitor.expectBodyIncludes !== undefined && !answer.bodyText?.includes(monitor.expectBodyIncludes)) {
    return { message: `; expected ${JSON.stringify(monitor.expectBodyIncludes)} in body`, phase: "body" };
  }
  return null;
}

/** The body as the assertions read it: its JSON, or why there is none. */
function bodyJson(monitor: HttpMonitor, answer: Answer, json: unknown, jsonError: boolean): BodyJson {
  if (answer.bodyText === undefined) return { ok: false, why: "no body" };
  if (answer.truncated) return { ok: false, why: `body larger than ${monitor.maxBodyBytes} bytes` };
  if (jsonError || json === undefined) return { ok: false, why: "invalid JSON body" };
  return { ok: true, value: json };
}

/** The body as JSON when it is (or is expected to be) JSON and was read whole; `jsonError` when it did not parse. */
function parseBody(monitor: HttpMonitor, answer: Answer): { json: unknown; jsonError: boolean } {
  if (answer.bodyText === undefined || answer.truncated || !(answer.isJson || monitor.expectJson !== undefined || readsJson(monitor))) {
    return { json: undefined, jsonError: false };
  }
  try {
    return { json: JSON.parse(answer.bodyText), jsonError: false };
  } catch {
    return { json: undefined, jsonError: true };
  }
}

function expectedJsonMiss(expectJson: HttpMonitor["expectJson"], json: unknown, jsonError: boolean): Miss | null {
  if (expectJson === undefined) return null;
  if (jsonError || json === undefined) return { message: "; invalid JSON body", phase: "json" };
  const miss = findSubsetMismatch(expectJson, json);
  if (!miss) return null;
  const found = miss.found === undefined ? "missing" : JSON.stringify(miss.found)?.slice(0, 60);
  return { message: `; JSON ${miss.path} is ${found}`, phase: "json" };
}
