import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/http-targets";
import { poll as waitFor } from "./poll";

const bin = (() => {
  try {
    return (
      execFileSync("sh", ["-c", "command -v prometheus-alertmanager || command -v alertmanager"], { encoding: "utf8" }).trim() || undefined
    );
  } catch {
    return undefined;
  }
})();
const missing = !bin;
if (missing && process.env.CI) throw new Error("prometheus-alertmanager is missing: apt-get install -y prometheus-alertmanager");
if (missing) console.warn("skipping: prometheus-alertmanager not found (apt-get install -y prometheus-alertmanager)");

const dir = mkdtempSync(join(tmpdir(), "edgewatch-am-"));
const children: ChildProcess[] = [];
let output = "";
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.once("exit", r));
    // npm start runs in its own process group (detached): SIGINT to the group, as Ctrl-C does.
    try {
      process.kill(child === children[0] ? -child.pid! : child.pid!, "SIGINT");
    } catch {}
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

const poll = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000) => waitFor(what, fn, timeoutMs, () => output);

describe.skipIf(missing)("a real Alertmanager posting to the Worker under wrangler dev", () => {
  it("opens an incident for a firing alert and resolves it when Alertmanager says resolved", async () => {
    const token = "am-e2e-token";
    const ADMIN = "am-e2e-admin-token";
    const workerPort = await freePort();
    const amPort = await freePort();
    writeFileSync(join(dir, "secrets.env"), `ALERTMANAGER_TOKEN=${token}\nADMIN_TOKEN=${ADMIN}\n`);
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify({
        title: "AM e2e",
        monitors: [
          { id: "api-gateway", name: "API gateway", type: "http", url: `http://127.0.0.1:${workerPort}/health`, expectStatus: [200, 503] },
        ],
      }),
    );
    writeFileSync(
      join(dir, "alertmanager.yml"),
      JSON.stringify({
        route: { receiver: "edgewatch", group_by: ["alertname"], group_wait: "1s", group_interval: "1s", repeat_interval: "1h" },
        receivers: [
          {
            name: "edgewatch",
            webhook_configs: [
              {
                url: `http://127.0.0.1:${workerPort}/api/alertmanager/webhook`,
                send_resolved: true,
                http_config: { authorization: { credentials: token } },
              },
            ],
          },
        ],
      }),
    );
    const worker = spawn(
      "npm",
      [
        "start",
        "--",
        "--config",
        join(dir, "config.json"),
        "--port",
        String(workerPort),
        "--interval",
        "3600",
        "--state",
        join(dir, "state"),
        "--env-file",
        join(dir, "secrets.env"),
      ],
      { detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(worker);
    worker.stdout?.on("data", (d) => (output += d));
    worker.stderr?.on("data", (d) => (output += d));
    const am = spawn(
      bin!,
      [
        `--config.file=${join(dir, "alertmanager.yml")}`,
        `--storage.path=${join(dir, "am-data")}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        "--cluster.listen-address=",
        "--log.level=warn",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(am);
    am.stderr?.on("data", (d) => (output += d));

    // The admin view: the public /api/status is edge-cached under a canonical key (no query string busts it), and
    // this test needs now.
    const status = async () =>
      (
        await fetch(`http://127.0.0.1:${workerPort}/api/admin/status`, { headers: { authorization: `Bearer ${ADMIN}` } })
      ).json() as Promise<{ updatedAt: string | null; incidents: { id: string; status: string; source: string }[] }>;
    await poll("the first tick", async () => ((await status()).updatedAt ? true : undefined), 90_000);
    await poll("Alertmanager", async () => ((await fetch(`http://127.0.0.1:${amPort}/-/ready`)).ok ? true : undefined));

    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const post = (endsAt?: string) =>
      fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify([
          {
            labels: { alertname: "GatewayDown", service: "api-gateway", severity: "critical" },
            annotations: { summary: "gateway down" },
            startsAt,
            ...(endsAt ? { endsAt } : {}),
          },
        ]),
      }).then((r) => r.arrayBuffer());
    await post();
    const opened = await poll("the incident to open", async () => {
      const found = (await status()).incidents.find((i) => i.source === "alertmanager");
      return found?.status === "open" ? found : undefined;
    });
    expect(opened.id).toMatch(/^api-gateway-am-[0-9a-f]{8}-\d{8}T\d{6}Z$/);

    await post(new Date(Date.now() - 1_000).toISOString());
    const resolved = await poll("the incident to resolve", async () => {
      const found = (await status()).incidents.find((i) => i.id === opened.id);
      return found?.status === "resolved" ? found : undefined;
    });
    expect(resolved.status).toBe("resolved");
  });
});
