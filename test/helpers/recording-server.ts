// Node side (globalSetup): one local HTTP server on 127.0.0.1 that stands in for Slack, Discord, PagerDuty,
// Telegram, a generic webhook and Alertmanager. It records every request (method, path, headers, raw body) and
// answers as a test told it to. Tests inside workerd reach it through its own endpoints:
//
//   GET  /__recorded?prefix=/t-abc/&since=0   → { requests: RecordedRequest[], next }   (requests whose path starts with prefix)
//   POST /__respond?path=/t-abc/hook&status=503&times=2[&delayMs=..][&retryAfter=..][&mode=hang|hang-body|huge]
//        with the answer's body as the request body  → the next `times` requests to that exact path get that answer
//   GET  /__huge-written                      → { bytes }: what the last `mode=huge` answer wrote before the client left
//
// Every other path is recorded and answered: by a queued rule for that path, else like the real service would
// (PagerDuty 202, Telegram `{"ok":true}`, Discord 204, Slack `ok`, Alertmanager 200). Tests use a unique path prefix
// each, so files running at once never see each other's requests.
import http from "node:http";
import { freePort } from "./http-targets";
import { listenOnLoopback } from "./listen";

export interface RecordedRequest {
  seq: number;
  method: string;
  /** Path and query, as received (a Telegram bot token included: this is the test's own fake). */
  path: string;
  headers: Record<string, string>;
  /** The raw body as UTF-8 text, and exactly as bytes (base64) for signature checks. */
  body: string;
  bodyBase64: string;
  receivedAt: number;
}

export interface RecorderInfo {
  url: string;
  /** Nothing listens here: a refused connection. */
  refusedPort: number;
}

declare module "vitest" {
  export interface ProvidedContext {
    recorder: RecorderInfo;
  }
}

interface Rule {
  status: number;
  times: number;
  body: string;
  headers: Record<string, string>;
  delayMs: number;
  mode: "normal" | "hang" | "hang-body" | "huge";
}

const HUGE_TOTAL = 32 * 1024 * 1024;

function defaultAnswer(path: string): { status: number; headers: Record<string, string>; body: string } {
  const json = { "content-type": "application/json" };
  if (path.endsWith("/v2/enqueue"))
    return { status: 202, headers: json, body: JSON.stringify({ status: "success", message: "Event processed", dedup_key: "recorded" }) };
  if (path.endsWith("/sendMessage")) return { status: 200, headers: json, body: JSON.stringify({ ok: true, result: { message_id: 1 } }) };
  if (path.endsWith("/api/v2/alerts")) return { status: 200, headers: json, body: "" };
  if (path.includes("/discord")) return { status: 204, headers: {}, body: "" };
  return { status: 200, headers: { "content-type": "text/plain" }, body: "ok" };
}

export async function startRecordingServer(): Promise<{ values: { recorder: RecorderInfo }; close(): Promise<void> }> {
  const recorded: RecordedRequest[] = [];
  const rules = new Map<string, Rule[]>();
  let seq = 0;
  let hugeWritten = 0;

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://127.0.0.1");

      if (url.pathname === "/__recorded") {
        const prefix = url.searchParams.get("prefix") ?? "/";
        const since = Number(url.searchParams.get("since") ?? "0");
        const requests = recorded.filter((r) => r.seq > since && r.path.startsWith(prefix));
        return send(res, 200, { requests, next: seq });
      }
      if (url.pathname === "/__respond" && req.method === "POST") {
        const path = url.searchParams.get("path");
        if (!path) return send(res, 400, { error: "path is required" });
        const headers: Record<string, string> = {};
        const text = raw.toString("utf8");
        try {
          JSON.parse(text);
          headers["content-type"] = "application/json";
        } catch {
          headers["content-type"] = "text/plain";
        }
        const retryAfter = url.searchParams.get("retryAfter");
        if (retryAfter) headers["retry-after"] = retryAfter;
        const rule: Rule = {
          status: Number(url.searchParams.get("status") ?? "200"),
          times: Number(url.searchParams.get("times") ?? "1"),
          body: text,
          headers,
          delayMs: Number(url.searchParams.get("delayMs") ?? "0"),
          mode: (url.searchParams.get("mode") as Rule["mode"] | null) ?? "normal",
        };
        rules.set(path, [...(rules.get(path) ?? []), rule]);
        return send(res, 200, { queued: rule });
      }
      if (url.pathname === "/__huge-written") return send(res, 200, { bytes: hugeWritten });

      seq += 1;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
      recorded.push({
        seq,
        method: req.method ?? "",
        path: req.url ?? "/",
        headers,
        body: raw.toString("utf8"),
        bodyBase64: raw.toString("base64"),
        receivedAt: Date.now(),
      });

      const queue = rules.get(url.pathname) ?? [];
      const rule = queue[0];
      if (rule) {
        rule.times -= 1;
        if (rule.times <= 0) queue.shift();
      }
      const answer = () => {
        if (!rule) {
          const d = defaultAnswer(url.pathname);
          res.writeHead(d.status, d.headers);
          return res.end(d.body);
        }
        if (rule.mode === "hang") return; // headers never come
        res.writeHead(rule.status, rule.headers);
        if (rule.mode === "hang-body") return void res.write(rule.body.slice(0, 1) || " "); // the body never ends
        if (rule.mode === "huge") {
          hugeWritten = 0;
          const chunk = Buffer.alloc(64 * 1024, 0x61);
          const pump = () => {
            while (hugeWritten < HUGE_TOTAL) {
              hugeWritten += chunk.length;
              if (!res.write(chunk)) return void res.once("drain", pump);
            }
            res.end();
          };
          res.on("close", () => res.removeAllListeners("drain"));
          return pump();
        }
        res.end(rule.body);
      };
      if (rule && rule.delayMs > 0) {
        const timer = setTimeout(answer, rule.delayMs);
        res.on("close", () => clearTimeout(timer));
      } else answer();
    });
  });
  const { port, close } = await listenOnLoopback(server);
  const refusedPort = await freePort();
  const info: RecorderInfo = { url: `http://127.0.0.1:${port}`, refusedPort };
  return { values: { recorder: info }, close };
}
