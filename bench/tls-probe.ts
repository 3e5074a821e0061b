// Measures the TLS probe from outside workerd: CPU (from /proc/<workerd pid>/stat, since Date.now() does not
// advance during computation inside a Worker) and wall time per probe, next to openssl s_client / s_time against
// the same local servers. Run: `npx tsx bench/tls-probe.ts [probes per mode, default 200]`.
// Everything listens on 127.0.0.1 and stops at the end; only processes started here are killed, by PID.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import tls from "node:tls";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import { OFFLINE_ENV } from "../scripts/offline-env.ts";
import { prepareTestCa } from "../test/helpers/test-ca.ts";
import { issueBenchChain } from "./targets.ts";

const N = Number(process.argv[2] ?? 200);
const root = resolve(import.meta.dirname, "..");
const SERVER_NAME = "api.example.test";
const CLK_TCK = 100; // `getconf CLK_TCK` on Linux

Object.assign(process.env, OFFLINE_ENV);
const caDir = mkdtempSync(join(tmpdir(), "edgewatch-tls-bench-"));
const ca = prepareTestCa(caDir);
const { Miniflare } = await import("miniflare");

const { intermediate, leaf } = await issueBenchChain(ca, SERVER_NAME, "tls-bench");

async function server(ecdhCurve: string) {
  const s = tls.createServer(
    { key: readFileSync(leaf.keyPath), cert: leaf.pem + intermediate.pem, minVersion: "TLSv1.3", ecdhCurve },
    (socket) => socket.on("error", () => {}),
  );
  s.on("tlsClientError", () => {});
  const sockets = new Set<import("node:net").Socket>();
  s.on("connection", (c) => (sockets.add(c), c.on("close", () => sockets.delete(c))));
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return { port: (s.address() as AddressInfo).port, close: () => (sockets.forEach((c) => c.destroy()), new Promise((r) => s.close(r))) };
}
const x25519 = await server("X25519");
const p256 = await server("prime256v1");

const worker = await build({
  stdin: {
    resolveDir: root,
    loader: "ts",
    contents: `
      import { connect } from "cloudflare:sockets";
      import { TlsMonitor } from "./src/config/tls-monitor";
      import { probeTls } from "./src/probes/tls";
      import { socketCertificates } from "./src/tls/socket-certificates";
      import { RaceDeadline } from "./src/tls/race-deadline";
      export default {
        async fetch(request) {
          const q = new URL(request.url).searchParams;
          const port = Number(q.get("port")), n = Number(q.get("n")), mode = q.get("mode");
          const groups = q.get("groups") ? q.get("groups").split(",").map(Number) : undefined;
          const deps = { fetch, connect, now: () => Date.now(), secret: () => undefined };
          const monitor = TlsMonitor.parse({ id: "bench", name: "bench", type: "tls", host: "127.0.0.1", port, servername: "${SERVER_NAME}" });
          const times = [];
          for (let i = 0; i < n; i++) {
            const t0 = Date.now();
            if (mode === "probe") {
              const r = await probeTls(monitor, deps);
              if (r.status !== "up") return Response.json({ error: r.message }, { status: 500 });
            } else if (mode === "handshake") {
              const d = new RaceDeadline(10000);
              try { await socketCertificates(connect, { host: "127.0.0.1", port }, { serverName: "${SERVER_NAME}", keyShareGroups: groups }, d); } finally { d.clear(); }
            } else {
              const s = connect({ hostname: "127.0.0.1", port }, { secureTransport: "off", allowHalfOpen: false });
              s.closed.catch(() => {});
              await s.opened;
              await s.close();
            }
            times.push(Date.now() - t0);
          }
          return Response.json({ times });
        },
      };`,
  },
  bundle: true,
  format: "esm",
  write: false,
  external: ["cloudflare:sockets"],
  platform: "neutral",
  mainFields: ["module", "main"],
});

const mf = new Miniflare({ modules: true, script: worker.outputFiles[0]!.text, compatibilityDate: "2026-04-20" });
await mf.ready;

/** comm and parent PID of a process, or null once it is gone. */
function procInfo(pid: number): { comm: string; ppid: number } | null {
  try {
    const [, comm, rest] = /^\d+ \((.*)\) (.*)$/.exec(readFileSync(`/proc/${pid}/stat`, "utf8").trim()) ?? [];
    return { comm: comm!, ppid: Number(rest!.split(" ")[1]) };
  } catch {
    return null;
  }
}

/** The workerd process Miniflare started: a workerd whose ancestors include this process. */
function workerdPid(): number {
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    if (procInfo(Number(entry))?.comm !== "workerd") continue;
    for (let p = Number(entry); p > 1; p = procInfo(p)?.ppid ?? 0) if (p === process.pid) return Number(entry);
  }
  throw new Error("workerd process not found");
}
const pid = workerdPid();
const cpuTicks = () => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8")
    .replace(/^.*\) /, "")
    .split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime + stime
};

async function measure(label: string, query: string) {
  await mf.dispatchFetch(`http://bench/?${query}&n=5`); // warm up: JIT, first connection
  const before = cpuTicks();
  const started = performance.now();
  const response = await mf.dispatchFetch(`http://bench/?${query}&n=${N}`);
  const wallMs = performance.now() - started;
  const body = (await response.json()) as { times?: number[]; error?: string };
  const cpuMs = ((cpuTicks() - before) * 1000) / CLK_TCK;
  if (!body.times) throw new Error(`${label}: ${body.error}`);
  const sorted = [...body.times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(
    `${label.padEnd(48)} CPU ${(cpuMs / N).toFixed(2).padStart(6)} ms/probe   wall mean ${(wallMs / N).toFixed(2).padStart(6)} ms, median (inside) ${median} ms`,
  );
}

async function opensslClient(label: string, port: number, groups: string) {
  const started = performance.now();
  const runs = Math.min(N, 50);
  for (let i = 0; i < runs; i++) {
    // stdin at EOF: s_client completes the handshake, sees nothing to send, and exits.
    const child = spawn(
      "openssl",
      ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", SERVER_NAME, "-groups", groups, "-CAfile", ca.certPath, "-brief"],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const code = await new Promise((r) => child.once("exit", r));
    if (i === 0 && !/Verification: OK/.test(err)) console.log(`s_client exited ${code}: ${err.slice(0, 300)}`);
  }
  console.log(
    `${label.padEnd(48)} wall mean ${((performance.now() - started) / runs).toFixed(2)} ms per run (${runs} runs, process start included)`,
  );
}

async function opensslTime(label: string, port: number) {
  const child = spawn("openssl", ["s_time", "-connect", `127.0.0.1:${port}`, "-new", "-time", "5", "-CAfile", ca.certPath], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  await new Promise((r) => child.once("exit", r));
  // s_time prints the client's own CPU ("connections/user sec") and, on a second line, the real time.
  const cpu = /(\d+) connections in ([\d.]+)s; ([\d.]+) connections\/user sec/.exec(out);
  const real = /(\d+) connections in (\d+) real seconds/.exec(out);
  const cpuMs = cpu ? (1000 * Number(cpu[2])) / Number(cpu[1]) : NaN;
  const wallMs = real ? (1000 * Number(real[2])) / Number(real[1]) : NaN;
  console.log(
    `${label.padEnd(48)} client CPU ${cpuMs.toFixed(2)} ms, wall ${wallMs.toFixed(2)} ms per full handshake (${real?.[1]} in ${real?.[2]} s)`,
  );
}

try {
  console.log(`${N} sequential runs per line; workerd pid ${pid}; CPU from /proc/${pid}/stat at ${CLK_TCK} Hz\n`);
  await measure("connect + close only (baseline)", `mode=connect&port=${x25519.port}`);
  await measure("handshake read, both shares, server picks X25519", `mode=handshake&port=${x25519.port}`);
  await measure("handshake read, both shares, server picks P-256", `mode=handshake&port=${p256.port}`);
  await measure("handshake read, X25519 share only", `mode=handshake&groups=29&port=${x25519.port}`);
  await measure("handshake read, P-256 share only", `mode=handshake&groups=23&port=${p256.port}`);
  await measure("full probe (read + parse + trust), X25519 server", `mode=probe&port=${x25519.port}`);
  await measure("full probe (read + parse + trust), P-256 server", `mode=probe&port=${p256.port}`);
  console.log();
  await opensslClient("openssl s_client, X25519", x25519.port, "X25519");
  await opensslClient("openssl s_client, P-256", p256.port, "P-256");
  await opensslTime("openssl s_time -new, X25519 server", x25519.port);
  await opensslTime("openssl s_time -new, P-256 server", p256.port);
} finally {
  await mf.dispose();
  await Promise.all([x25519.close(), p256.close()]);
  rmSync(caDir, { recursive: true, force: true });
}
