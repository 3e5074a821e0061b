// Node side (globalSetup): real local servers that the probes inside workerd reach on 127.0.0.1.
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";

export interface HttpTargets {
  port: number;
  /** The same targets on a second port: another origin, for what must not cross origins. */
  otherOriginPort: number;
  /** Accepts TCP connections and never answers. */
  silentPort: number;
  /** Nothing listens here. */
  refusedPort: number;
  /** Bytes /huge managed to write before the client went away. */
  hugeBytesWritten: () => number;
  close: () => Promise<void>;
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

export async function startHttpTargets(): Promise<HttpTargets> {
  let hugeBytes = 0;
  const flakyCounts = new Map<string, number>();
  const switches = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const handler: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    if (path === "/ok") return json(res, 200, { status: "ok" });
    if (path === "/text") {
      res.writeHead(200, { "content-type": "text/plain" });
      return res.end("service is ok and ready");
    }
    const statusMatch = /^\/status\/(\d{3})$/.exec(path);
    if (statusMatch) return json(res, Number(statusMatch[1]), { code: Number(statusMatch[1]) });
    if (path === "/slow") {
      const ms = Number(url.searchParams.get("ms") ?? "1000");
      const timer = setTimeout(() => json(res, 200, { status: "ok" }), ms);
      res.on("close", () => clearTimeout(timer));
      return;
    }
    if (path === "/hang") return; // headers never come
    if (path === "/slow-body") {
      // Headers at once, then a first chunk, then nothing: a body that stalls after the answer began. With ?length=,
      // the headers announce that many bytes (a body the reader takes whole).
      const length = url.searchParams.get("length");
      res.writeHead(200, { "content-type": "text/plain", ...(length ? { "content-length": length } : {}) });
      res.write("partial");
      return;
    }
    if (path === "/gzip-bomb") {
      // 2 KB on the wire, announced as such, that inflate to 2 MB: a length header that says nothing of the text.
      const packed = gzipSync(Buffer.alloc(2_000_000, 0x61));
      res.writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip", "content-length": packed.byteLength });
      return res.end(packed);
    }
    if (path === "/sized") {
      const body = "x".repeat(Number(url.searchParams.get("bytes") ?? "100"));
      res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
      return res.end(body);
    }
    if (path === "/noisy") {
      // A health answer written to bloat whoever stores it (600 KB): 150 failing checks with 2,000-character names.
      const checks = Object.fromEntries(
        Array.from({ length: 150 }, (_, i) => [`dependency-${i}-${"n".repeat(2000)}`, { status: "down", detail: "d".repeat(2000) }]),
      );
      return json(res, 200, { status: "degraded", checks });
    }
    if (path === "/by-location") {
      // Down (503) for probes from the locations listed in ?down=, as a regional outage looks from the edge.
      const from = String(req.headers["edgewatch-location"] ?? "");
      const down = (url.searchParams.get("down") ?? "").split(",");
      return json(res, from && down.includes(from) ? 503 : 200, { from });
    }
    if (path === "/invalid-json") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end('{"status": "ok", ');
    }
    const flaky = /^\/flaky\/([\w-]+)$/.exec(path);
    if (flaky) {
      // Fails every other request of its key: a blip that the in-tick retry absorbs.
      const n = (flakyCounts.get(flaky[1]!) ?? 0) + 1;
      flakyCounts.set(flaky[1]!, n);
      return json(res, n % 2 === 1 ? 503 : 200, { attempt: n });
    }
    const switchable = /^\/switch\/([\w-]+)$/.exec(path);
    if (switchable) {
      // A target whose status a test sets: POST /switch/KEY?status=500, then GET /switch/KEY answers with it.
      const key = switchable[1]!;
      if (req.method === "POST") switches.set(key, Number(url.searchParams.get("status") ?? "200"));
      return json(res, switches.get(key) ?? 200, { key });
    }
    if (path === "/huge/bytes-written") return json(res, 200, { bytes: hugeBytes });
    if (path === "/huge") {
      hugeBytes = 0;
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const total = 32 * 1024 * 1024;
      const pump = () => {
        while (hugeBytes < total) {
          hugeBytes += chunk.length;
          if (!res.write(chunk)) return res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => res.removeAllListeners("drain"));
      return pump();
    }
    if (path === "/gateway/health") {
      // Numbers and an internal address beside the checks, for assertions on any field.
      return json(res, 200, {
        status: "ok",
        checks: { database: "up", circuit_breaker: "closed" },
        queue_depth: 120,
        upstream: "10.20.30.40:5432",
        version: "2.4.1",
      });
    }
    if (path === "/gateway/health-db-down") {
      return json(res, 200, { status: "degraded", checks: { database: "down", circuit_breaker: "closed" } });
    }
    if (path === "/gateway/health-breaker-open") {
      return json(res, 503, { status: "unhealthy", checks: { database: { status: "up", latency_ms: 3 }, circuit_breaker: "open" } });
    }
    if (path === "/grafana/api/health") return json(res, 200, { commit: "abc", database: "ok", version: "11.0.0" });
    if (path === "/grafana/api/health-db-failing") return json(res, 503, { commit: "abc", database: "failing", version: "11.0.0" });
    if (path === "/echo") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () =>
        json(res, 200, {
          status: "ok",
          method: req.method,
          authorization: req.headers["authorization"] ?? null,
          apiKey: req.headers["x-api-key"] ?? null,
          plain: req.headers["x-plain"] ?? null,
          cacheControl: req.headers["cache-control"] ?? null,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      return;
    }
    if (path === "/redirect") {
      // ?to=<Location>&code=<3xx>: one redirect wherever the test says, across origins too.
      res.writeHead(Number(url.searchParams.get("code") ?? "302"), { location: url.searchParams.get("to") ?? "/ok" });
      return res.end();
    }
    const chain = /^\/chain\/(\d+)$/.exec(path);
    if (chain) {
      // /chain/N answers after N redirects.
      const n = Number(chain[1]);
      if (n === 0) return json(res, 200, { status: "ok" });
      res.writeHead(302, { location: `/chain/${n - 1}` });
      return res.end();
    }
    if (path === "/loop-a" || path === "/loop-b") {
      res.writeHead(302, { location: path === "/loop-a" ? "/loop-b" : "/loop-a" });
      return res.end();
    }
    json(res, 404, { error: "not found" });
  };
  const server = http.createServer(handler);
  const other = http.createServer(handler);
  for (const srv of [server, other]) {
    srv.on("connection", (s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  }

  const silent = net.createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));

  const refusedPort = await freePort();

  return {
    port: (server.address() as AddressInfo).port,
    otherOriginPort: (other.address() as AddressInfo).port,
    silentPort: (silent.address() as AddressInfo).port,
    refusedPort,
    hugeBytesWritten: () => hugeBytes,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([server, other, silent].map((srv) => new Promise((r) => srv.close(r))));
    },
  };
}

/** A port that was free a moment ago and that nothing listens on now. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  return port;
}
