// Demo imitation of a monitoring stack (Prometheus, Alertmanager, Grafana) for the local `npm start` demo.
// Mount `monitoringStackRoutes` on a Node http server; it answers under /monitoring/{prometheus,alertmanager,grafana}.
// The answers have the shapes of the real APIs (Prometheus 2.x, Alertmanager 0.2x, Grafana 10+), with one target down
// and one alert firing, so the demo shows a degraded Prometheus and Alertmanager and a healthy Grafana.
import type { IncomingMessage, ServerResponse } from "node:http";

export const MONITORING_PREFIX = "/monitoring";

interface DemoTarget {
  job: string;
  instance: string;
  up: boolean;
  lastError: string;
}

const TARGETS: DemoTarget[] = [
  { job: "api-gateway", instance: "10.0.0.2:8080", up: true, lastError: "" },
  { job: "api-gateway", instance: "10.0.0.3:8080", up: false, lastError: 'Get "http://10.0.0.3:8080/metrics": context deadline exceeded' },
  { job: "ai-worker", instance: "10.0.0.7:9090", up: true, lastError: "" },
  { job: "node-exporter", instance: "10.0.0.5:9100", up: true, lastError: "" },
  { job: "prometheus", instance: "localhost:9090", up: true, lastError: "" },
];

const STARTED = new Date(Date.now() - 3_600_000).toISOString();

const ALERTS = [
  { labels: { alertname: "Watchdog", severity: "none" }, summary: "An alert that is always firing, to prove the alerting pipeline works." },
  { labels: { alertname: "HighLatency", severity: "warning", job: "api-gateway" }, summary: "api-gateway p99 latency above 2 s" },
];

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};
const text = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(body);
};

/** Answers `up`, `up{job="x"}`, `up{job="x",instance="y"}` (equality matchers only), as Prometheus's instant query would. */
function demoQuery(expr: string): { status: number; body: unknown } {
  const match = /^\s*up\s*(?:\{([^}]*)\})?\s*$/.exec(expr);
  if (!match) {
    return { status: 400, body: { status: "error", errorType: "bad_data", error: "the demo answers only up{...} selectors" } };
  }
  const matchers: [string, string][] = [];
  for (const part of (match[1] ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-zA-Z_]\w*)\s*=\s*"([^"]*)"$/.exec(part);
    if (!m) return { status: 400, body: { status: "error", errorType: "bad_data", error: `unsupported matcher ${part}` } };
    matchers.push([m[1] as string, m[2] as string]);
  }
  const now = Date.now() / 1000;
  const result = TARGETS.filter((t) =>
    matchers.every(([k, v]) => (k === "job" ? t.job : k === "instance" ? t.instance : undefined) === v),
  ).map((t) => ({
    metric: { __name__: "up", job: t.job, instance: t.instance },
    value: [now, t.up ? "1" : "0"],
  }));
  return { status: 200, body: { status: "success", data: { resultType: "vector", result } } };
}

function prometheus(res: ServerResponse, path: string, url: URL): boolean {
  if (path === "/-/healthy" || path === "/-/ready") {
    text(res, 200, `Prometheus Server is ${path === "/-/ready" ? "Ready" : "Healthy"}.\n`);
    return true;
  }
  if (path === "/api/v1/targets") {
    const activeTargets = TARGETS.map((t) => ({
      discoveredLabels: { __address__: t.instance, job: t.job },
      labels: { instance: t.instance, job: t.job },
      scrapePool: t.job,
      scrapeUrl: `http://${t.instance}/metrics`,
      globalUrl: `http://${t.instance}/metrics`,
      lastError: t.lastError,
      lastScrape: new Date().toISOString(),
      lastScrapeDuration: 0.004,
      health: t.up ? "up" : "down",
      scrapeInterval: "15s",
      scrapeTimeout: "10s",
    }));
    const state = url.searchParams.get("state");
    json(res, 200, { status: "success", data: { activeTargets: state === "dropped" ? [] : activeTargets, droppedTargets: [] } });
    return true;
  }
  if (path === "/api/v1/alerts") {
    const alerts = ALERTS.map((a) => ({
      labels: a.labels,
      annotations: { summary: a.summary },
      state: "firing",
      activeAt: STARTED,
      value: "1e+00",
    }));
    json(res, 200, { status: "success", data: { alerts } });
    return true;
  }
  if (path === "/api/v1/rules") {
    // The alerting rules behind ALERTS, all evaluating fine.
    const rules = ALERTS.map((a) => ({ name: a.labels.alertname, query: "vector(1)", health: "ok", type: "alerting", state: "firing" }));
    json(res, 200, { status: "success", data: { groups: [{ name: "demo", file: "/etc/prometheus/rules.yml", rules }] } });
    return true;
  }
  if (path === "/api/v1/query") {
    const answer = demoQuery(url.searchParams.get("query") ?? "");
    json(res, answer.status, answer.body);
    return true;
  }
  return false;
}

function alertmanager(res: ServerResponse, path: string): boolean {
  if (path === "/-/healthy" || path === "/-/ready") {
    text(res, 200, "OK");
    return true;
  }
  if (path === "/api/v2/status") {
    json(res, 200, {
      cluster: { name: "01DEMO", peers: [{ address: "10.0.0.9:9094", name: "01DEMO" }], status: "ready" },
      config: { original: "route:\n  receiver: demo\nreceivers:\n- name: demo\n" },
      uptime: STARTED,
      versionInfo: { version: "0.27.0" },
    });
    return true;
  }
  if (path === "/api/v2/alerts") {
    const ends = new Date(Date.now() + 240_000).toISOString();
    json(
      res,
      200,
      ALERTS.map((a, i) => ({
        labels: a.labels,
        annotations: { summary: a.summary },
        startsAt: STARTED,
        endsAt: ends,
        updatedAt: new Date().toISOString(),
        fingerprint: `demo${i}`,
        receivers: [{ name: "demo" }],
        status: { state: "active", silencedBy: [], inhibitedBy: [] },
        generatorURL: "http://prometheus.demo/graph",
      })),
    );
    return true;
  }
  return false;
}

function grafana(res: ServerResponse, path: string): boolean {
  if (path !== "/api/health") return false;
  json(res, 200, { commit: "demo", database: "ok", version: "11.0.0" });
  return true;
}

/** Handles a request under /monitoring/...; returns false (and writes nothing) for anything else. */
export function monitoringStackRoutes(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const match = /^\/monitoring\/(prometheus|alertmanager|grafana)(\/.*)$/.exec(url.pathname);
  if (!match) return false;
  const [, service, path] = match as unknown as [string, string, string];
  if (service === "prometheus") return prometheus(res, path, url);
  if (service === "alertmanager") return alertmanager(res, path);
  return grafana(res, path);
}

/** The demo config's monitors for the imitated stack served at `baseUrl` (the demo server's origin). */
export function monitoringDemoMonitors(baseUrl: string): object[] {
  const base = `${baseUrl.replace(/\/+$/, "")}${MONITORING_PREFIX}`;
  return [
    {
      id: "prometheus",
      name: "Prometheus",
      group: "Monitoring",
      type: "prometheus",
      // Every minute in the demo (2 by default): a newcomer sees every monitor from the first tick.
      interval: 1,
      url: `${base}/prometheus`,
      queries: [
        { name: "gateway-up", expr: 'up{job="api-gateway"}', op: "==", value: 1, severity: "degraded" },
        { name: "worker-up", expr: 'up{job="ai-worker"}', op: "==", value: 1, severity: "down" },
      ],
    },
    {
      id: "alertmanager",
      name: "Alertmanager",
      group: "Monitoring",
      type: "alertmanager",
      interval: 1,
      url: `${base}/alertmanager`,
      watchdog: "Watchdog",
    },
    {
      id: "grafana",
      name: "Grafana",
      group: "Monitoring",
      type: "http",
      url: `${base}/grafana/api/health`,
      expectJson: { database: "ok" },
    },
  ];
}
