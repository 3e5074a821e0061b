// npm run bench [-- --quick] [--sizes 10,20,50,200] [--ticks 60] [--api-seconds 10] [--connections 10] ... (--help)
//
// Runs the Worker locally (the `wrangler deploy --dry-run` bundle in Miniflare's workerd, see worker-runtime.ts)
// against local targets with a set latency, and measures: CPU per tick (utime+stime of the workerd process from
// /proc/<pid>/stat, less an idle baseline), tick wall time, API and page throughput and latency with the edge cache
// warm and cold, response and bundle weight, and KV/R2 operations per tick with their projection to a day and a
// month. The configs of those runs get limits that keep them in one invocation (no shards), as they were measured
// before shards existed. A last section runs sharded ticks (a coordinator Durable Object calling one ProbeShard object
// per shard) at the Free and the Paid plan's limits. Prints tables and writes bench/results.json. Binds 127.0.0.1
// only; reaches nothing outside this machine.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { OFFLINE_ENV } from "../scripts/offline-env.ts";
import { parseConfigText } from "../src/config/load.ts";
import { planTick } from "../src/shards/plan-shards.ts";
import { prepareTestCa } from "../test/helpers/test-ca.ts";
import { configFor, type Limits, type MonitorKind, startTargets, type TargetCounts, type Targets } from "./targets.ts";
import { type Figures, mean as meanOf, p95, writerConfig, writerDay, type WriterWindows } from "./writer-cpu.ts";
import { FLOOR_TARGET, type ReadFloor, readFloor } from "./read-floor.ts";
import { type FixedCost, fixedCostRun } from "./fixed-cost.ts";
import { request as httpRequest } from "node:http";
import {
  type Bundle,
  bundleWorker,
  classify,
  CLK_TCK,
  COMPATIBILITY_DATE,
  diffOps,
  type OpCounts,
  ROOT,
  type RunningWorker,
  startWorker,
  type StorageOps,
} from "./worker-runtime.ts";

const HELP = `npm run bench [-- options]
  --quick                 a smoke run of about a minute (small sizes, few ticks, 2 s of load)
  --sizes 1,10,20,50,200  monitors per CPU run (mixed http/tls/prometheus; 1 gives the fixed cost of a tick)
  --ticks 60              measured ticks per CPU run (after --warmup ticks; fewer leave the JIT cold and the figure noisy)
  --warmup 10             ticks run before measuring (the first one's CPU is reported on its own)
  --type-size 50          monitors for the per-type CPU runs (0: skip)
  --cpu-latency 5         ms every http/prometheus target waits in the CPU runs
  --wall-sizes 10,50,200  monitors for the wall-time runs (http only)
  --wall-ticks 5          measured ticks per wall-time run
  --latency 100           ms every target waits in the wall-time, hang and sharded runs
  --hang-size 50          monitors in the run with one hanging target (0: skip)
  --hang-timeout 2000     timeoutMs of the hanging monitor
  --hang-ticks 3          measured ticks of that run
  --shard-sizes 200,1000  http monitors per sharded run at the Free plan's limits (the config's defaults; 0: skip)
  --shard-paid-sizes 1000 http monitors per sharded run at Paid limits (subrequests 1000, cpuMs 30000; 0: skip)
  --shard-ticks 5         measured ticks per sharded run (after one first tick; targets take --latency ms)
  --shard-calls 60        shard invocations measured on their own per sharded run (six at a time)
  --writer free,paid      the writer's simulated days: free = 100 http + 20 tls + 20 prometheus at Free limits,
                          paid = 1,000 http at Paid limits (0: skip)
  --api-size 20           monitors behind the API and page runs, the weight and the storage projection
  --api-seconds 10        autocannon duration per endpoint and cache state (0: skip)
  --connections 10        autocannon connections
  --floor-seconds 3       seconds of each read-floor segment: the cached routes and a Worker returning the same
                          bytes from memory, alternately (0: skip)
  --floor-rounds 4        floor and route segments per route, the order swapped every round
  --idle-cap 5            longest idle-baseline window, in seconds
  --fixed-rounds 10       blocks of 5 one-monitor ticks and 5 skeleton ticks for the fixed cost (0: skip)
  --out bench/results.json
  --verbose               echo the Worker's log`;

const { values: args } = parseArgs({
  options: {
    help: { type: "boolean" },
    quick: { type: "boolean" },
    verbose: { type: "boolean" },
    sizes: { type: "string" },
    ticks: { type: "string" },
    warmup: { type: "string" },
    "type-size": { type: "string" },
    "cpu-latency": { type: "string" },
    "wall-sizes": { type: "string" },
    "wall-ticks": { type: "string" },
    latency: { type: "string" },
    "hang-size": { type: "string" },
    "hang-timeout": { type: "string" },
    "hang-ticks": { type: "string" },
    "shard-sizes": { type: "string" },
    "shard-paid-sizes": { type: "string" },
    "shard-ticks": { type: "string" },
    "shard-calls": { type: "string" },
    "api-size": { type: "string" },
    writer: { type: "string" },
    "api-seconds": { type: "string" },
    connections: { type: "string" },
    "floor-seconds": { type: "string" },
    "floor-rounds": { type: "string" },
    "idle-cap": { type: "string" },
    "fixed-rounds": { type: "string" },
    out: { type: "string" },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

const quick = Boolean(args.quick);
const pick = (name: keyof typeof args, full: string, smoke: string) => String(args[name] ?? (quick ? smoke : full));
const int = (name: keyof typeof args, full: string, smoke: string, min = 0) => {
  const raw = pick(name, full, smoke);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) fail(`--${name}: expected an integer >= ${min}, got ${raw}`);
  return n;
};
const list = (name: keyof typeof args, full: string, smoke: string, skippable = false) => {
  const raw = pick(name, full, smoke);
  if (skippable && (raw === "" || raw === "0")) return [];
  const sizes = raw.split(",").filter(Boolean).map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) fail(`--${name}: expected sizes like 10,50,200, got ${raw}`);
  return sizes;
};
function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

const settings = {
  quick,
  sizes: list("sizes", "1,10,20,50,200", "1,10,20,50"),
  ticks: int("ticks", "60", "5", 1),
  warmup: int("warmup", "10", "2", 1),
  typeSize: int("type-size", "50", "10"),
  cpuLatencyMs: int("cpu-latency", "5", "5"),
  wallSizes: list("wall-sizes", "10,50,200", "10,50"),
  wallTicks: int("wall-ticks", "5", "2", 1),
  latencyMs: int("latency", "100", "100"),
  hangSize: int("hang-size", "50", "10"),
  hangTimeoutMs: int("hang-timeout", "2000", "500", 100),
  hangTicks: int("hang-ticks", "3", "2", 1),
  shardSizes: list("shard-sizes", "200,1000", "200,1000", true),
  shardPaidSizes: list("shard-paid-sizes", "1000", "1000", true),
  shardTicks: int("shard-ticks", "5", "1", 1),
  shardCalls: int("shard-calls", "60", "6", 1),
  apiSize: int("api-size", "20", "20", 1),
  writer:
    pick("writer", "free,paid", "free") === "0"
      ? []
      : (pick("writer", "free,paid", "free").split(",").filter(Boolean) as ("free" | "paid")[]),
  apiSeconds: int("api-seconds", "10", "2"),
  connections: int("connections", "10", "10", 1),
  floorSeconds: int("floor-seconds", "3", "2"),
  floorRounds: int("floor-rounds", "4", "2", 1),
  idleCapSeconds: int("idle-cap", "5", "2", 1),
  fixedRounds: int("fixed-rounds", "10", "2"),
  out: pick("out", join(ROOT, "bench/results.json"), join(ROOT, "bench/results.json")),
};
// The fixed-cost ticks stay within one hour (09:00-09:55), so that no archive step runs between them.
if (settings.fixedRounds > 10) fail(`--fixed-rounds: at most 10, got ${settings.fixedRounds}`);
if (settings.ticks + settings.warmup > 1_380) fail("--ticks + --warmup: at most 1380 (the CPU ticks must fit in one simulated day)");

// Free plan figures the results are compared with.
const FREE = {
  cpuMsPerInvocation: 10,
  subrequestsPerInvocation: 50,
  kvWritesPerDay: 1_000,
  kvReadsPerDay: 100_000,
  r2ClassAPerMonth: 1_000_000,
  r2ClassBPerMonth: 10_000_000,
};
const MAX_CONCURRENT_PROBES = 6;
/**
 * Limits that keep every config of the runs before the sharded ones in one invocation, as the Worker ran them before
 * shards existed: no config of theirs passes 10,000 subrequests, 300 s of estimated CPU or 500 monitors.
 */
const INLINE_LIMITS: Limits = { subrequests: 10_000, cpuMs: 300_000, monitorsPerShard: 500 };
/** The Paid plan: 1,000 subrequests and 30 s of CPU an invocation; monitorsPerShard stays at its default. */
const PAID_LIMITS: Limits = { subrequests: 1_000, cpuMs: 30_000 };
/** Durable Objects: requests (HTTP requests to an object count one each) and duration (128 MB while active). */
const DURABLE_OBJECTS = {
  freeRequestsPerDay: 100_000,
  freeGbSecondsPerDay: 13_000,
  paidIncludedRequestsPerMonth: 1_000_000,
  paidIncludedGbSecondsPerMonth: 400_000,
  memoryGb: 0.125,
};
const TICKS_PER_DAY = 1_440;
const TICKS_PER_MONTH = 30 * TICKS_PER_DAY;
const MIXED: MonitorKind[] = ["http", "tls", "prometheus"];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Simulated ticks run on day D, three days back, so that ticks at the real time (the API runs) always come later. */
const D = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
/** The CPU ticks: consecutive minutes ending at D 23:57, within one hour unless more than 57 are asked for. */
const cpuTickTimes = (count: number) => Array.from({ length: count }, (_, k) => D + 23 * HOUR + 57 * MINUTE - (count - 1 - k) * MINUTE);
/** After them: a day boundary, an hour boundary twice, each followed by an ordinary tick. */
const BOUNDARY_TICKS: { at: number; kind: "day" | "hour" | "steady" }[] = [
  { at: D + DAY, kind: "day" },
  { at: D + DAY + MINUTE, kind: "steady" },
  { at: D + DAY + HOUR, kind: "hour" },
  { at: D + DAY + HOUR + MINUTE, kind: "steady" },
  { at: D + DAY + 2 * HOUR, kind: "hour" },
  { at: D + DAY + 2 * HOUR + MINUTE, kind: "steady" },
];

// ---------------------------------------------------------------------------------------------------------------

const startedAt = Date.now();
const log = (message: string) => console.log(`[${((Date.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${message}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

Object.assign(process.env, OFFLINE_ENV);
const tmp = mkdtempSync(join(os.tmpdir(), "edgewatch-bench-"));
// The test CA joins the system bundle through NODE_EXTRA_CA_CERTS, which Miniflare reads when it is first imported:
// workerd then trusts the bench's TLS target, as it would trust a public certificate.
const ca = prepareTestCa(join(tmp, "ca"));
const { Miniflare } = await import("miniflare");

let current: RunningWorker | undefined;
let targets: Targets | undefined;
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await current?.dispose().catch(() => {});
    current = undefined;
    await targets?.close().catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  })();
  return cleaning;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(`\nbench: ${signal}, stopping what it started`);
    void cleanup().then(() => process.exit(130));
  });
}

function machine() {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const workerdNotOurs = readdirWorkerd();
  return {
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    date: new Date().toISOString(),
    clockTicksPerSecond: CLK_TCK,
    loadAverage1m: round(os.loadavg()[0] ?? 0, 2),
    otherWorkerdProcesses: workerdNotOurs,
  };
}

/** workerd processes on the machine that this bench did not start (other runs compete for the same cores). */
function readdirWorkerd(): number {
  let n = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "workerd" && Number(entry) !== current?.pid) n++;
    } catch {
      // gone
    }
  }
  return n;
}

// ---------------------------------------------------------------------------------------------------------------

interface Batch {
  ticks: number;
  wallMs: number[];
  /** durationMs of the Worker's own `tick done` lines (its clock: probes and storage). */
  insideMs: number[];
  cpuMsPerTick: number;
  idleCpuMsPerSecond: number;
  ops: OpCounts;
  target: TargetCounts;
  failedTicks: number;
}

function rssMiB(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? round(Number(kb) / 1024, 0) : null;
  } catch {
    return null;
  }
}

/** Idle CPU rate of the workerd process: ms of CPU per second of wall time, over `ms` without requests. */
async function idleRate(worker: RunningWorker, ms: number): Promise<number> {
  await sleep(300); // let whatever the last request left behind settle
  const cpu0 = worker.cpuMs();
  const t0 = performance.now();
  await sleep(ms);
  return (worker.cpuMs() - cpu0) / ((performance.now() - t0) / 1000);
}

/** Runs the ticks one after the other; CPU is the workerd process's, less the idle rate times the batch's duration. */
async function runBatch(worker: RunningWorker, times: number[], idleCpuMsPerSecond: number): Promise<Batch> {
  const ops0 = await worker.ops();
  const target0 = targets!.counts();
  const done0 = worker.ticksDone.length;
  const cpu0 = worker.cpuMs();
  const t0 = performance.now();
  const wallMs: number[] = [];
  let failedTicks = 0;
  for (const at of times) {
    const tick = await worker.tick(at);
    wallMs.push(tick.wallMs);
    if (!tick.ok) failedTicks++;
  }
  const elapsedS = (performance.now() - t0) / 1000;
  const cpu = worker.cpuMs() - cpu0;
  const target1 = targets!.counts();
  const ops = diffOps(await worker.ops(), ops0);
  return {
    ticks: times.length,
    wallMs,
    insideMs: worker.ticksDone.slice(done0).map((t) => t.durationMs),
    cpuMsPerTick: (cpu - idleCpuMsPerSecond * elapsedS) / times.length,
    idleCpuMsPerSecond,
    ops,
    target: { httpRequests: target1.httpRequests - target0.httpRequests, tlsConnections: target1.tlsConnections - target0.tlsConnections },
    failedTicks,
  };
}

async function withWorker<T>(config: string, fn: (worker: RunningWorker) => Promise<T>): Promise<T> {
  current = await startWorker(Miniflare, bundle.code, config, { verbose: Boolean(args.verbose) });
  try {
    return await fn(current);
  } catch (error) {
    console.error(`bench: the Worker's last log lines:\n  ${current.recentLog().join("\n  ")}`);
    throw error;
  } finally {
    await current.dispose();
    current = undefined;
  }
}

const kindsOf = (n: number, kinds: MonitorKind[]) => {
  const out: Partial<Record<MonitorKind, number>> = {};
  for (let i = 0; i < n; i++) out[kinds[i % kinds.length]!] = (out[kinds[i % kinds.length]!] ?? 0) + 1;
  return out;
};

/**
 * The fixed cost against the skeleton tick (fixed-cost.ts), in an hour of its own (09:00-09:50, no archive step
 * between the ticks). The skeleton fetches the monitor's own target and puts as many bytes as latest.json has.
 */
async function fixedCost(worker: RunningWorker, config: string): Promise<FixedCost> {
  const first = D + 9 * HOUR;
  if (!(await worker.tick(first)).ok) throw new Error("fixed cost: the first tick failed");
  const latestBytes = (await worker.objects()).find((o) => o.key === "latest.json")?.size ?? 0;
  const url = (JSON.parse(config) as { monitors: { url: string }[] }).monitors[0]!.url;
  const setup = await fetch(new URL(`/__bench/skeleton?url=${encodeURIComponent(url)}&latestBytes=${latestBytes}`, worker.url));
  await setup.arrayBuffer();
  const idle = await idleRate(worker, Math.min(2_000, settings.idleCapSeconds * 1000));
  return fixedCostRun(worker, { firstMs: first + MINUTE, warmup: 5, rounds: settings.fixedRounds, block: 5, idleCpuMsPerSecond: idle });
}

/** Warm-up ticks, an idle baseline, then the measured CPU ticks. */
async function cpuRun(worker: RunningWorker, n: number) {
  const times = cpuTickTimes(settings.warmup + settings.ticks);
  const first = await runBatch(worker, times.slice(0, 1), 0);
  const warm = await runBatch(worker, times.slice(1, settings.warmup), 0);
  if (!warm.ticks) warm.wallMs.push(...first.wallMs);
  const expectedMs = Math.max(...warm.wallMs.slice(1), mean(warm.wallMs)) * settings.ticks;
  const idle = await idleRate(worker, Math.min(expectedMs, settings.idleCapSeconds * 1000));
  const batch = await runBatch(worker, times.slice(settings.warmup), idle);
  const subrequests = (batch.target.httpRequests + batch.target.tlsConnections) / batch.ticks;
  const latestBytes = (await worker.objects()).find((o) => o.key === "latest.json")?.size ?? null;
  // Every tick calls the Coordinator object once (the writer), so an empty object call is calibrated too.
  const calibration = await calibrate(worker, idle, true);
  const steady = classify(batch.ops);
  return {
    monitors: n,
    batch,
    firstTickOps: classify(first.ops),
    summary: {
      monitors: n,
      cpuMsPerTick: round(batch.cpuMsPerTick, 2),
      cpuMsPerMonitor: round(batch.cpuMsPerTick / n, 3),
      freePlanCpuMs: FREE.cpuMsPerInvocation,
      withinFreeCpu: batch.cpuMsPerTick <= FREE.cpuMsPerInvocation,
      idleCpuMsPerSecond: round(idle, 2),
      firstTickCpuMs: round(first.cpuMsPerTick, 0),
      ticks: batch.ticks,
      wallMsPerTick: round(mean(batch.wallMs), 0),
      insideMsPerTick: round(mean(batch.insideMs), 0),
      subrequestsPerTick: round(subrequests, 1),
      httpRequestsPerTick: round(batch.target.httpRequests / batch.ticks, 1),
      tlsConnectionsPerTick: round(batch.target.tlsConnections / batch.ticks, 1),
      withinFreeSubrequests: subrequests <= FREE.subrequestsPerInvocation,
      workerdRssMiB: rssMiB(worker.pid),
      latestJsonBytes: latestBytes,
      r2ReadWritesPerTick: (steady.r2ClassA + steady.r2ClassB) / 2 / batch.ticks,
      r2WritesPerTick: steady.r2ClassA / batch.ticks,
      r2ReadsPerTick: steady.r2ClassB / batch.ticks,
      /** Filled in by splitCpu() once every run has been calibrated. */
      runtimeIoMsPerTick: NaN,
      workerJsMsPerTick: NaN,
      calibration,
      failedTicks: batch.failedTicks,
    },
  };
}

/**
 * CPU of the runtime's own work, per operation, in the same workerd: an empty request through the harness, a fetch
 * of a target that answers at once, an R2 read and write of an object as big as latest.json (through the local R2
 * simulator), and opening a TLS and a plain TCP connection. Less the idle rate; n repetitions inside one request.
 */
async function calibrate(worker: RunningWorker, idlePerSecond: number, durableObjects = false) {
  const latestBytes = (await worker.objects()).find((o) => o.key === "latest.json")?.size ?? 0;
  const measure = async (n: number, run: () => Promise<unknown>) => {
    await run(); // warm
    const cpu0 = worker.cpuMs();
    const t0 = performance.now();
    await run();
    const elapsed = (performance.now() - t0) / 1000;
    return round((worker.cpuMs() - cpu0 - idlePerSecond * elapsed) / n, 3);
  };
  const inside = (query: string) => async () => {
    const response = await fetch(new URL(`/__bench/calibrate?${query}`, worker.url));
    if (!response.ok) throw new Error(`calibration ${query}: HTTP ${response.status}`);
    await response.arrayBuffer();
  };
  // /proc counts in clock ticks (10 ms): enough repetitions for a resolution of about 0.03 ms (0.2 ms for R2).
  const N = quick ? 50 : 300;
  const R2_N = quick ? 20 : 50;
  const requests = async () => {
    for (let i = 0; i < N; i++) await (await fetch(new URL("/__bench/noop", worker.url))).arrayBuffer();
  };
  return {
    requestMs: await measure(N, requests),
    fetchMs: await measure(N, inside(`what=fetch&n=${N}&url=${encodeURIComponent(`${targets!.httpBase}/lat/0/health/calibration`)}`)),
    r2ReadWriteMs: await measure(R2_N, inside(`what=r2&n=${R2_N}`)),
    // A tick writes latest.json and seldom reads anything: a put and a get weigh differently in the simulator.
    r2PutMs: await measure(R2_N, inside(`what=r2put&n=${R2_N}&bytes=${latestBytes}`)),
    r2GetMs: await measure(R2_N, inside(`what=r2get&n=${R2_N}`)),
    tlsConnectMs: await measure(N, inside(`what=tls&n=${N}&port=${targets!.tlsPort}`)),
    tcpConnectMs: await measure(N, inside(`what=tcp&n=${N}&port=${targets!.tlsPort}`)),
    /** An empty request to a Durable Object and its answer (sharded runs only). */
    ...(durableObjects ? { doRequestMs: await measure(N, inside(`what=do&n=${N}`)) } : {}),
    /** The same with one small SQLite row written in it. */
    ...(durableObjects ? { doWriteMs: await measure(N, inside(`what=dowrite&n=${N}`)) } : {}),
  };
}

type CpuSummary = Awaited<ReturnType<typeof cpuRun>>["summary"];
type Calibration = Awaited<ReturnType<typeof calibrate>>;

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

interface SharedCosts {
  requestMs: number;
  fetchMs: number;
  tlsConnectMs: number;
  tcpConnectMs: number;
  doRequestMs: number;
}

/** The per-operation costs that do not depend on the config: the medians over the calibrations of several runs. */
function sharedCosts(calibrations: Calibration[]): SharedCosts {
  const cal = (k: keyof SharedCosts) => round(median(calibrations.map((c) => c[k] ?? 0)), 3);
  return {
    requestMs: cal("requestMs"),
    fetchMs: cal("fetchMs"),
    tlsConnectMs: cal("tlsConnectMs"),
    tcpConnectMs: cal("tcpConnectMs"),
    doRequestMs: cal("doRequestMs"),
  };
}

/**
 * Splits each run's CPU into the runtime's own I/O (what the calibration says the trigger request, the R2 read and
 * write, each HTTP request and, per TLS monitor, one plain and one runtime-TLS connection cost) and the rest, an
 * estimate of the Worker's own JavaScript. The per-operation costs are the medians over all runs (they do not depend
 * on the config), except R2's, which grows with latest.json and is taken from the run itself.
 */
function splitCpu(runs: CpuSummary[]): SharedCosts {
  const shared = sharedCosts(runs.map((r) => r.calibration));
  for (const r of runs) {
    const io =
      shared.requestMs +
      shared.doRequestMs +
      r.r2WritesPerTick * r.calibration.r2PutMs +
      r.r2ReadsPerTick * r.calibration.r2GetMs +
      r.httpRequestsPerTick * shared.fetchMs +
      (r.tlsConnectionsPerTick / 2) * (shared.tlsConnectMs + shared.tcpConnectMs);
    r.runtimeIoMsPerTick = round(io, 2);
    r.workerJsMsPerTick = round(r.cpuMsPerTick - io, 2);
  }
  return shared;
}

/**
 * A simple model from the runs: the fixed cost of a tick is the 1-monitor run's, and each type's cost per monitor is
 * what its per-type run adds to that. Gives how many monitors of each type fit in the Free plan's 10 ms, and checks
 * itself against the mixed runs.
 */
function cpuModel(mixed: CpuSummary[], byType: (CpuSummary & { type: MonitorKind })[], pick: (r: CpuSummary) => number) {
  const one = mixed.find((r) => r.monitors === 1);
  if (!one || byType.length === 0) return null;
  const fixedMs = pick(one);
  const perMonitorMs: Partial<Record<MonitorKind, number>> = {};
  const within10Ms: Partial<Record<MonitorKind, number>> = {};
  for (const r of byType) {
    const per = (pick(r) - fixedMs) / Math.max(1, r.monitors - 1);
    perMonitorMs[r.type] = round(per, 3);
    within10Ms[r.type] = per > 0 ? Math.max(0, 1 + Math.floor((FREE.cpuMsPerInvocation - fixedMs) / per)) : 0;
  }
  const predicted = mixed
    .filter((r) => r.monitors > 1)
    .map((r) => {
      const kinds = kindsOf(r.monitors, MIXED);
      const y = fixedMs + MIXED.reduce((a, k) => a + (kinds[k] ?? 0) * (perMonitorMs[k] ?? NaN), 0);
      return { monitors: r.monitors, predictedMs: round(y, 1), measuredMs: pick(r) };
    });
  return { fixedMs, perMonitorMs, monitorsWithin10Ms: within10Ms, mixedCheck: predicted };
}

/** KV and R2 operations per tick by kind of tick, measured through the harness's counting proxies. */
async function storageRun(worker: RunningWorker, steady: Batch) {
  const byKind: Record<"day" | "hour" | "steady", StorageOps[]> = { day: [], hour: [], steady: [] };
  for (const { at, kind } of BOUNDARY_TICKS) {
    const batch = await runBatch(worker, [at], 0);
    byKind[kind].push(classify(batch.ops));
  }
  const avg = (list: StorageOps[]): StorageOps => {
    const keys = ["r2ClassA", "r2ClassB", "r2Deletes", "kvReads", "kvWrites", "kvLists"] as const;
    return Object.fromEntries(keys.map((k) => [k, round(mean(list.map((o) => o[k])), 2)])) as StorageOps;
  };
  const steadyOps = classify(steady.ops);
  const steadyPerTick = Object.fromEntries(Object.entries(steadyOps).map(([k, v]) => [k, round(v / steady.ticks, 3)])) as StorageOps;
  return {
    steadyPerTick,
    steadyTicks: steady.ticks,
    hourBoundaryTick: avg(byKind.hour),
    dayBoundaryTick: avg(byKind.day),
    steadyAfterBoundary: avg(byKind.steady),
  };
}

type StorageResult = Awaited<ReturnType<typeof storageRun>>;

/** A day of one tick a minute: 1,440 ticks, of which 23 start a new hour and 1 a new day (and an hour). */
function project(monitors: number, s: StorageResult) {
  const day = (k: keyof StorageOps) => round(1_416 * s.steadyPerTick[k] + 23 * s.hourBoundaryTick[k] + 1 * s.dayBoundaryTick[k], 0);
  const perDay = { r2ClassA: day("r2ClassA"), r2ClassB: day("r2ClassB"), kvReads: day("kvReads"), kvWrites: day("kvWrites") };
  const perMonth = {
    r2ClassA: perDay.r2ClassA * 30,
    r2ClassB: perDay.r2ClassB * 30,
    kvReads: perDay.kvReads * 30,
    kvWrites: perDay.kvWrites * 30,
  };
  return {
    monitors,
    perDay,
    perMonth,
    shareOfFree: {
      kvWritesPerDay: round(perDay.kvWrites / FREE.kvWritesPerDay, 4),
      kvReadsPerDay: round(perDay.kvReads / FREE.kvReadsPerDay, 4),
      r2ClassAPerMonth: round(perMonth.r2ClassA / FREE.r2ClassAPerMonth, 4),
      r2ClassBPerMonth: round(perMonth.r2ClassB / FREE.r2ClassBPerMonth, 4),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

const API_PATHS = ["/api/status", "/", "/api/v2/summary.json"];

async function weightOf(worker: RunningWorker) {
  const out: Record<string, { status: number; contentType: string | null; bytes: number; gzipBytes: number; cacheControl: string | null }> =
    {};
  for (const path of API_PATHS) {
    const response = await fetch(new URL(path, worker.url), { headers: { "accept-encoding": "identity" } });
    const body = Buffer.from(await response.arrayBuffer());
    out[path] = {
      status: response.status,
      contentType: response.headers.get("content-type"),
      bytes: body.length,
      gzipBytes: gzipSync(body).length,
      cacheControl: response.headers.get("cache-control"),
    };
  }
  return out;
}

/** The cold run is only cold if a host of its own misses the cache. */
async function expectColdMisses(worker: RunningWorker, path: string): Promise<void> {
  // node:http, not fetch: fetch sets Host itself.
  const cacheState = (host: string) =>
    new Promise<string | undefined>((resolve, reject) => {
      const request = httpRequest(new URL(path, worker.url), { headers: { host } }, (response) => {
        response.resume();
        response.on("end", () => resolve(response.headers["x-edge-cache"] as string | undefined));
      });
      request.on("error", reject).end();
    });
  // One host fills the cache; another must still miss it, or the cold figures would be warm ones.
  await cacheState("cold-check-a.bench.test");
  const other = await cacheState("cold-check-b.bench.test");
  if (other === "hit") throw new Error(`cold run of ${path}: a new host was answered from the cache`);
}

async function load(worker: RunningWorker, path: string, cold: boolean) {
  if (!cold) {
    // A fresh tick first, so the answers are fresh for up to a minute; then one request to fill the cache.
    await worker.tick(Date.now());
    await (await fetch(new URL(path, worker.url))).arrayBuffer();
  }
  let n = 0;
  if (cold) await expectColdMisses(worker, path);
  const ops0 = await worker.ops();
  const cpu0 = worker.cpuMs();
  const result = await autocannon({
    url: new URL(path, worker.url).href,
    connections: settings.connections,
    duration: settings.apiSeconds,
    // Cold: every request a host of its own. The edge cache's key is canonical (a query string no longer makes a
    // new entry), but it keeps the origin, which workerd takes from the Host header: so the cache never has it.
    ...(cold
      ? { requests: [{ method: "GET", setupRequest: (req) => ({ ...req, headers: { ...req.headers, host: `cold-${n++}.bench.test` } }) }] }
      : {}),
  });
  const cpu = worker.cpuMs() - cpu0;
  const ops = classify(diffOps(await worker.ops(), ops0));
  const requests = result.requests.total ?? 0;
  return {
    path,
    cache: cold ? "cold" : "warm",
    requestsPerSecond: round(result.requests.average, 0),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMeanMs: round(result.latency.mean, 2),
    requests,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpuMsPerRequest: requests ? round(cpu / requests, 3) : null,
    r2ReadsPerRequest: requests ? round(ops.r2ClassB / requests, 3) : null,
    kvReadsPerRequest: requests ? round(ops.kvReads / requests, 3) : null,
  };
}

// ---------------------------------------------------------------------------------------------------------------

/** What a shard answers (src/shards/shard-protocol.ts ShardResponse), as far as the bench reads it. */
interface ShardAnswer {
  key: string;
  subrequests: number;
  results: { monitorId: string; status: string; unknown?: true }[];
}

const SHARD_GAVE_UP = "probe shard gave no results; its monitors are unknown this tick";

/**
 * A sharded tick, end to end: the cron's invocation calls one ProbeShard object per shard (six at a time), then hands
 * the results to the Coordinator object, which writes all state. One first tick, an idle baseline, the measured ticks;
 * then one shard invocation on its own (the plan's first shard as a ShardRequest, POSTed to a ProbeShard object
 * through the harness, six at a time, --shard-calls times) and a calibration of the runtime's I/O.
 */
async function shardedRun(n: number, tier: "free" | "paid") {
  const limits = tier === "paid" ? PAID_LIMITS : undefined;
  const config = configFor(targets!, n, ["http"], settings.latencyMs, limits ? { limits } : {});
  // The Worker's own plan for this config (src/shards/plan-shards.ts, run here in Node as check-config does).
  const parsed = parseConfigText(config);
  if (!parsed.ok) throw new Error(`sharded config: ${parsed.errors.join("; ")}`);
  const plan = planTick(parsed.config);
  if (plan.inline || !plan.shards[0]) throw new Error(`sharded run of ${n} monitors: planTick keeps it inline`);
  const sizes = plan.shards.map((shard) => shard.monitors.length);
  const planned = {
    shards: plan.shards.length,
    dropped: plan.dropped.length,
    monitorsPerShardMax: Math.max(...sizes),
    monitorsPerShardMin: Math.min(...sizes),
    monitorsInDroppedShards: plan.dropped.reduce((k, shard) => k + shard.monitors.length, 0),
  };
  const typical = plan.shards[0];
  return withWorker(config, async (worker) => {
    const gaveUp = () => worker.messages.get(SHARD_GAVE_UP) ?? 0;
    const times = cpuTickTimes(1 + settings.shardTicks);
    const first = await runBatch(worker, times.slice(0, 1), 0);
    const idle = await idleRate(worker, Math.min((first.wallMs[0] ?? 1000) * settings.shardTicks, settings.idleCapSeconds * 1000));
    const gaveUp0 = gaveUp();
    const done0 = worker.ticksDone.length;
    const batch = await runBatch(worker, times.slice(1), idle);
    await sleep(300); // the last log lines of the tick reach Node after its answer
    const gaveUpPerTick = (gaveUp() - gaveUp0) / batch.ticks;
    const ticksWithoutDone = batch.ticks - (worker.ticksDone.length - done0);
    const perTick = (ops: OpCounts, k: string, ticks: number) => (ops[k] ?? 0) / ticks;
    const shardCalls = perTick(batch.ops, "do.ProbeShard", batch.ticks);
    const coordinatorCalls = perTick(batch.ops, "do.Coordinator", batch.ticks);
    const storageByOp = (ops: OpCounts, ticks: number) =>
      Object.fromEntries(
        Object.entries(ops)
          .filter(([k]) => k.startsWith("kv.") || k.startsWith("r2."))
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => [k, round(v / ticks, 2)]),
      );
    const perTickOps = (ops: OpCounts, ticks: number) =>
      Object.fromEntries(Object.entries(classify(ops)).map(([k, v]) => [k, round(v / ticks, 2)])) as StorageOps;
    const status = (await (await fetch(new URL("/api/status", worker.url))).json()) as { monitors: { id: string; status: string }[] };
    const statusCounts: Record<string, number> = {};
    for (const m of status.monitors) statusCounts[m.status] = (statusCounts[m.status] ?? 0) + 1;

    // One shard invocation on its own: the plan's first shard, as the coordinator sends it (collect-sharded.ts), to
    // the objects bench/0..5 (warmed once each), six requests in flight.
    const monitors = typical.monitors;
    const body = (key: string) =>
      JSON.stringify({
        key,
        tickAt: new Date(times.at(-1)!).toISOString(),
        location: typical.location,
        subrequests: parsed.config.limits.subrequests,
        monitors,
      });
    const callShard = async (key: string): Promise<ShardAnswer> => {
      const response = await fetch(new URL(`/__bench/shard?key=${encodeURIComponent(key)}`, worker.url), {
        method: "POST",
        body: body(key),
        headers: { "content-type": "application/json" },
      });
      if (!response.ok) throw new Error(`POST /__bench/shard: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
      return (await response.json()) as ShardAnswer;
    };
    const keys = Array.from({ length: Math.min(MAX_CONCURRENT_PROBES, settings.shardCalls) }, (_, i) => `bench/${i}`);
    await Promise.all(keys.map(callShard));
    await sleep(300);
    const target0 = targets!.counts();
    const cpu0 = worker.cpuMs();
    const t0 = performance.now();
    const callWallMs: number[] = [];
    let started = 0;
    let notUp = 0;
    let reported = 0;
    await Promise.all(
      keys.map(async (key) => {
        while (started < settings.shardCalls) {
          started++;
          const s0 = performance.now();
          const answer = await callShard(key);
          callWallMs.push(performance.now() - s0);
          reported += answer.results.length;
          notUp += answer.results.filter((r) => r.unknown || r.status !== "up").length;
        }
      }),
    );
    const callsElapsedS = (performance.now() - t0) / 1000;
    const perCallMs = (worker.cpuMs() - cpu0 - idle * callsElapsedS) / settings.shardCalls;
    const httpPerCall = (targets!.counts().httpRequests - target0.httpRequests) / settings.shardCalls;

    // The cron's invocation alone: the writer answers at once and each shard gives its last answer again
    // (worker-runtime.ts, cron-only), so that the tick's CPU is the cron's planning, calls and merging.
    await fetch(new URL("/__bench/cron-only?on=1", worker.url));
    const cronTimes = Array.from({ length: 1 + settings.shardTicks * 2 }, (_, k) => times.at(-1)! + (k + 1) * MINUTE);
    await runBatch(worker, cronTimes.slice(0, 1), idle);
    const cronBatch = await runBatch(worker, cronTimes.slice(1), idle);
    await fetch(new URL("/__bench/cron-only?on=0", worker.url));

    const calibration = await calibrate(worker, idle, true);
    const steady = classify(batch.ops);
    const wallMean = mean(batch.wallMs);
    const shardWallMean = mean(callWallMs);
    // Duration: each shard for its call, the coordinator for its part, at most the tick less the shards' wall (128 MB
    // each, while active). The cron's invocation, which waits for the shards, is a Worker: no duration is billed.
    const gbSecondsPerTick = DURABLE_OBJECTS.memoryGb * ((Math.max(0, wallMean - shardWallMean) + shardCalls * shardWallMean) / 1000);
    const doPerTick = shardCalls + coordinatorCalls;
    const called = Math.round(shardCalls);
    const idealMs =
      Math.ceil(called / MAX_CONCURRENT_PROBES) * Math.ceil(planned.monitorsPerShardMax / MAX_CONCURRENT_PROBES) * settings.latencyMs;
    return {
      plan: tier,
      monitors: n,
      limits: parsed.config.limits,
      targetLatencyMs: settings.latencyMs,
      planned,
      ticks: batch.ticks,
      shardsPerTick: round(shardCalls, 2),
      shardsWithoutResultsPerTick: round(gaveUpPerTick, 2),
      plannedShardsPerTick: round(shardCalls + gaveUpPerTick, 2),
      subrequestsPerTick: round(batch.target.httpRequests / batch.ticks, 1),
      r2ReadWritesPerTick: (steady.r2ClassA + steady.r2ClassB) / 2 / batch.ticks,
      r2WritesPerTick: steady.r2ClassA / batch.ticks,
      r2ReadsPerTick: steady.r2ClassB / batch.ticks,
      wallMsFirstTick: round(first.wallMs[0] ?? NaN, 0),
      wallMsMean: round(wallMean, 0),
      wallMsMin: round(Math.min(...batch.wallMs), 0),
      wallMsMax: round(Math.max(...batch.wallMs), 0),
      insideMsMean: round(mean(batch.insideMs), 0),
      idealMs,
      cpuMsPerTick: round(batch.cpuMsPerTick, 1),
      firstTickCpuMs: round(first.cpuMsPerTick, 0),
      idleCpuMsPerSecond: round(idle, 2),
      /** Filled in by splitSharded() once every run has been calibrated. */
      runtimeIoMsPerTick: NaN,
      workerJsMsPerTick: NaN,
      /** The cron's invocation of a sharded tick alone (process CPU; Worker JS filled in by splitSharded()). */
      cronInvocation: { ticks: cronBatch.ticks, processCpuMs: round(cronBatch.cpuMsPerTick, 2), workerJsMs: NaN, withinLimitCpuMs: false },
      shardInvocation: {
        monitors: monitors.length,
        calls: settings.shardCalls,
        inFlight: keys.length,
        wallMsMean: round(shardWallMean, 0),
        httpRequestsPerCall: round(httpPerCall, 1),
        resultsPerCall: round(reported / settings.shardCalls, 1),
        notUpPerCall: round(notUp / settings.shardCalls, 2),
        /** CPU of the workerd process per POST /__bench/shard, less its idle rate. */
        measuredCpuMsPerCall: round(perCallMs, 2),
        processCpuMs: NaN,
        runtimeIoMs: NaN,
        workerJsMs: NaN,
        withinLimitCpuMs: false,
      },
      coordinator: { processCpuMs: NaN, workerJsMs: NaN, withinLimitCpuMs: false },
      storagePerTick: { byOp: storageByOp(batch.ops, batch.ticks), billed: perTickOps(batch.ops, batch.ticks) },
      storageFirstTick: { byOp: storageByOp(first.ops, 1), billed: perTickOps(first.ops, 1) },
      durableObjects: {
        requestsPerTick: round(doPerTick, 2),
        shardRequestsPerTick: round(shardCalls, 2),
        coordinatorRequestsPerTick: round(coordinatorCalls, 2),
        requestsPerDay: round(doPerTick * TICKS_PER_DAY, 0),
        requestsPerMonth: round(doPerTick * TICKS_PER_MONTH, 0),
        shareOfFreeRequestsPerDay: round((doPerTick * TICKS_PER_DAY) / DURABLE_OBJECTS.freeRequestsPerDay, 4),
        shareOfPaidIncludedRequestsPerMonth: round((doPerTick * TICKS_PER_MONTH) / DURABLE_OBJECTS.paidIncludedRequestsPerMonth, 4),
        gbSecondsPerTickEstimate: round(gbSecondsPerTick, 3),
        gbSecondsPerDayEstimate: round(gbSecondsPerTick * TICKS_PER_DAY, 0),
        shareOfFreeGbSecondsPerDay: round((gbSecondsPerTick * TICKS_PER_DAY) / DURABLE_OBJECTS.freeGbSecondsPerDay, 4),
      },
      unknownMonitors: statusCounts.unknown ?? 0,
      statusCounts,
      failedTicks: batch.failedTicks,
      ticksWithoutTickDone: ticksWithoutDone,
      workerdRssMiB: rssMiB(worker.pid),
      latestJsonBytes: (await worker.objects()).find((o) => o.key === "latest.json")?.size ?? null,
      calibration,
      /** The per-operation costs splitSharded() used. */
      runtimeIoUsed: null as null | (SharedCosts & { r2PutMs: number; r2GetMs: number; doRequestMs: number }),
    };
  });
}

type ShardedResult = Awaited<ReturnType<typeof shardedRun>>;

/**
 * Splits the sharded runs' CPU like splitCpu(): the runtime's I/O by the calibrated cost of each operation (the
 * medians of every run's calibration, R2's from the run itself, an empty Durable Object request's the median of the
 * sharded runs'), the rest an estimate of the Worker's JavaScript. A shard invocation is the measured call less the
 * bench's own request into the harness; its I/O one object request and its probes' fetches. The tick's I/O: the cron
 * request, each object request, the R2 reads and writes, each probe's fetch. "coordinator": the tick less its shards,
 * that is the cron's invocation and the writer together (the writer alone is measured in its own section).
 */
function splitSharded(runs: ShardedResult[], shared: SharedCosts) {
  const doRequestMs = round(median(runs.map((r) => r.calibration.doRequestMs ?? 0)), 3);
  for (const r of runs) {
    const costs = { ...shared, r2PutMs: r.calibration.r2PutMs, r2GetMs: r.calibration.r2GetMs, doRequestMs };
    const s = r.shardInvocation;
    const shardProcess = s.measuredCpuMsPerCall - costs.requestMs;
    const shardIo = costs.doRequestMs + s.httpRequestsPerCall * costs.fetchMs;
    s.processCpuMs = round(shardProcess, 2);
    s.runtimeIoMs = round(shardIo, 2);
    s.workerJsMs = round(shardProcess - shardIo, 2);
    s.withinLimitCpuMs = shardProcess - shardIo <= r.limits.cpuMs;
    const tickIo =
      costs.requestMs +
      r.durableObjects.requestsPerTick * costs.doRequestMs +
      r.r2WritesPerTick * costs.r2PutMs +
      r.r2ReadsPerTick * costs.r2GetMs +
      r.subrequestsPerTick * costs.fetchMs;
    const tickJs = r.cpuMsPerTick - tickIo;
    // The cron's own invocation: its request and one object call per shard and to the writer.
    const cronJs = r.cronInvocation.processCpuMs - costs.requestMs - r.durableObjects.requestsPerTick * costs.doRequestMs;
    r.cronInvocation.workerJsMs = round(cronJs, 2);
    r.cronInvocation.withinLimitCpuMs = cronJs <= r.limits.cpuMs;
    r.runtimeIoMsPerTick = round(tickIo, 1);
    r.workerJsMsPerTick = round(tickJs, 1);
    r.coordinator = {
      processCpuMs: round(r.cpuMsPerTick - r.shardsPerTick * shardProcess, 1),
      workerJsMs: round(tickJs - r.shardsPerTick * (shardProcess - shardIo), 1),
      withinLimitCpuMs: tickJs - r.shardsPerTick * (shardProcess - shardIo) <= r.limits.cpuMs,
    };
    r.runtimeIoUsed = costs;
  }
}

/** The writer's figures against its budget: 10 ms an invocation on the Free plan; 20 ms at 1,000 monitors (Paid). */
function summariseWriter(kind: "free" | "paid", monitors: number, w: WriterWindows) {
  const budgetMs = kind === "free" ? FREE.cpuMsPerInvocation : 20;
  return {
    kind,
    monitors,
    budgetMs,
    ...writerFigures(w, budgetMs),
    /** The same on workerd's main thread alone (without V8's background threads): see worker-runtime.ts. */
    mainThread: writerFigures(w.mainThread, budgetMs),
    latestBytes: w.latestBytes,
    latestBytesPerMonitor: round(w.latestBytes / monitors, 0),
    hotStateBytes: { at2359: w.hotBytes2359, at0005: w.hotBytes0005 },
  };
}

function writerFigures(w: Figures, budgetMs: number) {
  const stat = (xs: number[]) => ({
    mean: round(meanOf(xs), 2),
    median: round(median(xs), 2),
    p95: round(p95(xs), 2),
    max: round(Math.max(...xs), 2),
    n: xs.length,
  });
  const steps = Object.fromEntries(Object.entries(w.steps).map(([k, xs]) => [k, stat(xs)]));
  const worst = Math.max(...w.at0900, ...w.at2359, ...w.at0005, ...w.hourBoundary, ...w.dayBoundary, ...Object.values(w.steps).flat());
  return {
    at0900: stat(w.at0900),
    at2359: stat(w.at2359),
    at0005: stat(w.at0005),
    hourBoundary: stat(w.hourBoundary),
    dayBoundaryTickMs: round(w.dayBoundary[0] ?? NaN, 2),
    // Medians: what a typical minute costs at each time; a garbage collection in one window would skew the means.
    lateOverEarly: round(median(w.at2359) / median(w.at0005), 2),
    lateOverEarlyMeans: round(meanOf(w.at2359) / meanOf(w.at0005), 2),
    steps,
    worstInvocationMs: round(worst, 2),
    withinBudget: worst <= budgetMs,
    /** Every measured invocation, in order, for finding what the slow ones share. */
    invocations: {
      at0900: w.at0900.map((x) => round(x, 2)),
      at2359: w.at2359.map((x) => round(x, 2)),
      at0005: w.at0005.map((x) => round(x, 2)),
      hourBoundary: w.hourBoundary.map((x) => round(x, 2)),
      steps: Object.fromEntries(Object.entries(w.steps).map(([k, xs]) => [k, xs.map((x) => round(x, 2))])),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

const machineBefore = machine();
// The 1-minute load average every 5 s: other work on the machine changes the CPU figures.
const loadSamples: number[] = [os.loadavg()[0] ?? 0];
const loadSampler = setInterval(() => loadSamples.push(os.loadavg()[0] ?? 0), 5_000);
loadSampler.unref();
log(
  `machine: ${machineBefore.cpuModel}, ${machineBefore.cores} cores, Node ${machineBefore.node}; load ${machineBefore.loadAverage1m}, ${machineBefore.otherWorkerdProcesses} other workerd processes running`,
);
log("bundling: wrangler deploy --dry-run");
const bundle: Bundle = await bundleWorker(tmp);
log(`bundle ${(bundle.rawBytes / 1024).toFixed(0)} KiB, gzip ${(bundle.gzipBytes / 1024).toFixed(0)} KiB`);
targets = await startTargets(ca);

const results: Record<string, unknown> = {};
let exitCode = 0;
try {
  // CPU per tick, mixed types; storage per tick and the API on the --api-size run.
  const cpu: (CpuSummary & { types: Partial<Record<MonitorKind, number>> })[] = [];
  const storage: Record<string, StorageResult & { firstTick: StorageOps }> = {};
  let api: Awaited<ReturnType<typeof load>>[] = [];
  let weight: Awaited<ReturnType<typeof weightOf>> | undefined;
  let floor: ReadFloor | undefined;
  const sizes = [...new Set([...settings.sizes, settings.apiSize])].sort((a, b) => a - b);
  for (const n of sizes) {
    log(`CPU: ${n} monitors (${JSON.stringify(kindsOf(n, MIXED))}), ${settings.warmup} + ${settings.ticks} ticks`);
    await withWorker(configFor(targets, n, MIXED, settings.cpuLatencyMs, { limits: INLINE_LIMITS }), async (worker) => {
      const run = await cpuRun(worker, n);
      cpu.push({ ...run.summary, types: kindsOf(n, MIXED) });
      log(
        `  ${run.summary.cpuMsPerTick} ms CPU a tick, ${run.summary.wallMsPerTick} ms wall, ${run.summary.subrequestsPerTick} subrequests`,
      );
      storage[n] = { ...(await storageRun(worker, run.batch)), firstTick: run.firstTickOps };
      if (n === settings.apiSize) {
        await worker.tick(Date.now());
        weight = await weightOf(worker);
        if (settings.apiSeconds > 0) {
          for (const path of API_PATHS) {
            for (const cold of [false, true]) {
              log(`API: ${path} ${cold ? "cold" : "warm"}, ${settings.apiSeconds} s at ${settings.connections} connections`);
              api.push(await load(worker, path, cold));
            }
          }
        }
        if (settings.floorSeconds > 0) {
          log(`read floor: ${settings.floorRounds} rounds of ${settings.floorSeconds} s per route and per floor, alternately`);
          floor = await readFloor(Miniflare, COMPATIBILITY_DATE, worker, {
            paths: API_PATHS,
            seconds: settings.floorSeconds,
            rounds: settings.floorRounds,
            connections: settings.connections,
            log,
          });
        }
      }
    });
  }
  results.tickCpu = cpu;

  // CPU per type, to see what dominates.
  const byType: (CpuSummary & { type: MonitorKind })[] = [];
  if (settings.typeSize > 0) {
    for (const kind of MIXED) {
      log(`CPU by type: ${settings.typeSize} ${kind} monitors`);
      await withWorker(configFor(targets, settings.typeSize, [kind], settings.cpuLatencyMs, { limits: INLINE_LIMITS }), async (worker) => {
        const run = await cpuRun(worker, settings.typeSize);
        byType.push({ ...run.summary, type: kind });
      });
    }
  }
  results.tickCpuByType = byType;
  results.runtimeIoCalibration = {
    ...splitCpu([...cpu, ...byType]),
    r2ReadWriteMsBySize: Object.fromEntries(cpu.map((r) => [r.monitors, r.calibration.r2ReadWriteMs])),
    r2PutGetMsBySize: Object.fromEntries(cpu.map((r) => [r.monitors, [r.calibration.r2PutMs, r.calibration.r2GetMs]])),
  };
  results.tickCpuModel = {
    processCpu: cpuModel(cpu, byType, (r) => r.cpuMsPerTick),
    workerJsEstimate: cpuModel(cpu, byType, (r) => r.workerJsMsPerTick),
  };
  if (settings.fixedRounds > 0) {
    log(`fixed cost: one http monitor against a skeleton tick, ${settings.fixedRounds} rounds of 5 + 5 ticks`);
    const one = configFor(targets, 1, ["http"], settings.cpuLatencyMs, { limits: INLINE_LIMITS });
    const fixed = await withWorker(one, (worker) => fixedCost(worker, one));
    results.fixedCost = fixed;
    log(`  tick ${fixed.tickMs} ms, skeleton ${fixed.skeletonMs} ms: Edgewatch's own ${fixed.edgewatchMs} ms`);
  }

  // Wall time: http targets that each take --latency ms, against ceil(n/6) × latency.
  const wall: Record<string, unknown>[] = [];
  for (const n of settings.wallSizes) {
    log(`wall: ${n} http monitors, targets take ${settings.latencyMs} ms`);
    await withWorker(configFor(targets, n, ["http"], settings.latencyMs, { limits: INLINE_LIMITS }), async (worker) => {
      const times = cpuTickTimes(1 + settings.wallTicks);
      await runBatch(worker, times.slice(0, 1), 0);
      const batch = await runBatch(worker, times.slice(1), 0);
      const ideal = Math.ceil(n / MAX_CONCURRENT_PROBES) * settings.latencyMs;
      const wallMean = mean(batch.wallMs);
      wall.push({
        monitors: n,
        targetLatencyMs: settings.latencyMs,
        ticks: batch.ticks,
        wallMsMean: round(wallMean, 0),
        wallMsMin: round(Math.min(...batch.wallMs), 0),
        wallMsMax: round(Math.max(...batch.wallMs), 0),
        insideMsMean: round(mean(batch.insideMs), 0),
        idealMs: ideal,
        overheadMs: round(wallMean - ideal, 0),
        ratioToIdeal: round(wallMean / ideal, 2),
        failedTicks: batch.failedTicks,
      });
    });
  }
  results.tickWall = wall;

  // One target that never answers: the tick must end within that monitor's timeout (twice: the in-tick retry).
  if (settings.hangSize > 0) {
    const n = settings.hangSize;
    log(`hang: ${n} http monitors, one of them hanging with timeoutMs ${settings.hangTimeoutMs}`);
    results.hang = await withWorker(
      configFor(targets, n, ["http"], settings.latencyMs, { hangTimeoutMs: settings.hangTimeoutMs, limits: INLINE_LIMITS }),
      async (worker) => {
        const times = cpuTickTimes(1 + settings.hangTicks);
        await runBatch(worker, times.slice(0, 1), 0);
        const batch = await runBatch(worker, times.slice(1), 0);
        const status = (await (await fetch(new URL("/api/status", worker.url))).json()) as {
          monitors: { id: string; status: string; message: string }[];
        };
        const hanging = status.monitors.find((m) => m.id === "hanging");
        // The hung probe (the last monitor, so it starts last) holds one of the six slots for its timeout and is retried
        // once (a `down` probe is tried again within the tick): it may add at most twice its timeout to the tick
        // without it, measured above at the same size, or else ceil(n/6) × latency.
        const without = wall.find((w) => w.monitors === n)?.wallMsMax as number | undefined;
        const baseline = without ?? Math.ceil(n / MAX_CONCURRENT_PROBES) * settings.latencyMs;
        const bound = round(2 * settings.hangTimeoutMs + baseline, 0);
        const worst = Math.max(...batch.wallMs);
        return {
          monitors: n,
          timeoutMs: settings.hangTimeoutMs,
          targetLatencyMs: settings.latencyMs,
          ticks: batch.ticks,
          wallMsMean: round(mean(batch.wallMs), 0),
          wallMsMax: round(worst, 0),
          insideMsMean: round(mean(batch.insideMs), 0),
          withoutHangMs: round(baseline, 0),
          withoutHangMeasured: without !== undefined,
          boundMs: bound,
          withinBound: worst <= bound,
          hangingMonitor: hanging ? { status: hanging.status, message: hanging.message } : null,
        };
      },
    );
  }

  // Sharded ticks: http monitors whose targets take --latency ms, at the Free plan's limits and at Paid ones.
  const sharded: ShardedResult[] = [];
  const shardRuns = [
    ...settings.shardSizes.map((n) => ({ n, plan: "free" as const })),
    ...settings.shardPaidSizes.map((n) => ({ n, plan: "paid" as const })),
  ];
  for (const { n, plan } of shardRuns) {
    log(
      `sharded: ${n} http monitors, ${plan === "paid" ? "Paid limits" : "Free plan limits (the defaults)"}, targets take ${settings.latencyMs} ms, 1 + ${settings.shardTicks} ticks`,
    );
    const run = await shardedRun(n, plan);
    sharded.push(run);
    log(
      `  ${run.shardsPerTick} shards (${run.shardsWithoutResultsPerTick} not called), ${run.wallMsMean} ms wall, ${run.cpuMsPerTick} ms CPU a tick, ${run.shardInvocation.measuredCpuMsPerCall} ms a shard call, ${run.unknownMonitors} unknown`,
    );
  }
  if (sharded.length) splitSharded(sharded, sharedCosts([...cpu, ...byType, ...sharded].map((r) => r.calibration)));
  results.sharded = sharded;

  // The writer (the Coordinator object) per invocation over a simulated day, and each archive step.
  const writer: ReturnType<typeof summariseWriter>[] = [];
  for (const kind of settings.writer) {
    if (kind !== "free" && kind !== "paid") fail(`--writer: expected free and/or paid, got ${kind}`);
    const text = writerConfig(kind);
    log(
      `writer: a simulated day, ${kind === "free" ? "100 http + 20 tls + 20 prometheus at the Free plan's limits" : "1,000 http at Paid limits"}`,
    );
    await withWorker(text, async (worker) => {
      const day = await writerDay(worker, text, D - DAY, log);
      writer.push(summariseWriter(kind, JSON.parse(text).monitors.length, day));
    });
    const w = writer.at(-1)!;
    log(
      `  09:00 ${w.at0900.mean} ms, 23:59 ${w.at2359.mean} ms, 00:00 ${w.dayBoundaryTickMs} ms, 00:05 ${w.at0005.mean} ms; latest.json ${w.latestBytesPerMonitor} B a monitor`,
    );
  }
  results.writer = writer;

  results.api = api;
  results.readFloor = floor ?? null;
  results.weight = {
    monitors: settings.apiSize,
    responses: weight ?? null,
    bundle: {
      rawBytes: bundle.rawBytes,
      gzipBytes: bundle.gzipBytes,
      wranglerSays: bundle.wranglerSays,
      minifiedRawBytes: bundle.minifiedRawBytes,
      minifiedGzipBytes: bundle.minifiedGzipBytes,
      topInputs: bundle.topInputs,
    },
  };
  const projections = Object.entries(storage).map(([n, s]) => project(Number(n), s));
  results.storage = {
    method:
      "counted: the Worker's env.HISTORY (R2) and env.STATE (KV) wrapped in counting proxies by the bench harness, during real ticks against the local targets at simulated times",
    perTick: storage,
    projection: projections,
    freePlan: {
      kvWritesPerDay: FREE.kvWritesPerDay,
      kvReadsPerDay: FREE.kvReadsPerDay,
      r2ClassAPerMonth: FREE.r2ClassAPerMonth,
      r2ClassBPerMonth: FREE.r2ClassBPerMonth,
    },
  };
} catch (error) {
  exitCode = 1;
  console.error(`bench failed: ${(error as Error).stack ?? error}`);
} finally {
  await cleanup();
}

const output = {
  machine: {
    ...machineBefore,
    loadAverage1mAtEnd: round(os.loadavg()[0] ?? 0, 2),
    loadAverage1mDuringRun: { samples: loadSamples.length, mean: round(mean(loadSamples), 2), max: round(Math.max(...loadSamples), 2) },
    otherWorkerdProcessesAtEnd: readdirWorkerd(),
    durationSeconds: round((Date.now() - startedAt) / 1000, 0),
  },
  settings: { ...settings, out: relative(ROOT, settings.out), inlineLimits: INLINE_LIMITS, paidLimits: PAID_LIMITS },
  freePlan: FREE,
  durableObjectsPricing: DURABLE_OBJECTS,
  method: {
    worker:
      "the bundle of `wrangler deploy --dry-run` run by Miniflare (the miniflare package wrangler depends on) in one workerd process, behind a harness that counts KV/R2 calls and ends a scheduled event when its tick has finished",
    cpu: `utime+stime of that workerd process from /proc/<pid>/stat (${CLK_TCK} Hz), over the measured ticks, less its idle rate measured just before; it includes the local KV/R2/cache simulators and workerd's own networking and TLS, so it is an upper bound of the CPU time Cloudflare counts`,
    wall: "time from firing the cron (GET /cdn-cgi/handler/scheduled) to the end of the tick, seen from Node; insideMs is the Worker's own durationMs",
    readFloor:
      "a second Worker (its own workerd under Miniflare) answers each route with the bytes and headers the real Worker's edge cache served for it, from memory; autocannon runs the floor and the cached route alternately, floorRounds times floorSeconds each (order swapped every round), right after a tick; fractionOfFloor = the route's requests a second over the floor's, over all its segments",
    api: "autocannon for the given seconds at the given connections; warm: one URL, answered from the edge cache after the first request; cold: a unique Host on every request, so the edge cache (keyed by origin, path and canonical query) never hits",
    storage:
      "counted per tick through the harness; projected as 1,416 ordinary ticks + 23 hour-boundary ticks + 1 day-boundary tick a day, 30 days a month",
    inline: `every run but the sharded ones has limits ${JSON.stringify(INLINE_LIMITS)}, which keep its tick in one invocation (planTick inline), as the Worker ran every tick before shards existed`,
    sharded:
      "http monitors at the Free plan's default limits or at Paid ones: the cron's invocation hands the tick to the Coordinator object, which calls one ProbeShard object per shard (six at a time) and writes all state; the scheduled event ends when the coordinator has answered. CPU per tick is the whole workerd process (cron invocation, coordinator, shards, local simulators) less its idle rate; Worker JS less the calibrated runtime I/O (the cron request, one empty object request per Durable Object request, R2 read+writes of latest.json, one fetch per probe). A shard invocation is measured on its own: a ShardRequest of monitorsPerShard monitors POSTed to a ProbeShard object through /__bench/shard, six at a time, less the bench's own request into the harness; the coordinator is the tick less its shards. Storage and Durable Object requests are counted by the harness, the objects' own included; duration is an estimate (128 MB for the tick's wall time for the coordinator, for each call's wall time for each shard).",
  },
  ...results,
};
if (exitCode === 0) {
  writeFileSync(settings.out, `${JSON.stringify(output, null, 2)}\n`);
  printTables(output as unknown as Output);
  console.log(`\nwrote ${relative(process.cwd(), settings.out)} (${output.machine.durationSeconds} s)`);
}
process.exit(exitCode);

// ---------------------------------------------------------------------------------------------------------------

interface Output {
  machine: ReturnType<typeof machine> & {
    loadAverage1mAtEnd: number;
    loadAverage1mDuringRun: { samples: number; mean: number; max: number };
  };
  tickCpu: Record<string, unknown>[];
  runtimeIoCalibration: ReturnType<typeof splitCpu> & {
    r2ReadWriteMsBySize: Record<string, number>;
    r2PutGetMsBySize: Record<string, [number, number]>;
  };
  tickCpuModel: { processCpu: ReturnType<typeof cpuModel>; workerJsEstimate: ReturnType<typeof cpuModel> };
  fixedCost?: FixedCost;
  tickCpuByType: Record<string, unknown>[];
  tickWall: Record<string, unknown>[];
  hang?: Record<string, unknown>;
  api: Awaited<ReturnType<typeof load>>[];
  readFloor: ReadFloor | null;
  weight: {
    monitors: number;
    responses: Awaited<ReturnType<typeof weightOf>> | null;
    bundle: Record<string, unknown> & { topInputs: { name: string; bytes: number }[] };
  };
  storage: { perTick: Record<string, StorageResult & { firstTick: StorageOps }>; projection: ReturnType<typeof project>[] };
  sharded: ShardedResult[];
  writer?: ReturnType<typeof summariseWriter>[];
}

function table(title: string, headers: string[], rows: (string | number | null | undefined)[][]) {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? "–" : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(`\n${title}`);
  console.log(line(headers));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of cells) console.log(line(r));
}

function printTables(o: Output) {
  const m = o.machine;
  console.log(
    `\nmachine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.date}; load ${m.loadAverage1m} → ${m.loadAverage1mAtEnd} (during the run: mean ${m.loadAverage1mDuringRun.mean}, max ${m.loadAverage1mDuringRun.max})`,
  );
  console.log(`every run before the sharded ones: limits ${JSON.stringify(INLINE_LIMITS)}, so its tick stays in one invocation`);
  const kib = (b: unknown) => (typeof b === "number" ? `${(b / 1024).toFixed(1)} KiB` : "–");
  table(
    `Tick CPU (workerd process, per tick; Free plan: ${FREE.cpuMsPerInvocation} ms) and what a tick costs otherwise`,
    [
      "monitors",
      "http/tls/prom",
      "ticks",
      "CPU ms/tick",
      "ms/monitor",
      "≤ 10 ms",
      "1st tick",
      "runtime I/O",
      "Worker JS",
      "wall ms",
      "subrequests",
      "≤ 50",
      "latest.json",
    ],
    o.tickCpu.map((r) => {
      const t = r.types as Record<string, number>;
      return [
        r.monitors as number,
        `${t.http ?? 0}/${t.tls ?? 0}/${t.prometheus ?? 0}`,
        r.ticks as number,
        r.cpuMsPerTick as number,
        r.cpuMsPerMonitor as number,
        r.withinFreeCpu ? "yes" : "no",
        r.firstTickCpuMs as number,
        r.runtimeIoMsPerTick as number,
        r.workerJsMsPerTick as number,
        r.wallMsPerTick as number,
        r.subrequestsPerTick as number,
        r.withinFreeSubrequests ? "yes" : "no",
        kib(r.latestJsonBytes),
      ];
    }),
  );
  const model = (name: string, x: ReturnType<typeof cpuModel>) =>
    x
      ? `${name}: ${x.fixedMs} ms a tick + per monitor ${MIXED.map((k) => `${k} ${x.perMonitorMs[k]}`).join(", ")} ms; within 10 ms: ${MIXED.map((k) => `${x.monitorsWithin10Ms[k]} ${k}`).join(", ")} (mixed runs predicted/measured: ${x.mixedCheck.map((c) => `${c.monitors}: ${c.predictedMs}/${c.measuredMs}`).join(", ")})`
      : "";
  console.log(
    [model("model, process CPU", o.tickCpuModel.processCpu), model("model, Worker JS estimate", o.tickCpuModel.workerJsEstimate)]
      .filter(Boolean)
      .join("\n"),
  );
  if (o.fixedCost) {
    const f = o.fixedCost;
    console.log(
      `fixed cost of a tick (one http monitor, ${f.ticks} ticks against ${f.skeletonTicks} skeleton ticks, alternately): process CPU ${f.tickMs} ms, skeleton ${f.skeletonMs} ms, Edgewatch's own code ${f.edgewatchMs} ms (blocks ${f.blocks.join(", ")})`,
    );
  }
  const c = o.runtimeIoCalibration;
  console.log(
    `runtime I/O per operation (calibration, median of the runs): request ${c.requestMs} ms, fetch ${c.fetchMs} ms, TLS connect ${c.tlsConnectMs} ms, TCP connect ${c.tcpConnectMs} ms; R2 read+write of latest.json ${Object.entries(
      c.r2ReadWriteMsBySize,
    )
      .map(([n, ms]) => `${ms} ms (${n})`)
      .join(", ")}; R2 put/get ${Object.entries(c.r2PutGetMsBySize)
      .map(([n, [put, get]]) => `${put}/${get} ms (${n})`)
      .join(", ")}`,
  );
  if (o.tickCpuByType.length) {
    table(
      "Tick CPU by monitor type",
      ["type", "monitors", "CPU ms/tick", "ms/monitor", "runtime I/O", "Worker JS", "wall ms", "subrequests"],
      o.tickCpuByType.map((r) => [
        r.type as string,
        r.monitors as number,
        r.cpuMsPerTick as number,
        r.cpuMsPerMonitor as number,
        r.runtimeIoMsPerTick as number,
        r.workerJsMsPerTick as number,
        r.wallMsPerTick as number,
        r.subrequestsPerTick as number,
      ]),
    );
  }
  table(
    "Tick wall time, http targets that each take the latency shown (6 probes at once: ideal = ceil(n/6) × latency)",
    ["monitors", "latency", "ticks", "wall mean", "min", "max", "ideal", "overhead", "× ideal"],
    o.tickWall.map((r) => [
      r.monitors as number,
      `${r.targetLatencyMs} ms`,
      r.ticks as number,
      `${r.wallMsMean} ms`,
      r.wallMsMin as number,
      r.wallMsMax as number,
      `${r.idealMs} ms`,
      `${r.overheadMs} ms`,
      r.ratioToIdeal as number,
    ]),
  );
  if (o.hang) {
    const h = o.hang;
    const hm = h.hangingMonitor as { status: string; message: string } | null;
    console.log(
      `\nOne hanging target among ${h.monitors} (timeoutMs ${h.timeoutMs}, the others ${h.targetLatencyMs} ms): tick wall ${h.wallMsMean} ms mean, ${h.wallMsMax} ms max; bound 2 × timeout + the tick without it (${h.withoutHangMs} ms${h.withoutHangMeasured ? ", measured" : ", ideal"}) = ${h.boundMs} ms: ${h.withinBound ? "within" : "EXCEEDED"}; the monitor shows ${hm ? `${hm.status} "${hm.message}"` : "nothing"}`,
    );
  }
  if (o.api.length) {
    table(
      `API and page, autocannon ${settings.apiSeconds} s at ${settings.connections} connections (${o.weight.monitors} monitors)`,
      ["path", "cache", "req/s", "p50 ms", "p99 ms", "requests", "non-2xx", "errors", "CPU ms/req", "R2 reads/req"],
      o.api.map((r) => [
        r.path,
        r.cache,
        r.requestsPerSecond,
        r.latencyP50Ms,
        r.latencyP99Ms,
        r.requests,
        r.non2xx,
        r.errors,
        r.cpuMsPerRequest,
        r.r2ReadsPerRequest,
      ]),
    );
  }
  if (o.readFloor) printFloor(o.readFloor);
  const b = o.weight.bundle;
  const responses = o.weight.responses ?? {};
  table(
    `Weight (${o.weight.monitors} monitors)`,
    ["what", "raw", "gzip", "content type"],
    [
      ...Object.entries(responses).map(([path, r]) => [`GET ${path}`, kib(r.bytes), kib(r.gzipBytes), r.contentType]),
      ["Worker bundle (wrangler deploy --dry-run)", kib(b.rawBytes), kib(b.gzipBytes), "application/javascript"],
      ["  the same, --minify", kib(b.minifiedRawBytes), kib(b.minifiedGzipBytes), ""],
    ],
  );
  console.log(`bundle by origin: ${b.topInputs.map((i) => `${i.name} ${kib(i.bytes)}`).join(", ")}`);
  table(
    "Storage per tick (counted through the Worker's KV/R2 bindings)",
    ["monitors", "tick", "R2 A", "R2 B", "R2 del", "KV reads", "KV writes"],
    Object.entries(o.storage.perTick).flatMap(([n, s]) => [
      [n, "first", s.firstTick.r2ClassA, s.firstTick.r2ClassB, s.firstTick.r2Deletes, s.firstTick.kvReads, s.firstTick.kvWrites],
      [
        n,
        `ordinary (mean of ${s.steadyTicks})`,
        s.steadyPerTick.r2ClassA,
        s.steadyPerTick.r2ClassB,
        s.steadyPerTick.r2Deletes,
        s.steadyPerTick.kvReads,
        s.steadyPerTick.kvWrites,
      ],
      [
        n,
        "new hour",
        s.hourBoundaryTick.r2ClassA,
        s.hourBoundaryTick.r2ClassB,
        s.hourBoundaryTick.r2Deletes,
        s.hourBoundaryTick.kvReads,
        s.hourBoundaryTick.kvWrites,
      ],
      [
        n,
        "new day",
        s.dayBoundaryTick.r2ClassA,
        s.dayBoundaryTick.r2ClassB,
        s.dayBoundaryTick.r2Deletes,
        s.dayBoundaryTick.kvReads,
        s.dayBoundaryTick.kvWrites,
      ],
    ]),
  );
  const fmt = (n: number) => n.toLocaleString("en-US");
  table(
    "Projected storage operations, one tick a minute, statuses steady (Free plan: KV 1,000 writes and 100,000 reads a day; R2 1M Class A and 10M Class B a month)",
    ["monitors", "KV writes/day", "KV reads/day", "R2 A/day", "R2 A/month", "R2 B/day", "R2 B/month", "share of Free (max)"],
    o.storage.projection.map((p) => [
      p.monitors,
      fmt(p.perDay.kvWrites),
      fmt(p.perDay.kvReads),
      fmt(p.perDay.r2ClassA),
      fmt(p.perMonth.r2ClassA),
      fmt(p.perDay.r2ClassB),
      fmt(p.perMonth.r2ClassB),
      `${(100 * Math.max(...Object.values(p.shareOfFree))).toFixed(1)} %`,
    ]),
  );
  if (o.writer?.length) {
    table(
      "The writer (Coordinator object), CPU per invocation in ms over a simulated day (workerd, less the same call answered at once): ordinary ticks at 09:00, 23:50–23:59 and 00:05; the ticks that close an hour; the 00:00 tick; each archive step (alarm)",
      [
        "monitors",
        "09:00 median / mean",
        "23:59 median / mean",
        "00:05 median / mean",
        "23:59/00:05 (medians)",
        "hour's end",
        "00:00",
        "hour steps raw / fold",
        "day steps (max)",
        "worst",
        "budget",
        "latest.json B/monitor",
        "hot state 23:59 / 00:05",
      ],
      o.writer.flatMap((r) =>
        [
          ["process", r],
          ["main thread", r.mainThread],
        ].map(([thread, f]) => {
          const x = f as typeof r.mainThread;
          return [
            `${r.monitors} ${r.kind === "paid" ? "Paid" : "Free"}, ${thread}`,
            `${x.at0900.median} / ${x.at0900.mean} (p95 ${x.at0900.p95})`,
            `${x.at2359.median} / ${x.at2359.mean} (p95 ${x.at2359.p95})`,
            `${x.at0005.median} / ${x.at0005.mean} (p95 ${x.at0005.p95})`,
            x.lateOverEarly,
            `${x.hourBoundary.mean} (max ${x.hourBoundary.max})`,
            x.dayBoundaryTickMs,
            ["hour-raw", "hour-fold"].map((k) => `${x.steps[k]?.mean} (max ${x.steps[k]?.max})`).join(" / "),
            Object.entries(x.steps)
              .filter(([k]) => k.startsWith("day"))
              .map(([k, v]) => `${k.slice(4)} ${v.max}`)
              .join(", "),
            x.worstInvocationMs,
            `${r.budgetMs} ${x.withinBudget ? "ok" : "EXCEEDED"}`,
            r.latestBytesPerMonitor,
            `${kib(r.hotStateBytes.at2359)} / ${kib(r.hotStateBytes.at0005)}`,
          ];
        }),
      ),
    );
  }
  if (o.sharded.length) {
    const name = (r: ShardedResult) => `${r.monitors} ${r.plan === "paid" ? "Paid" : "Free"}`;
    const pair = (a: number, b: number) => `${a} / ${b}`;
    table(
      `Sharded ticks: http targets that take ${settings.latencyMs} ms; CPU as process / Worker JS estimate, in ms; a shard = one ProbeShard invocation (measured on its own), the cron = its invocation alone (the writer and shards answering at once), cron + writer = the tick less its shards`,
      [
        "monitors, plan",
        "shards called",
        "not called",
        "wall ms/tick",
        "ideal",
        "CPU/tick",
        "CPU/shard",
        "the cron",
        "cron + writer",
        "KV r/w",
        "R2 A/B",
        "DO req/tick",
        "DO req/month",
        "unknown",
      ],
      o.sharded.map((r) => [
        name(r),
        `${r.shardsPerTick} × ≤ ${r.planned.monitorsPerShardMax}`,
        r.shardsWithoutResultsPerTick,
        `${r.wallMsMean} (${r.wallMsMin}–${r.wallMsMax})`,
        r.idealMs,
        pair(r.cpuMsPerTick, r.workerJsMsPerTick),
        pair(r.shardInvocation.processCpuMs, r.shardInvocation.workerJsMs),
        pair(r.cronInvocation.processCpuMs, r.cronInvocation.workerJsMs),
        pair(r.coordinator.processCpuMs, r.coordinator.workerJsMs),
        pair(r.storagePerTick.billed.kvReads, r.storagePerTick.billed.kvWrites),
        pair(r.storagePerTick.billed.r2ClassA, r.storagePerTick.billed.r2ClassB),
        r.durableObjects.requestsPerTick,
        fmt(r.durableObjects.requestsPerMonth),
        r.unknownMonitors,
      ]),
    );
    for (const r of o.sharded) {
      const d = r.durableObjects;
      const ops = (x: Record<string, number>) =>
        Object.entries(x)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ") || "none";
      console.log(
        `${name(r)}: limits ${JSON.stringify(r.limits)}; planTick: ${r.planned.shards} shards of ${r.planned.monitorsPerShardMin}–${r.planned.monitorsPerShardMax} monitors, ${r.planned.dropped} not callable (${r.planned.monitorsInDroppedShards} monitors); a shard invocation measured with ${r.shardInvocation.monitors} monitors; first tick ${r.wallMsFirstTick} ms wall; ${r.subrequestsPerTick} probe requests a tick; shard ${r.shardInvocation.wallMsMean} ms wall (${r.shardInvocation.calls} calls, ${r.shardInvocation.inFlight} at once); storage a tick: ${ops(r.storagePerTick.byOp)} (first tick: ${ops(r.storageFirstTick.byOp)}); Durable Objects ${fmt(d.requestsPerDay)} requests a day (${(100 * d.shareOfFreeRequestsPerDay).toFixed(1)} % of Free's ${fmt(DURABLE_OBJECTS.freeRequestsPerDay)}), ${fmt(d.requestsPerMonth)} a month (${(100 * d.shareOfPaidIncludedRequestsPerMonth).toFixed(1)} % of Paid's ${fmt(DURABLE_OBJECTS.paidIncludedRequestsPerMonth)} included), about ${fmt(d.gbSecondsPerDayEstimate)} GB-s a day (${(100 * d.shareOfFreeGbSecondsPerDay).toFixed(1)} % of Free's ${fmt(DURABLE_OBJECTS.freeGbSecondsPerDay)}); statuses ${JSON.stringify(r.statusCounts)}${r.failedTicks || r.ticksWithoutTickDone ? `; FAILED ticks ${r.failedTicks}, without "tick done" ${r.ticksWithoutTickDone}` : ""}`,
      );
    }
  }
}

function printFloor(f: ReadFloor) {
  table(
    `Read floor: the cached routes against a Worker returning the same bytes from memory, alternately (${f.rounds} × ${f.secondsPerSegment} s each, ${f.connections} connections; target ${FLOOR_TARGET} of the floor)`,
    [
      "path",
      "bytes",
      "route req/s",
      "floor req/s",
      "fraction",
      "per round",
      "CPU ms/req route / floor",
      "CPU fraction",
      "storage reads/req",
      "non-2xx",
      "errors",
    ],
    f.routes.map((r) => [
      r.path,
      r.bytes,
      r.routeRequestsPerSecond,
      r.floorRequestsPerSecond,
      `${r.fractionOfFloor} ${r.meetsTarget ? "ok" : "BELOW TARGET"}`,
      r.fractionPerRound.join(" "),
      `${r.routeCpuMsPerRequest} / ${r.floorCpuMsPerRequest}`,
      r.cpuFractionOfFloor,
      r.storageReadsPerRequest,
      r.non2xx,
      r.errors,
    ]),
  );
}
