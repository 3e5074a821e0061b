// The Worker under measurement: the bundle `wrangler deploy --dry-run` produces (byte for byte what would be
// uploaded), run by Miniflare's programmatic API in one local workerd process, behind a thin harness module that
//   - counts each KV and R2 call the Worker makes, by wrapping env.STATE and env.HISTORY in counting proxies;
//   - re-exports the Worker's Durable Object classes (Coordinator, ProbeShard) as thin subclasses whose env gets the
//     same counting proxies, and which count the RPC calls they receive (`do.Coordinator`, `do.ProbeShard`, and
//     `do.Coordinator.alarm` for archive steps), with a few bench-only methods (an archive step on demand, an echo);
//   - makes a scheduled event end only when the tick it started (with ctx.waitUntil) has finished, so that
//     `GET /cdn-cgi/handler/scheduled` returns when the tick is done: for a sharded tick that is when the
//     coordinator object has answered, which it does once its tick (shards, then all storage) is over;
//   - answers `GET /__bench/counts` with the counts so far, and `POST /__bench/shard?key=…` by handing the body (a
//     ShardRequest) to that ProbeShard object, so one shard invocation can be measured on its own.
// Everything else is handed to the Worker's own fetch() and scheduled() unchanged.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import type { Miniflare as MiniflareClass } from "miniflare";
import { OFFLINE_ENV } from "../scripts/offline-env.ts";

export const ROOT = resolve(import.meta.dirname, "..");

/** The harness, as an ES module next to the bundle (`./index.js`). Plain JavaScript: it runs inside workerd. */
const HARNESS = `
import { connect } from "cloudflare:sockets";
import worker, { Coordinator as WorkerCoordinator, ProbeShard as WorkerProbeShard } from "./index.js";

const ops = {};
const count = (name) => { ops[name] = (ops[name] ?? 0) + 1; };
// The writer bench's R2 and KV, in memory (/__bench/memory-storage?on=1): objects and keys live in this isolate's
// memory, so that the writer's CPU is its own, without the local simulators' (tens of ms for a megabyte, a ms or more
// for each incident record, and noisy), which Cloudflare does elsewhere. A put still turns its text into bytes, and a
// read turns them back, as the runtime would.
const memory = { on: false, objects: new Map(), kv: new Map() };
function memoryCall(prefix, prop, args) {
  const encode = (body) => (typeof body === "string" ? new TextEncoder().encode(body) : new Uint8Array(body));
  if (prefix === "kv") {
    if (prop === "put") return (memory.kv.set(args[0], encode(args[1])), Promise.resolve());
    if (prop === "get") {
      const bytes = memory.kv.get(args[0]);
      return Promise.resolve(bytes ? new TextDecoder().decode(bytes) : null);
    }
    return undefined;
  }
  if (prop === "put") {
    const bytes = encode(args[1]);
    memory.objects.set(args[0], { bytes, customMetadata: args[2]?.customMetadata ?? {} });
    return Promise.resolve({ key: args[0], size: bytes.byteLength });
  }
  if (prop === "get") {
    const stored = memory.objects.get(args[0]);
    const text = async () => new TextDecoder().decode(stored.bytes);
    return Promise.resolve(stored ? { key: args[0], size: stored.bytes.byteLength, text, json: async () => JSON.parse(await text()) } : null);
  }
  if (prop === "delete") {
    for (const key of [args[0]].flat()) memory.objects.delete(key);
    return Promise.resolve();
  }
  if (prop === "list") {
    const { prefix: keyPrefix = "", startAfter = "", limit = 1000 } = args[0] ?? {};
    const keys = [...memory.objects.keys()].filter((k) => k.startsWith(keyPrefix) && k > startAfter).sort();
    const objects = keys.slice(0, limit).map((key) => {
      const { bytes, customMetadata } = memory.objects.get(key);
      return { key, size: bytes.byteLength, customMetadata };
    });
    return Promise.resolve({ objects, truncated: keys.length > limit, cursor: undefined, delimitedPrefixes: [] });
  }
  return undefined;
}
function counting(target, prefix) {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop);
      if (typeof value !== "function") return value;
      return (...args) => {
        count(prefix + "." + String(prop));
        return (memory.on && memoryCall(prefix, prop, args)) || value.apply(t, args);
      };
    },
  });
}
const wrapped = new WeakMap();
function wrap(env) {
  let w = wrapped.get(env);
  if (!w) {
    w = { ...env, HISTORY: counting(env.HISTORY, "r2"), STATE: counting(env.STATE, "kv") };
    wrapped.set(env, w);
  }
  return w;
}

// The Durable Objects, as the Worker defines them, with the counting bindings and a count of their RPC calls.
// (Inside one local workerd, the objects share this module's isolate, so the counts above include theirs.)
let manualAlarms = false;
// The cron's invocation alone (/__bench/cron-only?on=1): the writer answers at once, as if its work were free, and
// each shard returns the answer it gave last for the same monitors, so that a sharded tick's CPU is the cron's own
// invocation's (planning, calling the shards, merging their results, handing them to the writer) and the runtime's.
const cronOnly = { on: false, answers: new Map() };
const shardKey = (request) => request.monitors.map((m) => m.id).join(",");

export class Coordinator extends WorkerCoordinator {
  constructor(ctx, env) {
    super(ctx, wrap(env));
  }
  tick(input) {
    count("do.Coordinator");
    if (cronOnly.on) {
      const n = input.results.length;
      return { tickAt: new Date(input.scheduledTime).toISOString(), skipped: null, durationMs: 0, results: [], counts: { up: n }, probed: n, events: [], notified: 0, wroteLatest: true, wroteState: false, jobs: 0 };
    }
    return super.tick(input);
  }
  change(configText, change) {
    count("do.Coordinator");
    return super.change(configText, change);
  }
  liveHistory(configText, id) {
    count("do.Coordinator");
    return super.liveHistory(configText, id);
  }
  async alarm() {
    // The writer bench runs archive steps one by one itself (benchStep), to measure each as its own invocation.
    if (manualAlarms) return;
    count("do.Coordinator.alarm");
    return super.alarm();
  }
  // Bench only: one archive step, as the alarm would run it; which step it was, and how many wait.
  async benchStep() {
    const jobsNow = () => {
      const meta = this.ctx.storage.sql.exec("SELECT value FROM blobs WHERE name = 'meta'").toArray()[0];
      return meta ? JSON.parse(meta.value).jobs : [];
    };
    const job = jobsNow()[0] ?? null;
    await super.alarm();
    return { ran: job, jobs: jobsNow().length };
  }
  // Bench only: the same payload as a tick, answered at once (calibrates moving it over RPC).
  benchEcho(input) {
    return { n: input.results.length };
  }
  benchState() {
    const sizes = {};
    for (const row of this.ctx.storage.sql.exec("SELECT name, length(value) AS size FROM blobs")) sizes[row.name] = row.size;
    const points = this.ctx.storage.sql.exec("SELECT count(*) AS n FROM points").toArray()[0].n;
    const meta = this.ctx.storage.sql.exec("SELECT value FROM blobs WHERE name = 'meta'").toArray()[0];
    return { blobs: sizes, points, jobs: meta ? JSON.parse(meta.value).jobs.length : 0 };
  }
}
export class ProbeShard extends WorkerProbeShard {
  constructor(ctx, env) {
    super(ctx, wrap(env));
    this.rawEnv = env;
  }
  // The skeleton tick's writer (see skeletonTick): one row read, one transaction of one row (the minute's point, the
  // least any writer stores), latest.json's bytes put to R2, a small answer. Not counted.
  async benchSkeleton(input) {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS bench_skeleton (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    sql.exec("SELECT v FROM bench_skeleton WHERE k = 0").toArray();
    this.ctx.storage.transactionSync(() => sql.exec("INSERT OR REPLACE INTO bench_skeleton (k, v) VALUES (0, ?)", input.text));
    await this.rawEnv.HISTORY.put("bench/skeleton.json", skeleton.latest, { httpMetadata: { contentType: "application/json" } });
    return { n: input.results };
  }
  async probe(request) {
    count("do.ProbeShard");
    const key = shardKey(request);
    if (cronOnly.on && cronOnly.answers.has(key)) return cronOnly.answers.get(key);
    const answer = await super.probe(request);
    cronOnly.answers.set(key, answer);
    return answer;
  }
  // Calibration only: the cost of an empty call to an object, not counted.
  benchNoop() {
    return 0;
  }
  // Calibration only: a call that commits one small row, as the writer's every tick does (the runtime's storage
  // commit and output gate, besides the statement itself).
  benchWrite(i) {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS bench_calibration (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    sql.exec("INSERT OR REPLACE INTO bench_calibration (k, v) VALUES (1, ?)", String(i));
    return 0;
  }
}

// The skeleton tick: the I/O of a one-monitor tick with none of Edgewatch's code. The cron's scheduled event, one
// fetch under AbortSignal.timeout raced with a timer (as a probe's), its body read, one RPC call carrying the result and
// the config text to a SQLite-backed object, which reads a row, commits one and puts latest.json's bytes to R2, and a
// log line. A one-monitor tick less this is what Edgewatch's own code costs. Set up by /__bench/skeleton.
const skeleton = { url: "", latest: "" };
async function skeletonTick(env, scheduledTime) {
  let timer;
  const cap = new Promise((resolve) => (timer = setTimeout(resolve, 10_000)));
  const sent = fetch(skeleton.url, { signal: AbortSignal.timeout(10_000), redirect: "manual", cache: "no-store" });
  const response = await Promise.race([sent, cap]);
  clearTimeout(timer);
  const text = await response.text();
  const stub = env.SHARD.get(env.SHARD.idFromName("bench/skeleton"));
  await stub.benchSkeleton({ results: 1, text, at: scheduledTime, configText: env.EDGEWATCH_CONFIG ?? null });
  console.log(JSON.stringify({ level: "info", msg: "skeleton tick", at: scheduledTime }));
}

// Calibration: the cost of the runtime's own I/O, repeated n times inside one request, with the bindings unwrapped.
async function calibrate(q, env) {
  const n = Number(q.get("n"));
  const what = q.get("what");
  if (what === "fetch") {
    for (let i = 0; i < n; i++) await (await fetch(q.get("url"), { cache: "no-store", headers: { "cache-control": "no-cache" } })).arrayBuffer();
  } else if (what === "r2") {
    // One R2 read and one write of an object as big as latest.json: what an ordinary tick does with storage.
    const latest = await env.HISTORY.get("latest.json");
    const text = latest ? await latest.text() : "{}";
    await env.HISTORY.put("bench/calibration.json", text);
    for (let i = 0; i < n; i++) {
      const o = await env.HISTORY.get("bench/calibration.json");
      await env.HISTORY.put("bench/calibration.json", await o.text(), { httpMetadata: { contentType: "application/json" } });
    }
    await env.HISTORY.delete("bench/calibration.json");
    return { bytes: text.length };
  } else if (what === "r2get") {
    // Reads of latest.json as it stands: what a tick that reads it back costs the runtime.
    for (let i = 0; i < n; i++) {
      const o = await env.HISTORY.get("latest.json");
      if (o) await o.text();
    }
  } else if (what === "r2put") {
    // Puts of an object of the given size: what writing latest.json costs the runtime (here, the local R2 simulator).
    const body = "x".repeat(Number(q.get("bytes")));
    for (let i = 0; i < n; i++) await env.HISTORY.put("bench/calibration-put.json", body, { httpMetadata: { contentType: "application/json" } });
    await env.HISTORY.delete("bench/calibration-put.json");
  } else if (what === "tls") {
    // A connection through the runtime's own TLS client (what the probe's trust check opens), then closed.
    for (let i = 0; i < n; i++) {
      const socket = connect({ hostname: "127.0.0.1", port: Number(q.get("port")) }, { secureTransport: "on", allowHalfOpen: false });
      socket.closed.catch(() => {});
      await socket.opened;
      await socket.close();
    }
  } else if (what === "do") {
    // An empty request to a Durable Object and its answer: what each shard call and the coordinator call cost the
    // runtime, besides the objects' own work.
    const stub = env.SHARD.get(env.SHARD.idFromName("bench/calibration"));
    for (let i = 0; i < n; i++) await stub.benchNoop();
  } else if (what === "dowrite") {
    const stub = env.SHARD.get(env.SHARD.idFromName("bench/calibration"));
    for (let i = 0; i < n; i++) await stub.benchWrite(i);
  } else if (what === "tcp") {
    // A plain TCP connection opened and closed (the probe's own handshake reader starts with one).
    for (let i = 0; i < n; i++) {
      const socket = connect({ hostname: "127.0.0.1", port: Number(q.get("port")) }, { secureTransport: "off", allowHalfOpen: false });
      socket.closed.catch(() => {});
      await socket.opened;
      await socket.close();
    }
  }
  return {};
}

export default {
  async fetch(request, env, ctx) {
    // The Worker's own requests pay for nothing of the harness but the counting bindings: the read floor compares
    // them with a Worker that has no harness at all.
    if (!request.url.includes("/__bench/")) return worker.fetch(request, wrap(env), ctx);
    const url = new URL(request.url);
    if (url.pathname === "/__bench/counts") return Response.json(ops);
    if (url.pathname === "/__bench/cron-only") {
      cronOnly.on = url.searchParams.get("on") === "1";
      return new Response("");
    }
    if (url.pathname === "/__bench/memory-storage") {
      memory.on = url.searchParams.get("on") === "1";
      if (!memory.on) {
        memory.objects.clear();
        memory.kv.clear();
      }
      return new Response("");
    }
    if (url.pathname === "/__bench/noop") return new Response("");
    if (url.pathname === "/__bench/calibrate") return Response.json(await calibrate(url.searchParams, env));
    if (url.pathname === "/__bench/skeleton") {
      skeleton.url = url.searchParams.get("url");
      skeleton.latest = "x".repeat(Number(url.searchParams.get("latestBytes")));
      return new Response("");
    }
    if (url.pathname === "/__bench/shard" && request.method === "POST") {
      // One shard invocation, as the coordinator makes it (src/shards/coordinator.ts shardCaller), answered as is.
      const stub = env.SHARD.get(env.SHARD.idFromName(url.searchParams.get("key") ?? "bench/0"));
      return Response.json(await stub.probe(await request.json()));
    }
    const coordinator = () => env.COORDINATOR.get(env.COORDINATOR.idFromName("coordinator"));
    if (url.pathname === "/__bench/commit" && request.method === "POST") {
      // One tick's results handed to the writer, as the cron's invocation does after probing.
      const body = await request.json();
      return Response.json(await coordinator().tick({ ...body, configText: env.EDGEWATCH_CONFIG ?? null }));
    }
    if (url.pathname === "/__bench/echo" && request.method === "POST") {
      const body = await request.json();
      return Response.json(await coordinator().benchEcho({ ...body, configText: env.EDGEWATCH_CONFIG ?? null }));
    }
    if (url.pathname === "/__bench/manual-alarms") {
      manualAlarms = url.searchParams.get("on") === "1";
      return new Response("");
    }
    if (url.pathname === "/__bench/step") return Response.json(await coordinator().benchStep());
    if (url.pathname === "/__bench/state") return Response.json(await coordinator().benchState());
    if (url.pathname === "/__bench/objects") {
      const objects = [];
      let cursor;
      do {
        const page = await env.HISTORY.list({ cursor });
        for (const o of page.objects) objects.push({ key: o.key, size: o.size });
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      for (const [key, { bytes }] of memory.objects) objects.push({ key, size: bytes.byteLength });
      return Response.json(objects);
    }
    return new Response("unknown bench route", { status: 404 });
  },
  async scheduled(controller, env, ctx) {
    if (controller.cron === "bench-skeleton") return skeletonTick(env, controller.scheduledTime);
    const pending = [];
    const waiting = { waitUntil: (p) => { pending.push(p); ctx.waitUntil(p); }, passThroughOnException: () => ctx.passThroughOnException(), props: ctx.props };
    await worker.scheduled(controller, wrap(env), waiting);
    await Promise.allSettled(pending);
  },
};
`;

/** Counts of KV and R2 calls by method (`r2.get`, `r2.put`, `kv.put`, ...). */
export type OpCounts = Record<string, number>;

/** R2 bills put/list/multipart as Class A and get/head as Class B; deletes are free. KV bills reads and writes. */
export function classify(ops: OpCounts) {
  const n = (k: string) => ops[k] ?? 0;
  return {
    r2ClassA: n("r2.put") + n("r2.list") + n("r2.createMultipartUpload") + n("r2.resumeMultipartUpload"),
    r2ClassB: n("r2.get") + n("r2.head"),
    r2Deletes: n("r2.delete"),
    kvReads: n("kv.get") + n("kv.getWithMetadata"),
    kvWrites: n("kv.put") + n("kv.delete"),
    kvLists: n("kv.list"),
  };
}
export type StorageOps = ReturnType<typeof classify>;

export function diffOps(after: OpCounts, before: OpCounts): OpCounts {
  const out: OpCounts = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) !== 0) out[k] = v - (before[k] ?? 0);
  return out;
}

export interface Bundle {
  code: string;
  rawBytes: number;
  gzipBytes: number;
  /** What wrangler itself printed ("Total Upload: … KiB / gzip: … KiB"). */
  wranglerSays: string | null;
  minifiedRawBytes: number | null;
  minifiedGzipBytes: number | null;
  /** Bundle bytes by origin (package or src/ directory), from esbuild's metafile, biggest first. */
  topInputs: { name: string; bytes: number }[];
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => resolvePromise({ code, out }));
  });
}

/** `wrangler deploy --dry-run --outdir` (and once more with --minify): the bundle that would be uploaded, and its sizes. */
export async function bundleWorker(tmp: string): Promise<Bundle> {
  const env = { ...process.env, ...OFFLINE_ENV };
  const wrangler = join(ROOT, "node_modules/.bin/wrangler");
  const outdir = join(tmp, "bundle");
  const minOutdir = join(tmp, "bundle-min");
  const [plain, minified] = await Promise.all([
    run(wrangler, ["deploy", "--dry-run", "--outdir", outdir, "--metafile", join(tmp, "meta.json")], env),
    run(wrangler, ["deploy", "--dry-run", "--minify", "--outdir", minOutdir], env),
  ]);
  if (plain.code !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${plain.out}`);
  const file = readdirSync(outdir).find((f) => f.endsWith(".js"));
  if (!file) throw new Error(`no .js in ${outdir}`);
  const code = readFileSync(join(outdir, file), "utf8");
  const bytes = Buffer.from(code);
  let minifiedRawBytes: number | null = null;
  let minifiedGzipBytes: number | null = null;
  if (minified.code === 0) {
    const minFile = readdirSync(minOutdir).find((f) => f.endsWith(".js"));
    if (minFile) {
      const m = readFileSync(join(minOutdir, minFile));
      minifiedRawBytes = m.length;
      minifiedGzipBytes = gzipSync(m).length;
    }
  }
  return {
    code,
    rawBytes: bytes.length,
    gzipBytes: gzipSync(bytes).length,
    wranglerSays: /Total Upload: [^\n]*/.exec(plain.out)?.[0]?.trim() ?? null,
    minifiedRawBytes,
    minifiedGzipBytes,
    topInputs: topInputs(join(tmp, "meta.json")),
  };
}

function topInputs(metaPath: string): { name: string; bytes: number }[] {
  try {
    const meta = JSON.parse(readFileSync(metaPath, "utf8")) as {
      outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
    };
    const byName = new Map<string, number>();
    for (const output of Object.values(meta.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        const path = relative(ROOT, resolve(ROOT, input));
        const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
        const name = pkg ?? (path.startsWith("src/") ? path.split("/").slice(0, 2).join("/") : path);
        byName.set(name, (byName.get(name) ?? 0) + bytesInOutput);
      }
    }
    return [...byName]
      .map(([name, bytes]) => ({ name, bytes }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 8);
  } catch {
    return [];
  }
}

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

function procStat(pid: number): { comm: string; ppid: number; cpuTicks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" ");
    // After the comm: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
    return { comm, ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** The workerd processes whose ancestors include this process (Miniflare starts exactly one per instance). */
export function ourWorkerdPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (procStat(pid)?.comm !== "workerd") continue;
    for (let p = procStat(pid)?.ppid ?? 0, guard = 0; p > 1 && guard < 64; p = procStat(p)?.ppid ?? 0, guard++) {
      if (p === process.pid) {
        pids.push(pid);
        break;
      }
    }
  }
  return pids;
}

/**
 * CPU time of every thread of a process in milliseconds, from the scheduler's nanosecond counters
 * (/proc/<pid>/task/<tid>/schedstat): fine enough to time one invocation, unlike utime/stime in 10 ms clock ticks.
 * A thread that ended since the last read takes its time with it (workerd keeps its threads). Falls back to
 * utime + stime where schedstat is missing.
 */
export function cpuMsOf(pid: number): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    }
    if (Number.isFinite(ns) && ns > 0) return ns / 1e6;
  } catch {
    // fall back below
  }
  return cpuTicksMsOf(pid);
}

/** utime + stime of a process, in milliseconds (10 ms resolution). */
function cpuTicksMsOf(pid: number): number {
  const stat = procStat(pid);
  if (!stat) throw new Error(`process ${pid} is gone`);
  return (stat.cpuTicks * 1000) / CLK_TCK;
}

export interface TickDone {
  tickAt: string;
  durationMs: number;
  [field: string]: unknown;
}

export interface RunningWorker {
  url: URL;
  pid: number;
  cpuMs(): number;
  /**
   * CPU of workerd's main thread alone: the isolates' (and the local simulators'), without V8's background threads
   * (concurrent marking and sweeping, optimising compilers), which Cloudflare does not count as a request's CPU time.
   */
  mainThreadCpuMs(): number;
  /** Fires the cron for `scheduledMs` (the controller's scheduledTime) and resolves when the tick has finished. */
  tick(scheduledMs: number): Promise<{ wallMs: number; ok: boolean }>;
  /** A skeleton tick (the harness's skeletonTick: the I/O of a one-monitor tick, none of Edgewatch's code). */
  skeletonTick(scheduledMs: number): Promise<void>;
  ops(): Promise<OpCounts>;
  /** R2 objects the Worker has written, with their sizes. */
  objects(): Promise<{ key: string; size: number }[]>;
  /** An R2 object's text, read through Miniflare (not counted). */
  objectText(key: string): Promise<string | null>;
  /** The Worker's `tick done` log lines so far. */
  ticksDone: TickDone[];
  /** The last lines the Worker logged (for errors). */
  recentLog(): string[];
  /** How many of the Worker's JSON log lines so far had each `msg`. */
  messages: Map<string, number>;
  dispose(): Promise<void>;
}

export const COMPATIBILITY_DATE =
  /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync(join(ROOT, "wrangler.toml"), "utf8"))?.[1] ?? "2026-04-20";

export async function startWorker(
  Miniflare: typeof MiniflareClass,
  bundle: string,
  configText: string,
  options: { verbose?: boolean; inspectorPort?: number } = {},
): Promise<RunningWorker> {
  const before = new Set(ourWorkerdPids());
  const ticksDone: TickDone[] = [];
  const recent: string[] = [];
  const messages = new Map<string, number>();
  const onLine = (line: string) => {
    if (!line.trim()) return;
    recent.push(line);
    if (recent.length > 40) recent.shift();
    if (options.verbose) console.error(`  [worker] ${line}`);
    if (!line.includes('"msg"')) return;
    try {
      const entry = JSON.parse(line.slice(line.indexOf("{"))) as { msg?: unknown };
      if (typeof entry.msg !== "string") return;
      messages.set(entry.msg, (messages.get(entry.msg) ?? 0) + 1);
      if (entry.msg === "tick done") ticksDone.push(entry as TickDone);
    } catch {
      // not the Worker's JSON line
    }
  };
  const lines = (stream: NodeJS.ReadableStream) => {
    let buffer = "";
    stream.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      parts.forEach(onLine);
    });
  };
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    unsafeTriggerHandlers: true,
    ...(options.inspectorPort !== undefined ? { inspectorPort: options.inspectorPort } : {}),
    modules: [
      { type: "ESModule", path: "bench-harness.js", contents: HARNESS },
      { type: "ESModule", path: "index.js", contents: bundle },
    ],
    compatibilityDate: COMPATIBILITY_DATE,
    kvNamespaces: ["STATE"],
    r2Buckets: ["HISTORY"],
    // wrangler.toml's bindings and its new_sqlite_classes migration: SQLite-backed objects, the harness's subclasses.
    durableObjects: { SHARD: { className: "ProbeShard", useSQLite: true }, COORDINATOR: { className: "Coordinator", useSQLite: true } },
    bindings: { EDGEWATCH_CONFIG: configText },
    handleRuntimeStdio(stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) {
      lines(stdout);
      lines(stderr);
    },
  });
  const url = await mf.ready;
  const pids = ourWorkerdPids().filter((p) => !before.has(p));
  if (pids.length !== 1) {
    await mf.dispose();
    throw new Error(`expected one new workerd process, found ${pids.length}`);
  }
  const pid = pids[0] as number;
  return {
    url,
    pid,
    cpuMs: () => cpuMsOf(pid),
    mainThreadCpuMs: () => Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").split(" ")[0]) / 1e6,
    async tick(scheduledMs) {
      const started = performance.now();
      const response = await fetch(new URL(`/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${scheduledMs}`, url));
      await response.arrayBuffer();
      return { wallMs: performance.now() - started, ok: response.ok };
    },
    async skeletonTick(scheduledMs) {
      const response = await fetch(new URL(`/cdn-cgi/handler/scheduled?cron=bench-skeleton&time=${scheduledMs}`, url));
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`skeleton tick: HTTP ${response.status}`);
    },
    async ops() {
      return (await (await fetch(new URL("/__bench/counts", url))).json()) as OpCounts;
    },
    async objects() {
      return (await (await fetch(new URL("/__bench/objects", url))).json()) as { key: string; size: number }[];
    },
    ticksDone,
    recentLog: () => [...recent],
    messages,
    async objectText(key) {
      const object = await (await mf.getR2Bucket("HISTORY")).get(key);
      return object ? await object.text() : null;
    },
    dispose: () => mf.dispose(),
  };
}
