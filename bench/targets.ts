// Local targets for `npm run bench`, all on 127.0.0.1: an HTTP server whose answers wait a set number of
// milliseconds (health endpoints, the Prometheus imitation of the demo, a target that never answers), and a TLS
// server whose certificate chain is issued by a throwaway test CA. They count what reaches them, so the bench can
// say how many subrequests a tick makes.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import { MONITORING_PREFIX, monitoringStackRoutes } from "../scripts/demo/monitoring-stack.ts";
import { issueCertificate, type TestCa } from "../test/helpers/test-ca.ts";

export const TLS_SERVER_NAME = "api.example.test";

export interface TargetCounts {
  httpRequests: number;
  tlsConnections: number;
}

export interface Targets {
  /** `http://127.0.0.1:port` */
  httpBase: string;
  tlsPort: number;
  counts(): TargetCounts;
  close(): Promise<void>;
}

/** As a gateway's framework answers (Express's res.json, Go's net/http for a small body): with its length. */
const json = (res: http.ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
};

/** The gateway's /health of the troubleshooting guide: a status and per-dependency checks. */
const HEALTH = { status: "ok", checks: { database: "up", circuit_breaker: "closed", cache: "up" } };

/**
 * Paths:
 *   /lat/<ms>/health/<anything>      the health body above, after <ms> milliseconds
 *   /lat/<ms>/monitoring/...          the demo's Prometheus / Alertmanager / Grafana imitation, after <ms>
 *   /hang                             accepts the request and never answers
 */
async function startHttp(): Promise<{ base: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/hang") return; // headers never come
    const match = /^\/lat\/(\d+)(\/.*)$/.exec(url.pathname);
    if (!match) return json(res, 404, { error: "not found" });
    const rest = match[2] as string;
    const answer = () => {
      if (res.destroyed) return;
      if (rest.startsWith("/health/")) return json(res, 200, HEALTH);
      if (rest.startsWith(`${MONITORING_PREFIX}/`)) {
        const inner = new URL(`${rest}${url.search}`, "http://127.0.0.1");
        if (monitoringStackRoutes(req, res, inner)) return;
      }
      json(res, 404, { error: "not found" });
    };
    const ms = Number(match[1]);
    if (ms === 0) return answer();
    const timer = setTimeout(answer, ms);
    res.on("close", () => clearTimeout(timer));
  });
  server.keepAliveTimeout = 30_000;
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** An EC P-256 leaf for `serverName` (valid 60 days, SANs: the name and 127.0.0.1) and the intermediate that issued it. */
export async function issueBenchChain(ca: TestCa, serverName: string, prefix = "bench") {
  const DAY = 86_400_000;
  const now = Date.now();
  const intermediate = await issueCertificate(ca, {
    name: `${prefix}-int`,
    subject: "/O=Edgewatch Bench/CN=Bench Intermediate",
    key: "ec-p256",
    issuer: ca,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 300 * DAY),
    ca: true,
  });
  const leaf = await issueCertificate(ca, {
    name: `${prefix}-leaf`,
    subject: `/O=Edgewatch Bench/CN=${serverName}`,
    key: "ec-p256",
    issuer: intermediate,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 60 * DAY),
    sans: [`DNS:${serverName}`, "IP:127.0.0.1"],
  });
  return { intermediate, leaf };
}

/** A TLS server with the bench's chain for TLS_SERVER_NAME. */
async function startTls(ca: TestCa): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const { intermediate, leaf } = await issueBenchChain(ca, TLS_SERVER_NAME);
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = tls.createServer({ key: readFileSync(leaf.keyPath), cert: leaf.pem + intermediate.pem }, (socket) => {
    socket.on("error", () => {});
    socket.resume();
  });
  server.on("tlsClientError", () => {}); // the probe hangs up once it has the certificates: not an error here
  server.on("connection", (s) => {
    connections++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

export async function startTargets(ca: TestCa): Promise<Targets> {
  const [web, secure] = await Promise.all([startHttp(), startTls(ca)]);
  return {
    httpBase: web.base,
    tlsPort: secure.port,
    counts: () => ({ httpRequests: web.requests(), tlsConnections: secure.connections() }),
    close: async () => {
      await Promise.all([web.close(), secure.close()]);
    },
  };
}

export type MonitorKind = "http" | "tls" | "prometheus";

export interface MonitorSpec {
  kind: MonitorKind;
  /** Milliseconds the HTTP target waits before answering (http and prometheus). */
  latencyMs: number;
  /** Overrides the monitor's timeoutMs. */
  timeoutMs?: number;
  /** A target that never answers. */
  hang?: boolean;
}

/**
 * One monitor of the config. Prometheus monitors point at the demo imitation, which reports one target down and one
 * alert firing: they are `degraded` in every tick. failureThreshold 1 opens their incident on the first tick, so the
 * ticks after it change nothing (no KV write held back by the two-minute spacing lands in the measured ticks).
 */
export function monitorFor(targets: Targets, spec: MonitorSpec, i: number): Record<string, unknown> {
  const timeout = spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {};
  switch (spec.kind) {
    case "http":
      return {
        id: `http-${i}`,
        name: `HTTP service ${i}`,
        group: "Services",
        type: "http",
        url: spec.hang ? `${targets.httpBase}/hang` : `${targets.httpBase}/lat/${spec.latencyMs}/health/${i}`,
        criticalChecks: ["database"],
        ...timeout,
      };
    case "tls":
      return {
        id: `tls-${i}`,
        name: `Certificate ${i}`,
        group: "Certificates",
        type: "tls",
        host: "127.0.0.1",
        port: targets.tlsPort,
        servername: TLS_SERVER_NAME,
        ...timeout,
      };
    case "prometheus":
      return {
        id: `prometheus-${i}`,
        name: `Prometheus ${i}`,
        group: "Monitoring",
        type: "prometheus",
        url: `${targets.httpBase}/lat/${spec.latencyMs}${MONITORING_PREFIX}/prometheus`,
        failureThreshold: 1,
        ...timeout,
      };
  }
}

/** The config's `limits` (src/config/schema.ts); omitted ones take the schema's defaults, the Free plan's. */
export interface Limits {
  subrequests?: number;
  cpuMs?: number;
  monitorsPerShard?: number;
}

/** `n` monitors cycling through `kinds` (http, tls, prometheus, http, ...), with `limits` when given. */
export function configFor(
  targets: Targets,
  n: number,
  kinds: MonitorKind[],
  latencyMs: number,
  extra: { hangTimeoutMs?: number; limits?: Limits } = {},
): string {
  const monitors = Array.from({ length: n }, (_, i) => {
    const kind = kinds[i % kinds.length] as MonitorKind;
    return monitorFor(targets, { kind, latencyMs }, i);
  });
  if (extra.hangTimeoutMs !== undefined) {
    // The hanging target replaces the last monitor, so the tick still has n monitors.
    monitors[n - 1] = {
      ...monitorFor(targets, { kind: "http", latencyMs, hang: true, timeoutMs: extra.hangTimeoutMs }, n - 1),
      id: "hanging",
      name: "Hanging target",
    };
  }
  return JSON.stringify({ title: `Edgewatch bench (${n} monitors)`, monitors, ...(extra.limits ? { limits: extra.limits } : {}) });
}
