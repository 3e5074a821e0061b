// Node side (globalSetup): a server that answers like Prometheus and Alertmanager, healthy by default, broken per case.
// A probe pointed at `http://127.0.0.1:PORT/<case>` gets the case's answer for the endpoints it overrides and a
// healthy answer for the rest. It also mounts the demo imitation under /monitoring, so tests can probe the demo.
import http from "node:http";
import { monitoringStackRoutes } from "../../scripts/demo/monitoring-stack";
import { listenOnLoopback } from "./listen";

type Res = http.ServerResponse;
type Handler = (res: Res, endpoint: string, req: http.IncomingMessage) => boolean;

/** Writes the answer; returns true, so a handler can `return json(...)` for "handled". */
const json = (res: Res, status: number, body: unknown): true => raw(res, status, "application/json", JSON.stringify(body));
const raw = (res: Res, status: number, contentType: string, body: string): true => {
  res.writeHead(status, { "content-type": contentType });
  res.end(body);
  return true;
};
const success = (data: unknown) => ({ status: "success", data });
const target = (job: string, instance: string, health: string, lastError = "") => ({
  labels: { job, instance },
  scrapePool: job,
  scrapeUrl: `http://${instance}/metrics`,
  lastError,
  health,
});
const promAlert = (alertname: string, severity: string) => ({
  labels: { alertname, severity },
  annotations: {},
  state: "firing",
  activeAt: "2026-01-01T00:00:00Z",
  value: "1e+00",
});
const promRule = (name: string, health: string, lastError?: string) => ({
  name,
  query: "vector(1)",
  health,
  ...(lastError ? { lastError } : {}),
  type: "alerting",
});
const amAlert = (alertname: string, severity?: string) => ({
  labels: severity ? { alertname, severity } : { alertname },
  annotations: {},
  startsAt: "2026-01-01T00:00:00Z",
  endsAt: "2099-01-01T00:00:00Z",
  fingerprint: alertname,
  receivers: [{ name: "null" }],
  status: { state: "active", silencedBy: [], inhibitedBy: [] },
});

/** A healthy Prometheus (two targets up, only the Watchdog firing) and a healthy single-node Alertmanager. */
const healthy: Handler = (res, endpoint, req) => {
  const url = new URL(req.url ?? "/", "http://x");
  switch (endpoint) {
    case "/-/healthy":
    case "/-/ready":
      return raw(res, 200, "text/plain", "Healthy.\n");
    case "/api/v1/targets":
      return json(
        res,
        200,
        success({ activeTargets: [target("api", "10.0.0.1:80", "up"), target("node", "10.0.0.2:9100", "up")], droppedTargets: [] }),
      );
    case "/api/v1/alerts":
      return json(res, 200, success({ alerts: [promAlert("Watchdog", "none")] }));
    case "/api/v1/rules":
      return json(res, 200, success({ groups: [{ name: "general", rules: [promRule("Watchdog", "ok")] }] }));
    case "/api/v1/query": {
      const expr = url.searchParams.get("query") ?? "";
      const value = /^\d+(\.\d+)?$/.test(expr) ? expr : "1";
      return json(res, 200, success({ resultType: "vector", result: [{ metric: { job: "api" }, value: [1767225600, value] }] }));
    }
    case "/api/v2/status":
      return json(res, 200, {
        cluster: { status: "disabled", peers: [] },
        config: { original: "" },
        uptime: "2026-01-01T00:00:00Z",
        versionInfo: {},
      });
    case "/api/v2/alerts":
      return json(res, 200, [amAlert("Watchdog", "none")]);
  }
  return false;
};

const only =
  (path: string, answer: (res: Res, req: http.IncomingMessage) => void): Handler =>
  (res, endpoint, req) => {
    if (endpoint !== path) return false;
    answer(res, req);
    return true;
  };

/** The Cloudflare Access service token the `access` case accepts; the tests get it through inject("promStack"). */
export const BROKEN_ACCESS = { id: "edgewatch-client.access", secret: "s3cret-value" };
const ACCESS = BROKEN_ACCESS;

const cases: Record<string, Handler> = {
  healthy: () => false,
  "healthy-503": only("/-/healthy", (res) => raw(res, 503, "text/plain", "Service Unavailable")),
  "not-ready": only("/-/ready", (res) => raw(res, 503, "text/plain", "Service Unavailable")),
  "targets-bad-json": only("/api/v1/targets", (res) => raw(res, 200, "application/json", '{"status":"success","data":{"activeTar')),
  "targets-html": only("/api/v1/targets", (res) => raw(res, 200, "text/html; charset=utf-8", "<!doctype html><title>Sign in</title>")),
  "targets-wrong-shape": only("/api/v1/targets", (res) => json(res, 200, success({ activeTargets: "none" }))),
  "targets-missing": only("/api/v1/targets", (res) => json(res, 200, success({}))),
  "targets-bad-health": only("/api/v1/targets", (res) =>
    json(res, 200, success({ activeTargets: [{ labels: { job: "a", instance: "b" }, health: 1 }] })),
  ),
  "targets-error-envelope": only("/api/v1/targets", (res) => json(res, 200, { status: "error", errorType: "internal", error: "boom" })),
  "targets-500": only("/api/v1/targets", (res) => json(res, 500, { status: "error", errorType: "internal", error: "storage failure" })),
  "targets-huge": only("/api/v1/targets", (res) => {
    const many = Array.from({ length: 8_000 }, (_, i) => target("bulk", `10.1.${i >> 8}.${i & 255}:9100`, "up", "x".repeat(100)));
    json(res, 200, success({ activeTargets: many }));
  }),
  "targets-truncated": only("/api/v1/targets", (res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": "5000" });
    res.write('{"status":"success","data":{"activeTargets":[');
    setTimeout(() => res.destroy(), 20);
  }),
  "targets-hang": only("/api/v1/targets", () => {}),
  "alerts-wrong-shape": only("/api/v1/alerts", (res) => json(res, 200, success({ alerts: [{ labels: "HighLatency", state: "firing" }] }))),
  "rules-unhealthy": only("/api/v1/rules", (res) =>
    json(
      res,
      200,
      success({
        groups: [
          {
            name: "api",
            rules: [promRule("HighErrorRate", "err", "query timed out in expression evaluation"), promRule("HighLatency", "ok")],
          },
          { name: "node", rules: [promRule("DiskFull", "unknown"), promRule("MemoryHigh", "err", "many-to-many matching not allowed")] },
          { name: "db", rules: [promRule("ReplicaLag", "err", "no such series at 10.0.0.9:5432")] },
        ],
      }),
    ),
  ),
  "rules-wrong-shape": only("/api/v1/rules", (res) => json(res, 200, success({ groups: [{ name: "g", rules: [{ name: "r" }] }] }))),
  "query-bad-json": only("/api/v1/query", (res) => raw(res, 200, "application/json", "{")),
  "query-wrong-shape": only("/api/v1/query", (res) =>
    json(res, 200, success({ resultType: "vector", result: [{ metric: {}, value: [1767225600, 1] }] })),
  ),
  "query-unknown-type": only("/api/v1/query", (res) => json(res, 200, success({ resultType: "table", result: [] }))),
  "query-matrix": only("/api/v1/query", (res) =>
    json(res, 200, success({ resultType: "matrix", result: [{ metric: {}, values: [[1767225600, "1"]] }] })),
  ),
  "query-api-error": only("/api/v1/query", (res) =>
    json(res, 400, { status: "error", errorType: "bad_data", error: 'invalid parameter "query": 1:5: parse error' }),
  ),
  many: (res, endpoint) => {
    if (endpoint === "/api/v1/targets") {
      const down = Array.from({ length: 50 }, (_, i) => target("fleet", `10.2.0.${i}:9100`, "down", "connection refused"));
      return json(res, 200, success({ activeTargets: [target("prometheus", "localhost:9090", "up"), ...down] }));
    }
    if (endpoint === "/api/v1/alerts") {
      return json(
        res,
        200,
        success({ alerts: Array.from({ length: 30 }, (_, i) => promAlert(`Alert${String(i).padStart(2, "0")}`, "warning")) }),
      );
    }
    if (endpoint === "/api/v2/alerts") {
      return json(res, 200, [
        amAlert("Watchdog", "none"),
        ...Array.from({ length: 30 }, (_, i) => amAlert(`Alert${String(i).padStart(2, "0")}`, i % 3 ? "warning" : "critical")),
      ]);
    }
    return false;
  },
  // Cloudflare Access in front: without the service-token headers, a redirect to the login page.
  access: (res, _endpoint, req) => {
    if (req.headers["cf-access-client-id"] === ACCESS.id && req.headers["cf-access-client-secret"] === ACCESS.secret) return false;
    res.writeHead(302, { location: "https://team.cloudflareaccess.com/cdn-cgi/access/login/prom.example.com?kid=abc&redirect_url=%2F" });
    res.end();
    return true;
  },
  "am-healthy-500": only("/-/healthy", (res) => raw(res, 500, "text/plain", "internal error")),
  "am-bad-json": only("/api/v2/alerts", (res) => raw(res, 200, "application/json", "[{")),
  "am-alerts-not-array": only("/api/v2/alerts", (res) => json(res, 200, { alerts: [] })),
  "am-alert-no-status": only("/api/v2/alerts", (res) => json(res, 200, [{ labels: { alertname: "Watchdog" } }])),
  "am-status-wrong": only("/api/v2/status", (res) => json(res, 200, { cluster: {} })),
  "am-settling": only("/api/v2/status", (res) => json(res, 200, { cluster: { status: "settling", peers: [] } })),
  "am-firing": only("/api/v2/alerts", (res) =>
    json(res, 200, [
      amAlert("Watchdog", "none"),
      amAlert("DiskFull", "critical"),
      amAlert("HighLatency", "warning"),
      amAlert("HighLatency", "warning"),
      amAlert("Unlabelled"),
    ]),
  ),
  "am-status-hang": only("/api/v2/status", () => {}),
};

interface Stats {
  inFlight: number;
  maxInFlight: number;
  total: number;
  paths: string[];
}

export async function startBrokenMonitoring(): Promise<{ port: number; close: () => Promise<void> }> {
  const stats = new Map<string, Stats>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (monitoringStackRoutes(req, res, url)) return;
    // GET /stats/<name>: requests seen under /counted-<name>/..., and the most at once; reading resets them.
    const statsMatch = /^\/stats\/([\w-]+)$/.exec(url.pathname);
    if (statsMatch) {
      const name = statsMatch[1] as string;
      json(res, 200, stats.get(name) ?? { inFlight: 0, maxInFlight: 0, total: 0, paths: [] });
      stats.delete(name);
      return;
    }
    const match = /^\/([\w-]+)(\/.*)$/.exec(url.pathname);
    if (!match) return json(res, 404, { error: "no case" });
    const [, name, endpoint] = match as unknown as [string, string, string];
    // /counted-<name>/...: healthy answers after 50 ms, counting concurrency.
    if (name.startsWith("counted-")) {
      const key = name.slice("counted-".length);
      const s = stats.get(key) ?? { inFlight: 0, maxInFlight: 0, total: 0, paths: [] };
      stats.set(key, s);
      s.total++;
      s.paths.push(endpoint);
      s.maxInFlight = Math.max(s.maxInFlight, ++s.inFlight);
      setTimeout(() => {
        s.inFlight--;
        if (!healthy(res, endpoint, req)) json(res, 404, { error: "not found" });
      }, 50);
      return;
    }
    const handler = cases[name];
    if (!handler) return json(res, 404, { error: `no case ${name}` });
    if (handler(res, endpoint, req) || healthy(res, endpoint, req)) return;
    json(res, 404, { error: "not found" });
  });
  return listenOnLoopback(server);
}
