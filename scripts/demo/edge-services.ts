// Demo stand-ins for what the edge checks below HTTP and what the cluster reports itself: a DNS-over-HTTPS resolver
// (dns monitor), a Redis (tcp monitor), and a job inside the "cluster" that checks a Postgres and Prometheus and
// pushes the result every minute (push monitor). Each can be stopped through the demo server (POST /demo/stop/<name>),
// and its monitor goes down: the resolver and Redis refuse connections, the job reports Postgres down.
import net from "node:net";
import type { IncomingMessage, ServerResponse } from "node:http";
import { startDohServer } from "../../test/helpers/doh-targets";
import type { Listening } from "../../test/helpers/listen";
import { startBanner, startRedisLike } from "../../test/helpers/tcp-targets";

const DEMO_HOST = "api.platform.demo";
const DEMO_ADDRESS = "203.0.113.10";
const PUSH_ID = "cluster-jobs";

export interface EdgeServices {
  monitors: object[];
  /** The demo server's extra route: POST /demo/stop/{dns,redis,postgres}. */
  routes: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;
  /** Starts the demo job: one beat now, then one every `everyMs`. */
  startJob: (workerOrigin: string, token: string, everyMs: number) => Promise<void>;
  close: () => Promise<void>;
}

/** Whether a TCP connection to 127.0.0.1:port opens within a second: the demo job's `pg_isready`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port, timeout: 1_000 });
    const done = (ok: boolean) => (socket.destroy(), resolve(ok));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

/** One beat of the demo job: its pg_isready (a connect to the Postgres stand-in) and Prometheus's health, pushed. */
async function beat(origin: string, token: string, checks: { postgresPort: number; demoBaseUrl: string }): Promise<void> {
  const [db, prometheus] = await Promise.all([
    accepts(checks.postgresPort),
    fetch(`${checks.demoBaseUrl}/monitoring/prometheus/-/healthy`).then(
      (r) => r.ok,
      () => false,
    ),
  ]);
  const body = {
    status: db ? (prometheus ? "up" : "degraded") : "down",
    message: `pg_isready: ${db ? "accepting connections" : "no response"}; pods not Running: 0`,
    checks: { postgres: db ? "up" : "down", pods: "ok", prometheus: prometheus ? "up" : "down" },
  };
  try {
    const response = await fetch(`${origin}/api/push/${PUSH_ID}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    await response.arrayBuffer();
    if (!response.ok) console.error(`edgewatch demo job: push answered HTTP ${response.status}`);
  } catch (error) {
    console.error(`edgewatch demo job: push failed: ${(error as Error).message}`);
  }
}

/** The demo config's push, dns and tcp monitors, on the services just started. */
function edgeMonitors(tokenSecret: string, dohUrl: string, redisPort: number): object[] {
  return [
    { id: PUSH_ID, name: "Cluster jobs (pushed)", group: "Platform", type: "push", tokenSecret, criticalChecks: ["postgres"] },
    { id: "api-dns", name: "API DNS", group: "Platform", type: "dns", host: DEMO_HOST, expect: [DEMO_ADDRESS], resolver: dohUrl },
    {
      id: "cache",
      name: "Cache (Redis)",
      group: "Platform",
      type: "tcp",
      host: "127.0.0.1",
      port: redisPort,
      send: "PING\r\n",
      expect: "+PONG",
    },
  ];
}

export async function startEdgeServices(demoBaseUrl: string, tokenSecret: string): Promise<EdgeServices> {
  const doh = await startDohServer({ [DEMO_HOST]: { A: [DEMO_ADDRESS] } });
  const redis = await startRedisLike();
  // Postgres's stand-in: it takes connections, which is what pg_isready asks.
  const postgres = await startBanner("");
  const running = new Map<string, Listening>([
    ["dns", doh],
    ["redis", redis],
    ["postgres", postgres],
  ]);
  let timer: ReturnType<typeof setInterval> | undefined;
  const checks = { postgresPort: postgres.port, demoBaseUrl };
  return {
    monitors: edgeMonitors(tokenSecret, doh.url, redis.port),
    routes: (req, res, url) => {
      const match = /^\/demo\/stop\/(\w+)$/.exec(url.pathname);
      if (!match || req.method !== "POST") return false;
      const service = running.get(match[1]!);
      running.delete(match[1]!);
      void (service?.close() ?? Promise.resolve()).then(() => res.writeHead(service ? 200 : 404).end());
      return true;
    },
    startJob: async (origin, token, everyMs) => {
      await beat(origin, token, checks);
      timer = setInterval(() => void beat(origin, token, checks), everyMs);
    },
    close: async () => {
      clearInterval(timer);
      await Promise.all([...running.values()].map((s) => s.close()));
    },
  };
}
