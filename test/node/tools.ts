// Node side: the real tools the /metrics tests run (promtool, prometheus), found on PATH, and the processes they
// start, stopped by PID (their own process group).
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { freePort } from "../helpers/http-targets";

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
export function requireTool(name: string, skip: (note?: string) => void): string {
  const found = which(name);
  if (found) return found;
  const message = `${name} is not installed (apt-get install -y --no-install-recommends prometheus)`;
  if (process.env.CI) throw new Error(`${message}; required under CI`);
  console.warn(`skipping: ${message}`);
  skip(message);
  throw new Error("unreachable");
}

export function run(bin: string, args: string[], input = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
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
export async function stopGroup(child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGINT"): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-pid, signal);
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {}
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

export interface RunningPrometheus {
  url: string;
  /** An instant query's result (empty when Prometheus answers with an error). */
  query(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** What Prometheus printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** A real Prometheus on 127.0.0.1 scraping `target` every second, once per job given; its data in a temp dir. */
export async function startPrometheus(
  bin: string,
  target: string,
  jobs: { name: string; honorLabels: boolean }[],
): Promise<RunningPrometheus> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "edgewatch-prom-"));
  const scrape = jobs.flatMap((job) => [
    `  - job_name: ${job.name}`,
    `    honor_labels: ${job.honorLabels}`,
    "    metrics_path: /metrics",
    "    static_configs:",
    `      - targets: ["${target}"]`,
  ]);
  const config = ["global:", "  scrape_interval: 1s", "  scrape_timeout: 1s", "scrape_configs:", ...scrape, ""].join("\n");
  writeFileSync(join(dir, "prometheus.yml"), config);
  let output = "";
  const prom = spawn(
    bin,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  prom.stdout?.on("data", (d) => (output += d));
  prom.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async query(q) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = (await response.json()) as {
        status: string;
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return body.status === "success" ? body.data.result : [];
    },
    output: () => output,
    async stop() {
      await stopGroup(prom, "SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
