import { type ChildProcess, execFile, spawn } from "node:child_process";
import http from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freePort } from "../helpers/http-targets";
import { poll as waitFor } from "./poll";

const dir = mkdtempSync(join(tmpdir(), "edgewatch-start-"));
let child: ChildProcess | undefined;
let output = "";

function npmStart(args: string[]): ChildProcess {
  output = "";
  // Its own process group, as a terminal gives it, so Ctrl-C (SIGINT to the group) can be imitated.
  child = spawn("npm", ["start", "--", "--state", join(dir, `state-${Date.now()}`), ...args], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  return child;
}

/** Exit code, or the signal npm re-raises after its script ended on SIGINT, as in a terminal. */
async function stopWithCtrlC(proc: ChildProcess): Promise<number | string | null> {
  const exited = new Promise<number | string | null>((resolve) => proc.once("exit", (code, signal) => resolve(code ?? signal)));
  process.kill(-proc.pid!, "SIGINT");
  return exited;
}

const poll = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000) => waitFor(what, fn, timeoutMs, () => output);

const run = promisify(execFile);
async function verify(port: number): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run("npm", ["run", "-s", "verify", "--", `http://127.0.0.1:${port}`]);
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

const status = async (port: number) => (await fetch(`http://127.0.0.1:${port}/api/status`)).json() as Promise<any>;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) await stopWithCtrlC(child);
  child = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm start", () => {
  it("with --config, --port and --interval probes exactly that config's monitors, ticking on its own, and Ctrl-C stops everything", async () => {
    const seen: string[] = [];
    const target = http.createServer((req, res) => {
      seen.push(req.url ?? "");
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    });
    await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    const file = join(dir, "f.json");
    writeFileSync(
      file,
      JSON.stringify({
        title: "Mine",
        monitors: [
          { id: "one", name: "One", type: "http", url: `${base}/one` },
          { id: "two", name: "Two", type: "http", url: `${base}/two` },
        ],
      }),
    );
    const port = await freePort();

    const proc = npmStart(["--config", file, "--port", String(port), "--interval", "2"]);
    const first = await poll("the first tick", async () => {
      const body = await status(port);
      return body.updatedAt ? body : undefined;
    });
    expect(first.title).toBe("Mine");
    expect(first.monitors.map((m: any) => [m.id, m.status])).toEqual([
      ["one", "up"],
      ["two", "up"],
    ]);
    const second = await poll(
      "a second tick",
      async () => {
        const body = await status(port);
        return body.updatedAt !== first.updatedAt ? body : undefined;
      },
      15_000,
    );
    expect(Date.parse(second.updatedAt) - Date.parse(first.updatedAt)).toBeLessThan(10_000);
    expect(new Set(seen)).toEqual(new Set(["/one", "/two"]));

    expect([0, "SIGINT"]).toContain(await stopWithCtrlC(proc));
    // wrangler and workerd run in a process group of their own: the port closing shows they are gone too.
    await poll(
      "the Worker to stop",
      async () =>
        await fetch(`http://127.0.0.1:${port}/health`).then(
          () => undefined,
          () => true,
        ),
      10_000,
    );
    target.close();
  });

  it("with no arguments starts demo targets and shows real probe results; push, dns and tcp go down when their targets stop", async () => {
    const port = await freePort();
    const started = Date.now();
    // Ticks every 3 s rather than every minute, so the targets stopped below show within the test.
    npmStart(["--port", String(port), "--interval", "3"]);
    const body = await poll("demo results", async () => {
      const b = await status(port);
      return b.updatedAt ? b : undefined;
    });
    console.log(`npm start: first demo results after ${Date.now() - started} ms`);
    const byId = Object.fromEntries(body.monitors.map((m: any) => [m.id, m]));
    expect(byId["api-gateway"]).toMatchObject({ status: "up", details: { checks: { database: { state: "pass" } } } });
    expect(byId["inference"]).toMatchObject({ status: "degraded" });
    expect(byId["billing"]).toMatchObject({ status: "down" });
    // Located monitors go through the coordinator and shard Durable Objects, as deployed.
    expect(byId["assets"]).toMatchObject({ status: "degraded", message: expect.stringMatching(/^down from weur, up from wnam and apac/) });
    expect(byId["assets"].details.locations.map((l: any) => l.location)).toEqual(["wnam", "weur", "apac"]);
    // A visitor sees which job lost a scrape target, never the target's internal address or its last error.
    expect(byId["prometheus"]).toMatchObject({
      status: "degraded",
      details: { targetsDown: [{ job: "api-gateway" }], targetsDownTotal: 1 },
    });
    expect(JSON.stringify(body)).not.toMatch(/10\.0\.0\.\d|context deadline exceeded/);
    // A body of 1 MiB to the receiver is refused before anything reads it.
    const big = await fetch(`http://127.0.0.1:${port}/api/alertmanager/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "x".repeat(1024 * 1024),
    });
    expect(big.status).toBe(413);

    // `npm run verify` passes against it, and fails once it is stopped.
    const running = await verify(port);
    expect(running).toMatchObject({ code: 0 });
    expect(running.out).toMatch(/^ok {3}\/health: HTTP 200/m);
    expect(running.out).toMatch(/^ok {3}page: HTTP 200, [\d.]+ KiB of 30$/m);
    expect(running.out).toContain("all 5 checks passed");
    // The new types, each up against its local target: a job pushing, a DoH resolver, a Redis.
    expect(byId["cluster-jobs"]).toMatchObject({ type: "push", status: "up", details: { checks: { postgres: { state: "pass" } } } });
    expect(byId["api-dns"]).toMatchObject({ type: "dns", status: "up", details: { rcode: "NOERROR", recordCount: 1 } });
    expect(byId["cache"]).toMatchObject({ type: "tcp", status: "up", details: { answerMatched: true } });
    const demoBase = /demo targets on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(demoBase).toBeDefined();
    for (const target of ["dns", "redis", "postgres"])
      expect((await fetch(`${demoBase}/demo/stop/${target}`, { method: "POST" })).status).toBe(200);
    const down = await poll(
      "push, dns and tcp to go down",
      async () => {
        const b = await status(port);
        const now = Object.fromEntries(b.monitors.map((m: any) => [m.id, m]));
        return ["cluster-jobs", "api-dns", "cache"].every((id) => now[id].status === "down") ? now : undefined;
      },
      60_000,
    );
    expect(down["cluster-jobs"].message).toMatch(/pg_isready: no response/);
    expect(down["api-dns"].message).toMatch(/^resolver unreachable/);
    expect(down["cache"].message).toBe("connection refused or host unreachable");
    await stopWithCtrlC(child!);
    const stopped = await verify(port);
    expect(stopped.code).toBe(1);
    expect(stopped.out).toMatch(/^FAIL \/health: no answer/m);
  });

  it("refuses a bad config file before starting anything", async () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ title: "x", monitors: [{ id: "a", name: "A", type: "http", url: "nope" }] }));
    const proc = npmStart(["--config", file]);
    const code = await new Promise<number | null>((resolve) => proc.once("exit", resolve));
    expect(code).not.toBe(0);
    expect(output).toContain("monitors[0].url: Invalid URL");
  });
});
