// Node side (globalSetup): a real Prometheus and Alertmanager (Debian's `prometheus` and `prometheus-alertmanager`)
// on free 127.0.0.1 ports with temporary config and data, a scrape target the tests control, a second Prometheus
// that a test can have stopped, and a server of broken answers. Everything binds 127.0.0.1 and is stopped by PID.
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { BROKEN_ACCESS, startBrokenMonitoring } from "./broken-monitoring";
import { freePort } from "./http-targets";
import { listenOnLoopback } from "./listen";

export const INSTALL_HINT = "apt-get install -y prometheus prometheus-alertmanager";

/** What the tests get through inject("promStack"). */
export type PromStackInfo = {
  /** True when both binaries were found and started. */
  available: boolean;
  /** Why the real-server tests cannot run, with how to fix it; empty when available. */
  reason: string;
  /** Set when `CI` is: missing binaries must fail the run instead of skipping. */
  required: boolean;
  prometheusUrl: string;
  alertmanagerUrl: string;
  /** A second Prometheus; `POST {controlUrl}/stop-spare` stops it. */
  spareUrl: string;
  /** The scrape target: `POST {controlUrl}/control {"fail": bool, "gauge": number}`. */
  controlUrl: string;
  /** `instance` label of the scrape target as Prometheus reports it. */
  targetInstance: string;
  /** Broken and imitating answers; always running, also without the binaries. */
  brokenUrl: string;
  /** The service token that the broken server's `access` case (a Cloudflare Access imitation) accepts. */
  access: { id: string; secret: string };
};

declare module "vitest" {
  export interface ProvidedContext {
    promStack: PromStackInfo;
  }
}

function findBinary(envName: string, names: string[]): string | undefined {
  const explicit = process.env[envName];
  const candidates = explicit
    ? [explicit]
    : names.flatMap((n) =>
        (process.env.PATH ?? "")
          .split(path.delimiter)
          .filter(Boolean)
          .map((d) => path.join(d, n)),
      );
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

interface Proc {
  name: string;
  child: ChildProcess;
  exited: Promise<void>;
  output: () => string;
}

function startProcess(name: string, bin: string, args: string[]): Proc {
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  // Should the test run itself die before its teardown, take this child with it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.removeListener("exit", killOnExit));
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split("\n").filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.once("error", (error) => {
      lines.push(String(error));
      resolve();
    });
  });
  return { name, child, exited, output: () => lines.join("\n") };
}

async function stopProcess(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill("SIGTERM");
  const killed = await Promise.race([proc.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5_000))]);
  if (!killed) {
    proc.child.kill("SIGKILL");
    await proc.exited;
  }
}

/** Waits until GET url answers 200, the process dies, or the deadline passes. */
async function waitReady(proc: Proc, url: string, deadlineMs = 20_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  let dead = false;
  void proc.exited.then(() => (dead = true));
  while (Date.now() < until) {
    if (dead) throw new Error(`${proc.name} exited during start-up:\n${proc.output()}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.name} not ready at ${url} after ${deadlineMs} ms:\n${proc.output()}`);
}

/** Starts a server process on a free port, retrying with another port when the one picked was taken meanwhile. */
async function startOnFreePort(name: string, start: (port: number) => Promise<Proc>): Promise<{ proc: Proc; port: number }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const proc = await start(port);
    try {
      await waitReady(proc, `http://127.0.0.1:${port}/-/ready`);
      return { proc, port };
    } catch (error) {
      lastError = error;
      await stopProcess(proc);
      if (!/address already in use/i.test(proc.output())) break;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(`${name} did not start`);
}

interface TargetState {
  fail: boolean;
  gauge: number;
}

/** The scrape target, and the control endpoints a test inside workerd reaches with fetch(). */
async function startControlServer(onStopSpare: () => Promise<void>) {
  const state: TargetState = { fail: false, gauge: 1 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/metrics") {
      if (state.fail) {
        res.writeHead(500, { "content-type": "text/plain" });
        return res.end("target switched to failing by a test\n");
      }
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      return res.end(
        `# HELP edgewatch_test_gauge A value the tests set.\n# TYPE edgewatch_test_gauge gauge\nedgewatch_test_gauge ${state.gauge}\n`,
      );
    }
    if (req.method === "POST" && url.pathname === "/control") {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString()));
      req.on("end", () => {
        try {
          const body = JSON.parse(raw || "{}") as Partial<TargetState>;
          if (typeof body.fail === "boolean") state.fail = body.fail;
          if (typeof body.gauge === "number") state.gauge = body.gauge;
          reply(200, state);
        } catch {
          reply(400, { error: "invalid JSON" });
        }
      });
      return;
    }
    if (req.method === "POST" && url.pathname === "/stop-spare") {
      onStopSpare().then(
        () => reply(200, { stopped: true }),
        (error) => reply(500, { error: String(error) }),
      );
      return;
    }
    reply(404, { error: "not found" });
  });
  return listenOnLoopback(server);
}

const GLOBAL = { scrape_interval: "1s", scrape_timeout: "900ms", evaluation_interval: "1s" };

// JSON is YAML, so the configs are written with JSON.stringify.
function prometheusConfig(dir: string, selfPort: number, targetPort: number, alertmanagerPort: number) {
  return {
    global: GLOBAL,
    rule_files: [path.join(dir, "rules.yml")],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${alertmanagerPort}`] }] }] },
    scrape_configs: [
      { job_name: "prometheus", static_configs: [{ targets: [`127.0.0.1:${selfPort}`] }] },
      { job_name: "edgewatch-test-target", static_configs: [{ targets: [`127.0.0.1:${targetPort}`] }] },
    ],
  };
}

const RULES = {
  groups: [
    {
      name: "edgewatch-test",
      interval: "1s",
      rules: [
        { alert: "Watchdog", expr: "vector(1)", labels: { severity: "none" } },
        { alert: "TestTargetDown", expr: 'up{job="edgewatch-test-target"} == 0', for: "0s", labels: { severity: "critical" } },
        { alert: "TestGaugeHigh", expr: "edgewatch_test_gauge > 10", for: "0s", labels: { severity: "warning" } },
      ],
    },
    {
      // A rule whose query parses (Prometheus would refuse the file otherwise) but fails every evaluation: its two
      // series get the same labels from the rule's own, so its health is `err`. The rule-health test looks for it.
      name: "edgewatch-broken",
      interval: "1s",
      rules: [
        { record: "edgewatch:duplicate_series", expr: 'vector(1) or label_replace(vector(2), "x", "y", "", "")', labels: { x: "z" } },
      ],
    },
  ],
};

const ALERTMANAGER_CONFIG = {
  route: { receiver: "null", group_wait: "1s", group_interval: "1s", repeat_interval: "1h" },
  receivers: [{ name: "null" }],
};

async function startPrometheus(bin: string, dir: string, config: (port: number) => object): Promise<{ proc: Proc; port: number }> {
  return startOnFreePort("prometheus", async (port) => {
    await writeFile(path.join(dir, "prometheus.yml"), JSON.stringify(config(port)));
    return startProcess(`prometheus (${dir})`, bin, [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--rules.alert.resend-delay=1s",
      "--log.level=warn",
    ]);
  });
}

export async function startPrometheusStack(): Promise<{ values: { promStack: PromStackInfo }; close(): Promise<void> }> {
  const required = Boolean(process.env.CI);
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((e) => console.error(e));
  };

  const broken = await startBrokenMonitoring();
  cleanups.push(broken.close);
  const info: PromStackInfo = {
    available: false,
    reason: "",
    required,
    prometheusUrl: "",
    alertmanagerUrl: "",
    spareUrl: "",
    controlUrl: "",
    targetInstance: "",
    brokenUrl: `http://127.0.0.1:${broken.port}`,
    access: BROKEN_ACCESS,
  };

  const prometheusBin = findBinary("PROMETHEUS_BIN", ["prometheus"]);
  const alertmanagerBin = findBinary("ALERTMANAGER_BIN", ["prometheus-alertmanager", "alertmanager"]);
  if (!prometheusBin || !alertmanagerBin) {
    const where = (envName: string) => (process.env[envName] ? `at $${envName} (${process.env[envName]})` : "on PATH");
    const missing = [
      !prometheusBin && `prometheus not found ${where("PROMETHEUS_BIN")}`,
      !alertmanagerBin && `prometheus-alertmanager not found ${where("ALERTMANAGER_BIN")}`,
    ].filter(Boolean);
    info.reason = `${missing.join(", ")}; install with: ${INSTALL_HINT}`;
    console.warn(`[prometheus-stack] real-server tests ${required ? "will FAIL (CI is set)" : "skipped"}: ${info.reason}`);
    return { values: { promStack: info }, close };
  }

  try {
    const root = await mkdtemp(path.join(os.tmpdir(), "edgewatch-prom-"));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    const [amDir, promDir, spareDir] = ["alertmanager", "prometheus", "spare"].map((d) => path.join(root, d)) as [string, string, string];
    for (const d of [amDir, promDir, spareDir]) await mkdir(d);

    let spare: Proc | undefined;
    const control = await startControlServer(async () => {
      if (spare) await stopProcess(spare);
    });
    cleanups.push(control.close);

    await writeFile(path.join(amDir, "alertmanager.yml"), JSON.stringify(ALERTMANAGER_CONFIG));
    const am = await startOnFreePort("alertmanager", async (port) =>
      startProcess("alertmanager", alertmanagerBin, [
        `--config.file=${path.join(amDir, "alertmanager.yml")}`,
        `--storage.path=${path.join(amDir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--cluster.listen-address=",
        "--log.level=warn",
      ]),
    );
    cleanups.push(() => stopProcess(am.proc));

    await writeFile(path.join(promDir, "rules.yml"), JSON.stringify(RULES));
    const [prom, spareProm] = await Promise.all([
      startPrometheus(prometheusBin, promDir, (port) => prometheusConfig(promDir, port, control.port, am.port)),
      startPrometheus(prometheusBin, spareDir, () => ({ global: GLOBAL, scrape_configs: [] })),
    ]);
    cleanups.push(() => stopProcess(prom.proc));
    spare = spareProm.proc;
    cleanups.push(() => stopProcess(spareProm.proc));

    Object.assign(info, {
      available: true,
      prometheusUrl: `http://127.0.0.1:${prom.port}`,
      alertmanagerUrl: `http://127.0.0.1:${am.port}`,
      spareUrl: `http://127.0.0.1:${spareProm.port}`,
      controlUrl: `http://127.0.0.1:${control.port}`,
      targetInstance: `127.0.0.1:${control.port}`,
    });
    return { values: { promStack: info }, close };
  } catch (error) {
    await close();
    throw error;
  }
}
