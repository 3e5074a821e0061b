// The Worker's /metrics as Prometheus itself sees it: the Worker runs under `npm start` (wrangler dev, real ticks
// against local targets), `promtool check metrics` lints what it serves, and a real Prometheus scrapes it.
// Everything binds 127.0.0.1; processes are stopped by PID (their own process group) and temp dirs removed.
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/http-targets";

const GROUP = 'Core "edge" \\ one';

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Missing tools skip the test with the reason, except under CI, where they fail it. */
function requireTool(name: string, skip: (note?: string) => void): string {
  const found = which(name);
  if (found) return found;
  const message = `${name} is not installed (apt-get install -y --no-install-recommends prometheus)`;
  if (process.env.CI) throw new Error(`${message}; required under CI`);
  console.warn(`skipping: ${message}`);
  skip(message);
  throw new Error("unreachable");
}

async function poll<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 90_000, log = () => ""): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await read();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}\n${log()}`);
}

function run(bin: string, args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Stops a process group we started (spawned detached) and waits for its leader to exit. */
async function stopGroup(child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGINT"): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid, signal);
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {}
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

const dir = mkdtempSync(join(tmpdir(), "edgewatch-metrics-"));
let worker: ChildProcess | undefined;
let workerOutput = "";
let target: http.Server | undefined;
let port = 0;
let metricsText = "";
const NOT_MOUNTED = "\u0000not mounted";

beforeAll(async () => {
  target = http.createServer((req, res) => {
    if (req.url === "/slow") setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}'), 300);
    else if (req.url === "/fail") res.writeHead(503).end("no");
    else res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok","checks":{"database":"up"}}');
  });
  await new Promise<void>((r) => target!.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  const config = {
    title: "Metrics under wrangler dev",
    monitors: [
      { id: "api-gateway", name: "API gateway", group: GROUP, type: "http", url: `${base}/health`, severity: "SEV-1" },
      { id: "ai-worker", name: "AI worker", group: GROUP, type: "http", url: `${base}/slow`, degradedAfterMs: 100 },
      { id: "billing", name: "Billing", type: "http", url: `${base}/fail` },
      { id: "grafana", name: "Grafana", group: "Monitoring", type: "http", url: `${base}/health` },
    ],
  };
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify(config));
  port = await freePort();
  worker = spawn("npm", ["start", "--", "--config", file, "--port", String(port), "--interval", "2", "--state", join(dir, "state")], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  worker.stdout?.on("data", (d) => (workerOutput += d));
  worker.stderr?.on("data", (d) => (workerOutput += d));

  metricsText = await poll(
    "a tick's results on /metrics",
    async () => {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      const text = await response.text();
      if (response.status === 404) return NOT_MOUNTED;
      return response.ok && /^edgewatch_last_tick_timestamp_seconds \d/m.test(text) && /^probe_success\{monitor="billing"\} 0$/m.test(text)
        ? text
        : undefined;
    },
    90_000,
    () => workerOutput,
  );
  if (metricsText === NOT_MOUNTED)
    throw new Error('/metrics answers 404: mount the metrics sub-app in src/http/app.ts (app.route("/metrics", metrics))');
}, 120_000);

afterAll(async () => {
  await stopGroup(worker);
  await new Promise((r) => (target ? target.close(r) : r(undefined)));
  rmSync(dir, { recursive: true, force: true });
});

describe("/metrics under wrangler dev", () => {
  it("passes `promtool check metrics`", async (ctx) => {
    const promtool = requireTool("promtool", (note) => ctx.skip(note));
    const result = await run(promtool, ["check", "metrics"], metricsText);
    expect(`${result.stdout}${result.stderr}`).toBe("");
    expect(result.code).toBe(0);
    // And it says what the ticks saw, label values escaped.
    expect(metricsText).toContain(`probe_success{monitor="api-gateway",group="Core \\"edge\\" \\\\ one"} 1`);
    expect(metricsText).toMatch(/^probe_http_status_code\{monitor="billing"\} 503$/m);
    expect(metricsText).toContain(`edgewatch_monitor_status{monitor="ai-worker",group="Core \\"edge\\" \\\\ one",state="degraded"} 1`);
  });

  it("is scraped by a real Prometheus", async (ctx) => {
    const bin = requireTool("prometheus", (note) => ctx.skip(note));
    const promPort = await freePort();
    const promDir = mkdtempSync(join(tmpdir(), "edgewatch-prom-"));
    writeFileSync(
      join(promDir, "prometheus.yml"),
      [
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 1s",
        "scrape_configs:",
        "  - job_name: edgewatch",
        "    metrics_path: /metrics",
        "    static_configs:",
        `      - targets: ["127.0.0.1:${port}"]`,
        "",
      ].join("\n"),
    );
    let promOutput = "";
    const prom = spawn(
      bin,
      [
        `--config.file=${join(promDir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(promDir, "data")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        "--log.level=warn",
      ],
      { detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    prom.stdout?.on("data", (d) => (promOutput += d));
    prom.stderr?.on("data", (d) => (promOutput += d));
    try {
      const query = async (q: string) => {
        const response = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
        const body = (await response.json()) as {
          status: string;
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        };
        return body.status === "success" ? body.data.result : [];
      };
      const series = await poll(
        "Prometheus to scrape probe_success",
        async () => {
          const result = await query("probe_success");
          return result.length === 4 ? result : undefined;
        },
        60_000,
        () => promOutput,
      );
      const byMonitor = Object.fromEntries(series.map((s) => [s.metric.monitor, s]));
      expect(Object.keys(byMonitor).sort()).toEqual(["ai-worker", "api-gateway", "billing", "grafana"]);
      expect(byMonitor["api-gateway"]!.metric).toMatchObject({
        __name__: "probe_success",
        job: "edgewatch",
        instance: `127.0.0.1:${port}`,
        group: GROUP,
      });
      expect(byMonitor["api-gateway"]!.value[1]).toBe("1");
      expect(byMonitor["billing"]!.value[1]).toBe("0");
      expect(byMonitor["billing"]!.metric.group).toBeUndefined();

      const [up] = await query('up{job="edgewatch"}');
      expect(up?.value[1]).toBe("1");
      const targets = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/targets`)).json()) as {
        data: { activeTargets: { health: string; lastError: string }[] };
      };
      expect(targets.data.activeTargets.map((t) => [t.health, t.lastError])).toEqual([["up", ""]]);
      expect((await query('edgewatch_monitor_status{state="down"} == 1')).map((s) => s.metric.monitor)).toEqual(["billing"]);
    } finally {
      await stopGroup(prom, "SIGTERM");
      rmSync(promDir, { recursive: true, force: true });
    }
  });
});
