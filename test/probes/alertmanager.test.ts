import { connect } from "cloudflare:sockets";
import { describe, expect, inject, it } from "vitest";
import { monitoringDemoMonitors } from "../../scripts/demo/monitoring-stack";
import { AlertmanagerMonitor } from "../../src/config/alertmanager-monitor";
import { type AlertmanagerProbeResult, probeAlertmanager } from "../../src/probes/alertmanager";
import type { ProbeDeps } from "../../src/probes/types";
import { pollUntil } from "../helpers/poll";

const stack = inject("promStack");

const deps: ProbeDeps = { fetch: (input, init) => fetch(input, init), connect, now: () => Date.now(), secret: () => undefined };
const probe = (url: string, extra: Record<string, unknown> = {}) =>
  probeAlertmanager(
    AlertmanagerMonitor.parse({ id: "am", name: "Alertmanager", type: "alertmanager", url, timeoutMs: 5_000, ...extra }),
    deps,
  );

describe.runIf(!stack.available && stack.required)("real Alertmanager (CI)", () => {
  it("has the prometheus and alertmanager binaries installed", () => {
    expect.fail(stack.reason);
  });
});

if (!stack.available && !stack.required) console.warn(`[alertmanager.test] skipping the real-server tests: ${stack.reason}`);

describe.skipIf(!stack.available)("probeAlertmanager against a real Alertmanager fed by a real Prometheus", () => {
  // The Prometheus tests in the other file switch these alerts on and off; here they are not counted.
  const theirs = { ignoreAlerts: ["TestTargetDown", "TestGaugeHigh"] };
  const watched = { watchdog: "Watchdog", ...theirs };
  const seen = (r: AlertmanagerProbeResult) => r.details.watchdogSeen === true;

  /** Sends alerts to Alertmanager as Prometheus would; `endsAt` in the past resolves them. */
  const postAlerts = async (endsInMs: number) => {
    const endsAt = new Date(Date.now() + endsInMs).toISOString();
    const alerts = [
      { labels: { alertname: "EdgewatchTestCritical", severity: "critical" }, endsAt },
      { labels: { alertname: "EdgewatchTestWarning", severity: "warning", instance: "a" }, endsAt },
      { labels: { alertname: "EdgewatchTestWarning", severity: "warning", instance: "b" }, endsAt },
    ];
    const response = await fetch(`${stack.alertmanagerUrl}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(alerts),
    });
    expect(response.status).toBe(200);
  };

  it("is up when healthy, the Watchdog from Prometheus arrives and nothing else fires", async () => {
    const result = await pollUntil(
      () => probe(stack.alertmanagerUrl, watched),
      (r) => r.status === "up",
    );
    expect(result).toMatchObject({
      type: "alertmanager",
      monitorId: "am",
      status: "up",
      details: { clusterStatus: "disabled", alertsFiring: [], alertsFiringTotal: 0, alertsBySeverity: {}, watchdogSeen: true },
    });
    expect(result.message).toMatch(/^healthy in \d+ ms; single instance; watchdog Watchdog firing; no alerts firing$/);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("is down when the watchdog alert is absent", async () => {
    const result = await probe(stack.alertmanagerUrl, { ignoreAlerts: ["Watchdog", ...theirs.ignoreAlerts], watchdog: "NoSuchAlert" });
    expect(result.status).toBe("down");
    expect(result.message).toBe("watchdog alert NoSuchAlert missing: alerts are not reaching Alertmanager (or it is silenced)");
    expect(result.details.watchdogSeen).toBe(false);
    expect(result.error?.phase).toBe("watchdog");
  });

  it("is degraded while alerts fire, grouped by severity, and up again once they resolve", async () => {
    await pollUntil(() => probe(stack.alertmanagerUrl, watched), seen);
    await postAlerts(300_000);
    const firing = await pollUntil(
      () => probe(stack.alertmanagerUrl, watched),
      (r) => r.details.alertsFiringTotal === 3,
    );
    expect(firing.status).toBe("degraded");
    expect(firing.message).toBe("3 alerts firing (critical: 1, warning: 2)");
    expect(firing.details.alertsBySeverity).toEqual({ critical: 1, warning: 2 });
    expect(firing.details.alertsFiring).toEqual([
      { name: "EdgewatchTestCritical", severity: "critical", count: 1 },
      { name: "EdgewatchTestWarning", severity: "warning", count: 2 },
    ]);
    expect(firing.details.watchdogSeen).toBe(true);

    const criticalOnly = await probe(stack.alertmanagerUrl, { ...watched, alertSeverities: ["critical"] });
    expect(criticalOnly.message).toBe("1 alert firing (critical: 1)");

    await postAlerts(-1_000);
    const resolved = await pollUntil(
      () => probe(stack.alertmanagerUrl, watched),
      (r) => r.status === "up",
    );
    expect(resolved.details.alertsFiringTotal).toBe(0);
  });

  it("is down while the watchdog is silenced, up again when the silence expires", async () => {
    await pollUntil(() => probe(stack.alertmanagerUrl, watched), seen);
    const silence = {
      matchers: [{ name: "alertname", value: "Watchdog", isRegex: false, isEqual: true }],
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 600_000).toISOString(),
      createdBy: "edgewatch tests",
      comment: "the watchdog probe must notice",
    };
    const created = await fetch(`${stack.alertmanagerUrl}/api/v2/silences`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(silence),
    });
    expect(created.status).toBe(200);
    const { silenceID } = (await created.json()) as { silenceID: string };
    try {
      const silenced = await pollUntil(
        () => probe(stack.alertmanagerUrl, watched),
        (r) => r.status === "down",
      );
      expect(silenced.message).toBe("watchdog alert Watchdog missing: alerts are not reaching Alertmanager (or it is silenced)");
      expect(silenced.details.watchdogSeen).toBe(false);
    } finally {
      const expired = await fetch(`${stack.alertmanagerUrl}/api/v2/silence/${silenceID}`, { method: "DELETE" });
      expect(expired.status).toBe(200);
    }
    const back = await pollUntil(
      () => probe(stack.alertmanagerUrl, watched),
      (r) => r.status === "up",
    );
    expect(back.details.watchdogSeen).toBe(true);
  });
});

describe("probeAlertmanager against broken and imitating servers", () => {
  const at = (name: string) => `${stack.brokenUrl}/${name}`;

  it("is up on a healthy answer, ignoring the Watchdog by default", async () => {
    const result = await probe(at("healthy"));
    expect(result.status).toBe("up");
    expect(result.message).toMatch(/^healthy in \d+ ms; single instance; no alerts firing$/);
    expect(result.details.watchdogSeen).toBeNull();
  });

  it.each([
    ["am-healthy-500", "GET /-/healthy: HTTP 500", "status"],
    ["am-bad-json", "GET /api/v2/alerts: invalid JSON (application/json)", "json"],
    ["am-alerts-not-array", "GET /api/v2/alerts: unexpected response: expected array, got object", "response"],
    ["am-alert-no-status", "GET /api/v2/alerts: unexpected response: [0].status: expected object", "response"],
    ["am-status-wrong", "GET /api/v2/status: unexpected response: cluster.status: expected string", "response"],
  ])("%s: down, saying why", async (name, message, phase) => {
    const result = await probe(at(name), { watchdog: "Watchdog" });
    expect(result.status).toBe("down");
    expect(result.message).toBe(message);
    expect(result.error?.phase).toBe(phase);
    expect(result.error?.detail).toContain(`${stack.brokenUrl}/${name}/`);
  });

  it("a cluster still settling is degraded", async () => {
    const result = await probe(at("am-settling"));
    expect(result).toMatchObject({ status: "degraded", message: "cluster settling", details: { clusterStatus: "settling" } });
  });

  it("counts alerts without a severity label as `none`, the most severe listed first", async () => {
    const result = await probe(at("am-firing"), { watchdog: "Watchdog" });
    expect(result.status).toBe("degraded");
    expect(result.message).toBe("4 alerts firing (critical: 1, warning: 2, none: 1)");
    expect(result.details.alertsFiring).toEqual([
      { name: "DiskFull", severity: "critical", count: 1 },
      { name: "HighLatency", severity: "warning", count: 2 },
      { name: "Unlabelled", severity: "none", count: 1 },
    ]);
  });

  it("caps the list of firing alerts and counts them all", async () => {
    const result = await probe(at("many"), { watchdog: "Watchdog" });
    expect(result.details.alertsFiring).toHaveLength(20);
    expect(result.details.alertsFiringTotal).toBe(30);
    expect(result.details.alertsBySeverity).toEqual({ critical: 10, warning: 20 });
    expect(result.message).toBe("30 alerts firing (critical: 10, warning: 20)");
  });

  it("the monitor's timeout covers the whole probe", async () => {
    const result = await probe(at("am-status-hang"), { timeoutMs: 300 });
    expect(result).toMatchObject({ status: "down", latencyMs: null, message: "GET /api/v2/status: timeout after 300 ms" });
  });

  it("sends three requests, all at once", async () => {
    const result = await probe(at("counted-am"), { watchdog: "Watchdog" });
    expect(result.status).toBe("up");
    const stats = (await fetch(`${stack.brokenUrl}/stats/am`).then((r) => r.json())) as {
      total: number;
      maxInFlight: number;
      paths: string[];
    };
    expect(stats).toMatchObject({ total: 3, maxInFlight: 3 });
    expect(stats.paths.sort()).toEqual(["/-/healthy", "/api/v2/alerts", "/api/v2/status"]);
  });

  it("the demo's Alertmanager imitation reads as degraded by one warning, its Watchdog seen", async () => {
    const demo = monitoringDemoMonitors(stack.brokenUrl)[1];
    const result = await probeAlertmanager(AlertmanagerMonitor.parse(demo), deps);
    expect(result).toMatchObject({
      status: "degraded",
      message: "1 alert firing (warning: 1)",
      details: { clusterStatus: "ready", watchdogSeen: true, alertsBySeverity: { warning: 1 } },
    });
  });
});
