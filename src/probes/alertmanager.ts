import * as z from "zod";
import type { AlertmanagerMonitor } from "../config/alertmanager-monitor";
import { type FiringAlert, LIST_CAP, alertName, plural, summariseAlerts } from "./alert-summary";
import { openSession } from "./fetch-json";
import { redactUrl } from "../net/redact-url";
import { resolveHeaders } from "./resolve-headers";
import type { ProbeDeps } from "./probe-deps";
import { type Problem, type ResultOf, conclude, elapsed, requestProblem } from "./verdict";

export interface AlertmanagerDetails {
  /** `ready`, `settling`, or `disabled` (a single instance without clustering); null when not read. */
  clusterStatus: string | null;
  /** Grouped by name and severity, at most 20 groups, the most severe first; the watchdog and ignored alerts left out. */
  alertsFiring: FiringAlert[];
  alertsFiringTotal: number;
  /** Counted alerts by their `severity` label (`none` when they have none). */
  alertsBySeverity: Record<string, number>;
  /** null when no watchdog is configured or the alerts were not read. */
  watchdogSeen: boolean | null;
}

export type AlertmanagerProbeResult = ResultOf<"alertmanager", AlertmanagerDetails>;

const StatusResponse = z.object({ cluster: z.object({ status: z.string() }) });
const AlertsResponse = z.array(z.object({ labels: z.record(z.string(), z.string()), status: z.object({ state: z.string() }) }));

/** Clustering states that are fine: `settling` (just started, gossip not converged) is worth a look when it lasts. */
const CLUSTER_OK = new Set(["ready", "disabled"]);

/**
 * Probes an Alertmanager: health, cluster status, the active (not silenced, not inhibited) alerts and, when
 * configured, the watchdog alert whose absence means the alerting pipeline is broken. Firing alerts make the monitor
 * degraded, not down: Alertmanager itself works; the services alerting have monitors of their own. Never throws;
 * three subrequests, together within the monitor's timeout.
 */
export async function probeAlertmanager(monitor: AlertmanagerMonitor, deps: ProbeDeps): Promise<AlertmanagerProbeResult> {
  const startedAt = deps.now();
  const describeTarget = `alertmanager ${redactUrl(monitor.url)}`;
  const details: AlertmanagerDetails = {
    clusterStatus: null,
    alertsFiring: [],
    alertsFiringTotal: 0,
    alertsBySeverity: {},
    watchdogSeen: null,
  };
  const { id: monitorId, degradedAfterMs } = monitor;
  const finish = (problems: Problem[], upMessage = "") =>
    conclude({ type: "alertmanager", monitorId, startedAt, deps, describeTarget, details, degradedAfterMs }, problems, upMessage);

  const headers = resolveHeaders(monitor.headers, deps.secret);
  if (!headers.ok) return finish([{ status: "down", text: headers.message, phase: "config" }]);

  const session = openSession(deps, { baseUrl: monitor.url, headers: headers.value, timeoutMs: monitor.timeoutMs, concurrency: 3 });
  try {
    const maxBytes = monitor.maxBodyBytes;
    const [healthy, status, alerts] = await Promise.all([
      session.check("/-/healthy"),
      session.json("/api/v2/status", StatusResponse, { maxBytes }),
      session.json("/api/v2/alerts", AlertsResponse, { maxBytes, query: { active: "true", silenced: "false", inhibited: "false" } }),
    ]);
    if (!healthy.ok) return finish([requestProblem(healthy)]);
    const latencyMs = elapsed(deps, startedAt);
    const problems: Problem[] = [];
    const upNotes = [`healthy in ${latencyMs} ms`];

    if (!status.ok) problems.push(requestProblem(status));
    else {
      const cluster = status.value.cluster.status;
      details.clusterStatus = cluster;
      if (!CLUSTER_OK.has(cluster)) problems.push({ status: "degraded", text: `cluster ${cluster}`, phase: "cluster" });
      else upNotes.push(cluster === "disabled" ? "single instance" : "cluster ready");
    }

    if (!alerts.ok) problems.push(requestProblem(alerts));
    else {
      // The query already asks for active, unsilenced, uninhibited alerts; the state check guards older servers.
      const firing = alerts.value.filter((a) => a.status.state === "active").map((a) => a.labels);
      if (monitor.watchdog !== undefined) {
        const seen = firing.some((labels) => alertName(labels) === monitor.watchdog);
        details.watchdogSeen = seen;
        if (!seen) {
          problems.push({
            status: "down",
            text: `watchdog alert ${monitor.watchdog} missing: alerts are not reaching Alertmanager (or it is silenced)`,
            phase: "watchdog",
          });
        } else upNotes.push(`watchdog ${monitor.watchdog} firing`);
      }
      const summary = summariseAlerts(firing, monitor, monitor.watchdog);
      details.alertsFiring = summary.groups.slice(0, LIST_CAP);
      details.alertsFiringTotal = summary.total;
      details.alertsBySeverity = summary.bySeverity;
      if (summary.total > 0) {
        const counts = Object.entries(summary.bySeverity).map(([severity, n]) => `${severity}: ${n}`);
        problems.push({ status: "degraded", text: `${plural(summary.total, "alert")} firing (${counts.join(", ")})`, phase: "alerts" });
      } else upNotes.push("no alerts firing");
    }

    return finish(problems, upNotes.join("; "));
  } finally {
    session.close();
  }
}
