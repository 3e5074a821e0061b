import * as z from "zod";
import type { PrometheusMonitor, PrometheusQuery } from "../config/prometheus-monitor";
import { type FiringAlert, LIST_CAP, listWithMore, plural, summariseAlerts } from "./alert-summary";
import { type GetResult, openSession, type ProbeSession } from "./fetch-json";
import { redactUrl } from "../net/redact-url";
import { judgeRules, type RuleHealth, RulesResponse } from "./prometheus-rules";
import { resolveHeaders } from "./resolve-headers";
import type { ProbeDeps } from "./probe-deps";
import { type Problem, type ResultOf, conclude, elapsed, requestProblem } from "./verdict";

/** Requests in flight at once within one probe; a Worker has six connections for everything it does. */
const CONCURRENCY = 3;

export interface TargetDown {
  job: string;
  instance: string;
  lastError: string;
}

export interface QueryReport {
  name: string;
  ok: boolean;
  /** The first failing sample's value, or the first sample's when all pass; null when empty, unanswered or not finite. */
  value: number | null;
}

export interface PrometheusDetails extends RuleHealth {
  /** null when the probe did not get that far. */
  ready: boolean | null;
  targetsTotal: number | null;
  /** At most 20; targetsDownTotal counts them all. */
  targetsDown: TargetDown[];
  targetsDownTotal: number;
  /** Grouped by name and severity, at most 20 groups; alertsFiringTotal counts every alert. */
  alertsFiring: FiringAlert[];
  alertsFiringTotal: number;
  queries: QueryReport[];
}

export type PrometheusProbeResult = ResultOf<"prometheus", PrometheusDetails>;

const Labels = z.record(z.string(), z.string());
const envelope = <T extends z.ZodType>(data: T) => z.object({ status: z.literal("success"), data });

const TargetsResponse = envelope(
  z.object({
    activeTargets: z.array(
      z.object({
        labels: Labels,
        scrapePool: z.string().optional(),
        scrapeUrl: z.string().optional(),
        health: z.string(),
        lastError: z.string().optional(),
      }),
    ),
  }),
);

const AlertsResponse = envelope(z.object({ alerts: z.array(z.object({ labels: Labels, state: z.string() })) }));

const SampleValue = z.tuple([z.number(), z.string()]);
const QueryResponse = envelope(
  z.discriminatedUnion("resultType", [
    // Native histogram samples carry `histogram` instead of `value`.
    z.object({ resultType: z.literal("vector"), result: z.array(z.object({ metric: Labels, value: SampleValue.optional() })) }),
    z.object({ resultType: z.literal("scalar"), result: SampleValue }),
    z.object({ resultType: z.literal("string"), result: SampleValue }),
    z.object({ resultType: z.literal("matrix"), result: z.array(z.unknown()) }),
  ]),
);
type QueryData = z.infer<typeof QueryResponse>["data"];

/** Prometheus writes sample values as strings, with `NaN`, `+Inf` and `-Inf` for the special ones. */
function sampleValue(text: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  return text.trim() === "" ? NaN : Number(text);
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 10_000) / 10_000);
}

function satisfies(sample: number, op: PrometheusQuery["op"], value: number): boolean {
  if (Number.isNaN(sample)) return false; // no value satisfies anything, `!=` included
  switch (op) {
    case "<":
      return sample < value;
    case "<=":
      return sample <= value;
    case ">":
      return sample > value;
    case ">=":
      return sample >= value;
    case "==":
      return sample === value;
    case "!=":
      return sample !== value;
  }
}

/** Applies a query's condition to its answer: every sample must satisfy it. */
function evaluateQuery(query: PrometheusQuery, data: QueryData): { ok: boolean; value: number | null; reason: string } {
  const expected = `expected ${query.op} ${formatValue(query.value)}`;
  let samples: number[];
  if (data.resultType === "scalar") samples = [sampleValue(data.result[1])];
  else if (data.resultType === "vector") {
    if (data.result.some((s) => s.value === undefined))
      return {
        ok: false,
        value: null,
        reason: "histogram samples cannot be compared; wrap the expression in a function that returns floats",
      };
    samples = data.result.map((s) => sampleValue((s.value as [number, string])[1]));
  } else return { ok: false, value: null, reason: `result is a ${data.resultType}, not an instant vector or a scalar` };

  if (samples.length === 0)
    return query.allowEmpty
      ? { ok: true, value: null, reason: "empty result (allowed)" }
      : { ok: false, value: null, reason: "empty result" };
  const failing = samples.filter((s) => !satisfies(s, query.op, query.value));
  const shown = (failing[0] ?? samples[0]) as number;
  const value = Number.isFinite(shown) ? shown : null;
  if (failing.length === 0) return { ok: true, value, reason: `${formatValue(shown)} (${expected})` };
  const series = samples.length > 1 ? ` in ${failing.length} of ${samples.length} series` : "";
  return { ok: false, value, reason: `${formatValue(shown)} (${expected})${series}` };
}

type QueryAnswer = GetResult<z.infer<typeof QueryResponse>>;

/**
 * A query fails with its own severity when its condition does not hold or when Prometheus answers it with an error
 * (a bad expression, a query timeout); no answer, or a malformed one, means Prometheus itself is down.
 */
function judgeQuery(query: PrometheusQuery, answer: QueryAnswer): { report: QueryReport; problem?: Problem } {
  const prefix = `query ${query.name}: `;
  if (!answer.ok) {
    const report = { name: query.name, ok: false, value: null };
    if (!answer.apiError?.type) return { report, problem: requestProblem(answer, prefix) };
    return {
      report,
      problem: { status: query.severity, text: `${prefix}${answer.reason}`, phase: "query", detail: `${prefix}${answer.detail}` },
    };
  }
  const outcome = evaluateQuery(query, answer.value.data);
  const report = { name: query.name, ok: outcome.ok, value: outcome.value };
  return outcome.ok ? { report } : { report, problem: { status: query.severity, text: `${prefix}${outcome.reason}`, phase: "query" } };
}

/** What the probe has found: its problems, and what its message says of the parts that are well. */
interface Findings {
  problems: Problem[];
  upNotes: string[];
}

type TargetsAnswer = GetResult<z.infer<typeof TargetsResponse>>;
type AlertsAnswer = GetResult<z.infer<typeof AlertsResponse>>;

/**
 * Probes a Prometheus server: health and readiness, targets that are not up, firing alerts, rules that are not
 * healthy, and the monitor's queries. Never throws. At most 5 + queries subrequests, 3 at a time, all within the
 * monitor's timeout.
 */
export async function probePrometheus(monitor: PrometheusMonitor, deps: ProbeDeps): Promise<PrometheusProbeResult> {
  const startedAt = deps.now();
  const describeTarget = `prometheus ${redactUrl(monitor.url)}`;
  const details: PrometheusDetails = {
    ready: null,
    targetsTotal: null,
    targetsDown: [],
    targetsDownTotal: 0,
    alertsFiring: [],
    alertsFiringTotal: 0,
    queries: [],
    rulesTotal: null,
    rulesUnhealthy: [],
    rulesUnhealthyTotal: 0,
  };
  const { id: monitorId, degradedAfterMs } = monitor;
  const finish = (problems: Problem[], upMessage = "") =>
    conclude({ type: "prometheus", monitorId, startedAt, deps, describeTarget, details, degradedAfterMs }, problems, upMessage);

  const headers = resolveHeaders(monitor.headers, deps.secret);
  if (!headers.ok) return finish([{ status: "down", text: headers.message, phase: "config" }]);

  const session = openSession(deps, {
    baseUrl: monitor.url,
    headers: headers.value,
    timeoutMs: monitor.timeoutMs,
    concurrency: CONCURRENCY,
  });
  try {
    const notReady = await checkReady(session, details);
    if (notReady) return finish([notReady]);
    const queries = monitor.queries ?? [];
    const [targets, alerts, answers, rules] = await readApis(session, monitor, queries);
    const found: Findings = { problems: [], upNotes: [`healthy in ${elapsed(deps, startedAt)} ms`] };
    judgeTargets(targets, details, found);
    if (alerts) judgeAlerts(alerts, monitor, details, found);
    if (rules) addFinding(found, judgeRules(rules, details));
    judgeQueries(queries, answers, details, found);
    return finish(found.problems, found.upNotes.join("; "));
  } finally {
    session.close();
  }
}

/** Health and readiness, asked together: a problem when Prometheus is not healthy or not ready, else null. */
async function checkReady(session: ProbeSession, details: PrometheusDetails): Promise<Problem | null> {
  const [healthy, ready] = await Promise.all([session.check("/-/healthy"), session.check("/-/ready")]);
  if (!healthy.ok) return requestProblem(healthy);
  details.ready = ready.ok;
  if (ready.ok) return null;
  return ready.phase === "status" ? { ...requestProblem(ready), text: `Prometheus not ready (${ready.message})` } : requestProblem(ready);
}

function addFinding(found: Findings, finding: { problem?: Problem; upNote?: string }): void {
  if (finding.problem) found.problems.push(finding.problem);
  if (finding.upNote) found.upNotes.push(finding.upNote);
}

/** Targets, firing alerts (unless no alert counts), the monitor's queries and the rules' health, asked all at once. */
function readApis(session: ProbeSession, monitor: PrometheusMonitor, queries: readonly PrometheusQuery[]) {
  const readJson = <S extends z.ZodType>(path: string, schema: S, query?: Record<string, string>) =>
    session.json(path, schema, { maxBytes: monitor.maxBodyBytes, ...(query ? { query } : {}) });
  const checkAlerts = monitor.alertSeverities?.length !== 0; // `[]`: no alert counts, so none is fetched
  return Promise.all([
    readJson("/api/v1/targets", TargetsResponse, { state: "active" }),
    checkAlerts ? readJson("/api/v1/alerts", AlertsResponse) : undefined,
    Promise.all(queries.map((q) => readJson("/api/v1/query", QueryResponse, { query: q.expr }))),
    monitor.ruleHealth ? readJson("/api/v1/rules", RulesResponse) : undefined,
  ]);
}

/** Targets not up make the probe degraded. */
function judgeTargets(targets: TargetsAnswer, details: PrometheusDetails, found: Findings): void {
  if (!targets.ok) {
    found.problems.push(requestProblem(targets));
    return;
  }
  const active = targets.value.data.activeTargets;
  const down = active
    .filter((t) => t.health !== "up")
    .map((t) => ({
      job: t.labels.job ?? t.scrapePool ?? "?",
      instance: t.labels.instance ?? t.scrapeUrl ?? "?",
      lastError: t.lastError ?? "",
    }));
  details.targetsTotal = active.length;
  details.targetsDown = down.slice(0, LIST_CAP);
  details.targetsDownTotal = down.length;
  if (down.length === 0) {
    found.upNotes.push(`${plural(active.length, "target")} up`);
    return;
  }
  found.problems.push({
    status: "degraded",
    text: `${down.length} of ${plural(active.length, "target")} down (${jobsOf(down)})`,
    phase: "targets",
  });
}

/** Jobs only: the message reaches the public page, and instances are internal addresses (details keep them). */
function jobsOf(down: readonly TargetDown[]): string {
  const perJob = new Map<string, number>();
  for (const t of down) perJob.set(t.job, (perJob.get(t.job) ?? 0) + 1);
  return listWithMore(
    [...perJob].map(([job, n]) => (n > 1 ? `${job} ×${n}` : job)),
    3,
  );
}

/** Firing alerts (of the severities that count) make the probe degraded. */
function judgeAlerts(alerts: AlertsAnswer, monitor: PrometheusMonitor, details: PrometheusDetails, found: Findings): void {
  if (!alerts.ok) {
    found.problems.push(requestProblem(alerts));
    return;
  }
  const firing = alerts.value.data.alerts.filter((a) => a.state === "firing").map((a) => a.labels);
  const summary = summariseAlerts(firing, monitor);
  details.alertsFiring = summary.groups.slice(0, LIST_CAP);
  details.alertsFiringTotal = summary.total;
  if (summary.total === 1) found.problems.push({ status: "degraded", text: `alert ${summary.groups[0]?.name} firing`, phase: "alerts" });
  else if (summary.total > 1) {
    const names = summary.groups.map((a) => (a.count > 1 ? `${a.name} ×${a.count}` : a.name));
    found.problems.push({ status: "degraded", text: `${summary.total} alerts firing (${listWithMore(names, 3)})`, phase: "alerts" });
  } else found.upNotes.push("no alerts firing");
}

function judgeQueries(queries: readonly PrometheusQuery[], answers: QueryAnswer[], details: PrometheusDetails, found: Findings): void {
  queries.forEach((query, i) => {
    const { report, problem } = judgeQuery(query, answers[i] as QueryAnswer);
    details.queries.push(report);
    if (problem) found.problems.push(problem);
  });
  if (queries.length > 0 && details.queries.every((q) => q.ok)) found.upNotes.push(`${plural(queries.length, "query", "queries")} ok`);
}
