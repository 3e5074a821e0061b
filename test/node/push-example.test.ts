import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Beat } from "../../src/probes/push";

const SCRIPT = new URL("../../examples/push/push-checks.sh", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "edgewatch-push-example-"));
const received: { method: string; url: string; authorization: string | undefined; body: string }[] = [];
let server: http.Server;
let base = "";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, body });
      res.writeHead(200, { "content-type": "application/json" }).end('{"accepted":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the example's script with the check results given, as the CronJob's push container does. */
async function push(results: Record<string, string>) {
  const resultsDir = mkdtempSync(join(dir, "results-"));
  for (const [name, value] of Object.entries(results)) writeFileSync(join(resultsDir, name), `${value}\n`);
  await new Promise<void>((resolve, reject) =>
    execFile(
      "sh",
      [SCRIPT],
      {
        env: {
          PATH: process.env.PATH,
          EDGEWATCH_URL: `${base}/`,
          EDGEWATCH_MONITOR: "platform-cluster",
          EDGEWATCH_TOKEN: "t0k3n",
          RESULTS_DIR: resultsDir,
        },
      },
      (error, _stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve()),
    ),
  );
  const last = received.at(-1)!;
  const beat = Beat.safeParse(JSON.parse(last.body));
  expect(beat.success, last.body).toBe(true);
  return { request: last, beat: beat.data! };
}

describe("examples/push: the CronJob's push script", () => {
  it("posts one beat Edgewatch accepts, with the bearer token, to the monitor's push URL", async () => {
    const { request, beat } = await push({ postgres: "up", pods_not_running: "0", prometheus: "up" });
    expect(request).toMatchObject({ method: "POST", url: "/api/push/platform-cluster", authorization: "Bearer t0k3n" });
    expect(beat).toEqual({
      status: "up",
      message: "pg_isready: up; pods not Running: 0; prometheus: up",
      checks: { postgres: "up", pods: "ok", prometheus: "up" },
    });
  });

  it("says down when Postgres is, degraded for pods not Running or Prometheus unhealthy", async () => {
    expect((await push({ postgres: "down", pods_not_running: "0", prometheus: "up" })).beat.status).toBe("down");
    const pods = await push({ postgres: "up", pods_not_running: "2", prometheus: "up" });
    expect(pods.beat).toMatchObject({ status: "degraded", checks: { pods: "degraded" } });
    expect((await push({ postgres: "up", pods_not_running: "0", prometheus: "down" })).beat.status).toBe("degraded");
  });

  it("keeps whatever a check wrote out of the JSON's syntax, and a missing result is unknown", async () => {
    const { beat } = await push({ postgres: 'up", "status": "up', pods_not_running: "error" });
    expect(beat.checks).toMatchObject({ postgres: "upstatusup", pods: "unknown", prometheus: "unknown" });
    expect(beat.status).toBe("down");
  });

  it("is what cronjob.yaml mounts and runs", () => {
    const yaml = readFileSync(new URL("../../examples/push/cronjob.yaml", import.meta.url), "utf8");
    expect(yaml).toContain('command: ["sh", "/scripts/push-checks.sh"]');
    expect(yaml).toContain("--from-file=push-checks.sh");
    for (const file of ["postgres", "pods_not_running", "prometheus"]) expect(yaml).toContain(`/results/${file}`);
  });
});
