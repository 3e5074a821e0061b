// npm start [-- --config FILE] [--port N] [--interval SECONDS] [--state DIR] [--env-file FILE]
// Runs the Worker locally under wrangler dev (local KV and R2 under .wrangler/state) and fires its cron itself:
// once at start, then every interval. Without --config it also starts local demo targets and monitors them.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseConfigText } from "../src/config/load";
import { randomBytes } from "node:crypto";
import { type EdgeServices, startEdgeServices } from "./demo/edge-services";
import { monitoringDemoMonitors, monitoringStackRoutes } from "./demo/monitoring-stack";
import { platformMonitors, platformRoutes, startDemoServer } from "./demo/platform-targets";
import { OFFLINE_ENV } from "./offline-env";

const { values } = parseArgs({
  options: {
    config: { type: "string" },
    port: { type: "string", default: "8787" },
    interval: { type: "string", default: "60" },
    state: { type: "string", default: ".wrangler/state" },
    // Secrets for local runs (ADMIN_TOKEN=..., webhook URLs), in .env syntax; .dev.vars is read as well.
    "env-file": { type: "string" },
  },
});
const port = Number(values.port);
const interval = Number(values.interval);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`--port: expected a port number, got ${values.port}`);
if (!Number.isFinite(interval) || interval < 1) fail(`--interval: expected seconds >= 1, got ${values.interval}`);

function fail(message: string): never {
  console.error(`edgewatch: ${message}`);
  process.exit(2);
}

let configText: string;
let demo: Awaited<ReturnType<typeof startDemoServer>> | undefined;
let edge: EdgeServices | undefined;
/** The demo push monitor's token: a Worker variable for this run only, as `wrangler secret put` would set it. */
const DEMO_PUSH_SECRET = "DEMO_PUSH_TOKEN";
const demoPushToken = randomBytes(16).toString("hex");
if (values.config) {
  try {
    configText = readFileSync(values.config, "utf8");
  } catch (error) {
    fail(`--config: cannot read ${values.config}: ${(error as Error).message}`);
  }
  const parsed = parseConfigText(configText);
  if (!parsed.ok) fail(`${values.config} is not a valid config:\n  ${parsed.errors.join("\n  ")}`);
} else {
  const routes = [platformRoutes, monitoringStackRoutes];
  demo = await startDemoServer(routes);
  edge = await startEdgeServices(demo.baseUrl, DEMO_PUSH_SECRET);
  routes.push(edge.routes);
  configText = JSON.stringify({
    title: "AI Platform (local demo)",
    monitors: [...platformMonitors(demo.baseUrl), ...monitoringDemoMonitors(demo.baseUrl), ...edge.monitors],
  });
  console.log(`edgewatch: demo targets on ${demo.baseUrl}`);
}

const wrangler = spawn(
  "node_modules/.bin/wrangler",
  [
    "dev",
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--test-scheduled",
    "--persist-to",
    values.state,
    "--show-interactive-dev-session=false",
    "--var",
    `EDGEWATCH_CONFIG:${configText}`,
    "--var",
    `TICK_INTERVAL_SECONDS:${interval}`,
    ...(edge ? ["--var", `${DEMO_PUSH_SECRET}:${demoPushToken}`] : []),
    ...(values["env-file"] ? ["--env-file", values["env-file"]] : []),
  ],
  { stdio: ["ignore", "inherit", "inherit"], detached: true, env: { ...process.env, ...OFFLINE_ENV } },
);

let timer: ReturnType<typeof setInterval> | undefined;
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  // wrangler runs in its own process group (detached): end that group, which holds only what we started.
  if (wrangler.exitCode === null && wrangler.pid) {
    try {
      process.kill(-wrangler.pid, "SIGTERM");
    } catch {}
  }
  await edge?.close();
  await demo?.close();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
wrangler.on("exit", (code) => {
  if (!stopping) {
    console.error(`edgewatch: wrangler exited (${code})`);
    void stop(code ?? 1);
  }
});

const origin = `http://127.0.0.1:${port}`;
async function waitForWorker(): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      await fetch(`${origin}/health`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  console.error("edgewatch: the Worker did not start within 90 s");
  await stop(1);
}

async function tick() {
  try {
    const response = await fetch(`${origin}/__scheduled?cron=${encodeURIComponent("* * * * *")}`);
    await response.arrayBuffer();
    if (!response.ok) console.error(`edgewatch: cron tick answered HTTP ${response.status}`);
  } catch (error) {
    console.error(`edgewatch: cron tick failed: ${(error as Error).message}`);
  }
}

await waitForWorker();
// The demo job beats before the first tick, so that tick already shows it; then every minute (at most every 10 s
// is stored, so never faster than every 15 s, whatever --interval says).
await edge?.startJob(origin, demoPushToken, Math.max(interval, 15) * 1000);
await tick();
timer = setInterval(() => void tick(), interval * 1000);
console.log(`\nedgewatch: running on http://localhost:${port}  (status: /api/status, own health: /health)`);
console.log(`edgewatch: cron fires every ${interval} s; Ctrl-C stops everything\n`);
