// The Worker's /metrics as Prometheus itself sees it: the Worker runs under `npm start` (wrangler dev, real ticks
// against local targets, one of them an HTTPS server whose certificate a tls monitor reads), `promtool check metrics`
// lints what it serves, a real Prometheus scrapes it, and `promtool test rules` runs docs/prometheus-rules.yml on it.
// Everything binds 127.0.0.1; processes are stopped by PID (their own process group) and temp dirs removed.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/http-targets";
import { issueCertificate, TEST_CA_DIR_ENV, testCaIn } from "../helpers/test-ca";
import { poll } from "./poll";
import { expectedAlerts } from "./metrics-alerts";
import { parseExposition, rulesTestFile } from "./promtool-rules";
import { requireTool, run, startPrometheus, stopGroup } from "./tools";

const GROUP = 'Core "edge" \\ one';
const RULES = resolve(import.meta.dirname, "../../docs/prometheus-rules.yml");
const DAY = 86_400_000;

const dir = mkdtempSync(join(tmpdir(), "edgewatch-metrics-"));
let worker: ChildProcess | undefined;
let workerOutput = "";
let target: http.Server | undefined;
let secure: https.Server | undefined;
let port = 0;
let site = "";
let metricsText = "";
let scrapedAt = 0;
const NOT_MOUNTED = "\u0000not mounted";

/** An HTTPS target on 127.0.0.1 whose certificate (from the test CA that workerd trusts) expires in 10 days. */
async function startSecureTarget(): Promise<string> {
  const caDir = process.env[TEST_CA_DIR_ENV];
  if (!caDir) throw new Error(`${TEST_CA_DIR_ENV} is not set: vitest.config.ts prepares the test CA`);
  const ca = testCaIn(caDir);
  const leaf = await issueCertificate(ca, {
    name: `metrics-site-${process.pid}`,
    subject: "/O=Edgewatch Tests/CN=127.0.0.1",
    key: "ec-p256",
    issuer: ca,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 10 * DAY + DAY / 2),
    sans: ["IP:127.0.0.1"],
  });
  secure = https.createServer({ cert: leaf.pem, key: readFileSync(leaf.keyPath) }, (_, res) =>
    res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}'),
  );
  await new Promise<void>((r) => secure!.listen(0, "127.0.0.1", r));
  return `127.0.0.1:${(secure.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  target = http.createServer((req, res) => {
    if (req.url === "/slow") setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}'), 300);
    else if (req.url === "/fail") res.writeHead(503).end("no");
    else res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok","checks":{"database":"up"}}');
  });
  await new Promise<void>((r) => target!.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  site = await startSecureTarget();
  const hour = 3_600_000;
  const config = {
    title: "Metrics under wrangler dev",
    monitors: [
      { id: "api-gateway", name: "API gateway", group: GROUP, type: "http", url: `${base}/health`, severity: "SEV-1" },
      { id: "ai-worker", name: "AI worker", group: GROUP, type: "http", url: `${base}/slow`, degradedAfterMs: 100 },
      { id: "billing", name: "Billing", type: "http", url: `${base}/fail` },
      { id: "grafana", name: "Grafana", group: "Monitoring", type: "http", url: `${base}/health` },
      // One TLS endpoint: its certificate is read by the tls monitor, and known for the https monitor of it too.
      { id: "site", name: "Site", type: "http", url: `https://${site}/`, public: true },
      {
        id: "site-cert",
        name: "Site certificate",
        type: "tls",
        host: "127.0.0.1",
        port: Number(site.split(":")[1]),
        interval: 1,
        warnDays: 3,
        criticalDays: 1,
      },
      { id: "maint", name: "Under maintenance", type: "http", url: `${base}/fail` },
    ],
    maintenance: [
      {
        id: "planned",
        title: "Planned work",
        monitors: ["maint"],
        start: new Date(Date.now() - hour).toISOString(),
        end: new Date(Date.now() + 24 * hour).toISOString(),
      },
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
    "a tick's results on /metrics, the certificate read",
    async () => {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      const text = await response.text();
      if (response.status === 404) return NOT_MOUNTED;
      scrapedAt = Date.now() / 1000;
      return response.ok &&
        /^edgewatch_last_tick_timestamp_seconds \d/m.test(text) &&
        /^probe_success\{instance="billing",monitor="billing"\} 0$/m.test(text) &&
        /^probe_ssl_earliest_cert_expiry\{instance="https:\/\/[^"]+",monitor="site"\} \d/m.test(text) &&
        /^edgewatch_monitor_maintenance\{instance="maint",monitor="maint"\} 1$/m.test(text)
        ? text
        : undefined;
    },
    90_000,
    () => workerOutput,
  );
  if (metricsText === NOT_MOUNTED)
    throw new Error('/metrics answers 404: mount the metrics sub-app in src/http/app.ts (app.route("/metrics", metrics))');
}, 150_000);

afterAll(async () => {
  await stopGroup(worker);
  await new Promise((r) => (target ? target.close(r) : r(undefined)));
  await new Promise((r) => (secure ? secure.close(r) : r(undefined)));
  rmSync(dir, { recursive: true, force: true });
});

describe("/metrics under wrangler dev", () => {
  it("passes `promtool check metrics`", async (ctx) => {
    const promtool = requireTool("promtool", (note) => ctx.skip(note));
    const result = await run(promtool, ["check", "metrics"], metricsText);
    expect(`${result.stdout}${result.stderr}`).toBe("");
    expect(result.code).toBe(0);
    // And it says what the ticks saw, label values escaped; the public monitor's target is its instance.
    expect(metricsText).toContain(`probe_success{instance="api-gateway",monitor="api-gateway",group="Core \\"edge\\" \\\\ one"} 1`);
    expect(metricsText).toMatch(/^probe_http_status_code\{instance="billing",monitor="billing"\} 503$/m);
    expect(metricsText).toContain(
      `edgewatch_monitor_status{instance="ai-worker",monitor="ai-worker",group="Core \\"edge\\" \\\\ one",status="degraded"} 1`,
    );
    expect(metricsText).toContain(`probe_success{instance="https://${site}/",monitor="site"} 1`);
  });

  it("passes `promtool test rules` for docs/prometheus-rules.yml, on this answer", async (ctx) => {
    const promtool = requireTool("promtool", (note) => ctx.skip(note));
    const checked = await run(promtool, ["check", "rules", RULES]);
    expect(checked.code, `${checked.stdout}${checked.stderr}`).toBe(0);
    const samples = parseExposition(metricsText);
    const file = join(dir, "rules-test.yml");
    const job = { job: "edgewatch" };
    writeFileSync(
      file,
      rulesTestFile({ ruleFile: RULES, samples, scrapedAt, scrapeLabels: job, evalMinutes: 10, alerts: expectedAlerts(samples, job) }),
    );
    const result = await run(promtool, ["test", "rules", file]);
    expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toContain("SUCCESS");
  });

  it("is scraped by a real Prometheus: honor_labels keeps each monitor's instance, without it Prometheus renames it", async (ctx) => {
    const bin = requireTool("prometheus", (note) => ctx.skip(note));
    const prom = await startPrometheus(bin, `127.0.0.1:${port}`, [
      { name: "edgewatch", honorLabels: true },
      { name: "plain", honorLabels: false },
    ]);
    try {
      const query = prom.query;
      const monitors = ["ai-worker", "api-gateway", "billing", "grafana", "maint", "site", "site-cert"];
      const series = await poll(
        "Prometheus to scrape probe_success",
        async () => {
          const [kept, plain] = [await query('probe_success{job="edgewatch"}'), await query('probe_success{job="plain"}')];
          return kept.length === monitors.length && plain.length === monitors.length ? { kept, plain } : undefined;
        },
        60_000,
        prom.output,
      );
      const byMonitor = Object.fromEntries(series.kept.map((s) => [s.metric.monitor, s]));
      expect(Object.keys(byMonitor).sort()).toEqual(monitors);
      expect(byMonitor["api-gateway"]!.metric).toEqual({
        __name__: "probe_success",
        job: "edgewatch",
        instance: "api-gateway",
        monitor: "api-gateway",
        group: GROUP,
      });
      expect(byMonitor["site"]!.metric.instance).toBe(`https://${site}/`);
      expect(byMonitor["api-gateway"]!.value[1]).toBe("1");
      expect(byMonitor["billing"]!.value[1]).toBe("0");
      expect(byMonitor["ai-worker"]!.value[1]).toBe("0");
      // Without honor_labels the exported instance becomes exported_instance and every series gets the Worker's address.
      for (const s of series.plain) {
        expect(s.metric.instance).toBe(`127.0.0.1:${port}`);
        expect(s.metric.exported_instance).toBe(byMonitor[s.metric.monitor!]!.metric.instance);
      }

      const targets = (await (await fetch(`${prom.url}/api/v1/targets`)).json()) as {
        data: { activeTargets: { health: string; lastError: string }[] };
      };
      expect(targets.data.activeTargets.map((t) => [t.health, t.lastError])).toEqual([
        ["up", ""],
        ["up", ""],
      ]);
      expect((await query('edgewatch_monitor_status{job="edgewatch",status="down"} == 1')).map((s) => s.metric.monitor)).toEqual([
        "billing",
      ]);
    } finally {
      await prom.stop();
    }
  });
});
