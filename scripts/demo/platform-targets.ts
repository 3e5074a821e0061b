// Local stand-ins for the AI platform of the troubleshooting guide, so `npm start` shows real probe results.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => boolean;

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

/** A little jitter, so latencies look like a network's. */
const after = (ms: number, fn: () => void) => setTimeout(fn, ms + Math.round(Math.random() * ms * 0.5));

/** The API gateway and AI worker health endpoints, a slow inference endpoint, a failing one and a regional outage. */
export const platformRoutes: RouteHandler = (req, res, url) => {
  switch (url.pathname) {
    case "/gateway/health":
      after(40, () => json(res, 200, { status: "ok", checks: { database: "up", circuit_breaker: "closed", cache: "up" } }));
      return true;
    case "/ai-worker/health":
      after(25, () => json(res, 200, { status: "healthy", checks: { kv: "ok", r2: "ok", api_gateway: "up" } }));
      return true;
    case "/inference/health":
      // Slower than the worker's 2 s budget from the guide: degraded, not down.
      after(2_300, () => json(res, 200, { status: "ok" }));
      return true;
    case "/assets/health":
      // A regional outage: probes from western Europe (the Edgewatch-Location header of located shards) get 503.
      if (req.headers["edgewatch-location"] === "weur") after(10, () => json(res, 503, { status: "unavailable", region: "weur" }));
      else after(20, () => json(res, 200, { status: "ok" }));
      return true;
    case "/billing/health":
      after(15, () => json(res, 502, { error: "Bad Gateway", upstream: "billing-service" }));
      return true;
    default:
      return false;
  }
};

export function platformMonitors(baseUrl: string): object[] {
  return [
    {
      id: "api-gateway",
      name: "API gateway",
      group: "Platform",
      type: "http",
      url: `${baseUrl}/gateway/health`,
      severity: "SEV-1",
      degradedAfterMs: 5000,
      criticalChecks: ["database"],
    },
    {
      id: "ai-worker",
      name: "AI worker",
      group: "Platform",
      type: "http",
      url: `${baseUrl}/ai-worker/health`,
      severity: "SEV-1",
      degradedAfterMs: 2000,
    },
    {
      id: "inference",
      name: "Inference API",
      group: "Platform",
      type: "http",
      url: `${baseUrl}/inference/health`,
      severity: "SEV-2",
      degradedAfterMs: 2000,
      timeoutMs: 8000,
    },
    { id: "billing", name: "Billing API", group: "Platform", type: "http", url: `${baseUrl}/billing/health`, severity: "SEV-3" },
    // Probed from three regions (local Durable Objects under wrangler dev); one of them sees it down: degraded.
    {
      id: "assets",
      name: "Asset CDN",
      group: "Platform",
      type: "http",
      url: `${baseUrl}/assets/health`,
      severity: "SEV-3",
      locations: ["wnam", "weur", "apac"],
    },
  ];
}

/** Starts one server on 127.0.0.1 that answers every route handler's paths. */
export async function startDemoServer(handlers: RouteHandler[]): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (!handlers.some((handle) => handle(req, res, url))) json(res, 404, { error: "not found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
