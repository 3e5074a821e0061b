import type { HttpMonitor } from "../config/schema";
import { describeFetchError } from "./fetch-error";
import { evaluateHealthBody } from "./health-checks";
import { findSubsetMismatch } from "./json-subset";
import { readCapped } from "./read-body";
import { fetchFollowing } from "./follow-redirects";
import { redactUrl } from "./redact-url";
import { resolveHeaders } from "./resolve-headers";
import type { ProbeStatus } from "../core/vocabulary";
import type { CheckReport, HttpProbeResult, ProbeDeps } from "./probe-deps";

const USER_AGENT = "Edgewatch/0.1 (health monitor)";

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

/** Probes one HTTP endpoint. Never throws: every failure becomes a `down` result that says where it failed. */
export async function probeHttp(monitor: HttpMonitor, deps: ProbeDeps): Promise<HttpProbeResult> {
  const target = `${monitor.method} ${redactUrl(monitor.url)}`;
  const startedAt = deps.now();
  const result = (
    status: ProbeStatus,
    message: string,
    extra: {
      latencyMs?: number | null;
      statusCode?: number | null;
      checks?: Record<string, CheckReport> | null;
      phase?: string;
      redirects?: number;
      location?: string | null;
    } = {},
  ): HttpProbeResult => ({
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
    },
    ...(extra.phase ? { error: { phase: extra.phase, detail: `${target}: ${message}` } } : {}),
  });

  const headers = resolveHeaders(monitor.headers, deps.secret);
  if (!headers.ok) return result("down", headers.message, { phase: "config" });
  headers.value.set("user-agent", headers.value.get("user-agent") ?? USER_AGENT);
  headers.value.set("cache-control", "no-cache");

  const signal = AbortSignal.timeout(monitor.timeoutMs);
  let response: Response;
  let redirects = 0;
  let bodyText: string | undefined;
  let truncated = false;
  let isJson = false;
  try {
    const first = {
      url: monitor.url,
      method: monitor.method,
      headers: headers.value,
      secretNames: headers.secretNames,
      body: monitor.body ?? null,
      signal,
      follow: monitor.followRedirects,
    };
    const followed = await fetchFollowing(deps, first);
    redirects = followed.redirects;
    if (!followed.ok) return result("down", followed.message, { phase: "redirect", redirects });
    response = followed.response;
    isJson = /\bjson\b/i.test(response.headers.get("content-type") ?? "");
    const wantsBody = monitor.method !== "HEAD" && (monitor.expectBodyIncludes !== undefined || monitor.expectJson !== undefined || isJson);
    if (wantsBody) {
      const body = await readCapped(response.body, monitor.maxBodyBytes);
      bodyText = body.text;
      truncated = body.truncated;
    } else {
      await response.body?.cancel().catch(() => {});
    }
  } catch (error) {
    return signal.aborted
      ? result("down", `timeout after ${monitor.timeoutMs} ms`, { phase: "timeout", redirects })
      : result("down", describeFetchError(error), { phase: "connect", latencyMs: null, redirects });
  }

  const latencyMs = Math.max(0, Math.round(deps.now() - startedAt));
  const code = response.status;
  const head = `HTTP ${code} in ${latencyMs} ms`;
  const location = locationOf(response, monitor.url);
  const base = { latencyMs, statusCode: code, redirects, location: location && redactUrl(location.absolute) };

  if (!statusMatches(code, monitor.expectStatus)) {
    return result("down", `${head} (expected ${describeExpect(monitor.expectStatus)})`, { ...base, phase: "status" });
  }
  if (monitor.expectLocation !== undefined) {
    const prefix = monitor.expectLocation;
    if (!location) return result("down", `${head}; no Location header (expected a redirect)`, { ...base, phase: "location" });
    if (!location.absolute.startsWith(prefix) && !location.raw.startsWith(prefix)) {
      return result("down", `${head}; Location does not start with the expected prefix`, { ...base, phase: "location" });
    }
  }
  if (truncated && (monitor.expectBodyIncludes !== undefined || monitor.expectJson !== undefined)) {
    return result("down", `${head}; body larger than ${monitor.maxBodyBytes} bytes`, { ...base, phase: "body" });
  }
  if (monitor.expectBodyIncludes !== undefined && !bodyText?.includes(monitor.expectBodyIncludes)) {
    return result("down", `${head}; expected ${JSON.stringify(monitor.expectBodyIncludes)} in body`, { ...base, phase: "body" });
  }

  let json: unknown;
  let jsonError = false;
  if (bodyText !== undefined && !truncated && (isJson || monitor.expectJson !== undefined)) {
    try {
      json = JSON.parse(bodyText);
    } catch {
      jsonError = true;
    }
  }
  if (monitor.expectJson !== undefined) {
    if (jsonError || json === undefined) return result("down", `${head}; invalid JSON body`, { ...base, phase: "json" });
    const miss = findSubsetMismatch(monitor.expectJson, json);
    if (miss) {
      const found = miss.found === undefined ? "missing" : JSON.stringify(miss.found)?.slice(0, 60);
      return result("down", `${head}; JSON ${miss.path} is ${found}`, { ...base, phase: "json" });
    }
  }

  const health = evaluateHealthBody(json, monitor.criticalChecks);
  const notes: string[] = [...health.reasons];
  let status: ProbeStatus = health.status;
  let phase: string | undefined = health.status === "up" ? undefined : "checks";
  if (jsonError) {
    notes.push("invalid JSON body");
    if (status === "up") [status, phase] = ["degraded", "json"];
  }
  if (monitor.degradedAfterMs !== undefined && latencyMs > monitor.degradedAfterMs) {
    notes.push(`slower than ${monitor.degradedAfterMs} ms`);
    if (status === "up") [status, phase] = ["degraded", "latency"];
  }
  const message = notes.length ? `${head}; ${notes.join("; ")}` : head;
  return result(status, message, { ...base, checks: health.checks, ...(phase ? { phase } : {}) });
}
