// npx tsx bench/apply-cpu.ts [--sizes 20,200,1000] [--ticks 30] [--warmup 5] [--out bench/apply-cpu.json]
//
// The CPU a sharded tick's coordinator (src/shards/coordinator.ts) spends per tick apart from probing: `runTick`
// with a `collect` that hands back pre-built results at once, so what is measured is reading and validating
// latest.json, judging (maintenance, incident transition), notification planning, the history carry (advance,
// hour and day objects), uptime, and the KV/R2 writes. The real stores (r2LatestStore, r2HistoryStore,
// r2IncidentStore, kvStateStore) run over small in-memory fakes of the R2Bucket and KVNamespace methods they use,
// so their serialization and validation run too. Not included: calling the shards and parsing their answers
// (collectSharded, ShardResponse), the Durable Object's request handling and config load, and whatever the runtime
// spends moving bytes to and from R2 and KV (the fakes keep strings; the UTF-8 round trip of latest.json is timed on
// its own and reported beside, not added).
//
// This runs in Node's V8 (the engine workerd uses, but another version and other flags), not in workerd: read the
// figures as an estimate of the coordinator's JavaScript CPU per tick. CPU is process.cpuUsage() (user + system of
// the whole process, so V8's concurrent GC threads count too) around each awaited runTick; wall time beside it.
//
// Configs: N http monitors (m0000…) with the default limits. Results: latency 20–200 ms, "up"; every 10th tick a new
// ~2 % of the monitors (at least one) turn down for 5 ticks, so incidents open (failureThreshold 2) and resolve
// (successThreshold 2) all day. No notification channels, so nothing is sent. Simulated days 2026-11-28 and -29 (UTC),
// one tick a minute. Per size:
//   day-1 start  the first --ticks ticks after midnight of a fresh deployment (nothing stored yet, empty carry);
//                JIT warm-up: --warmup ticks first, on throwaway stores
//   day-1 late   the last --ticks ticks before midnight, after running every tick of the day (carry at its largest)
//   day-2 start  the first --ticks ticks of the next day: steady state (24 hours of hourly rollups in the carry),
//                the first one being the day rollover (day, month and summary objects written)
// Every tick of day 1 is timed too, for a whole-day mean and the first-of-an-hour ticks. Prints a table and writes
// bench/apply-cpu.json. Touches no network and no file other than --out.
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseConfig } from "../src/config/load.ts";
import type { Config } from "../src/config/schema.ts";
import { r2HistoryStore } from "../src/history/history-store.ts";
import type { Log } from "../src/log.ts";
import type { ProbeDeps } from "../src/probes/types.ts";
import type { CollectedResult } from "../src/tick/probe-batch.ts";
import { runTick, type TickDeps } from "../src/tick/run-tick.ts";
import { planTick } from "../src/shards/plan-shards.ts";
import { kvStateStore } from "../src/storage/kv-state-store.ts";
import { r2IncidentStore } from "../src/storage/r2-incident-store.ts";
import { LATEST_KEY, r2LatestStore } from "../src/storage/r2-latest-store.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const MINUTE_MS = 60_000;
const DAY_MS = 1_440 * MINUTE_MS;
const DAY1_MS = Date.parse("2026-11-28T00:00:00.000Z");
const DAY2_MS = DAY1_MS + DAY_MS;

const { values: args } = parseArgs({
  options: {
    help: { type: "boolean" },
    sizes: { type: "string", default: "20,200,1000" },
    ticks: { type: "string", default: "30" },
    warmup: { type: "string", default: "5" },
    out: { type: "string", default: join(ROOT, "bench/apply-cpu.json") },
  },
});
if (args.help) {
  console.log("npx tsx bench/apply-cpu.ts [--sizes 20,200,1000] [--ticks 30] [--warmup 5] [--out bench/apply-cpu.json]");
  process.exit(0);
}
function fail(message: string): never {
  console.error(`apply-cpu: ${message}`);
  process.exit(2);
}
const SIZES = args.sizes.split(",").filter(Boolean).map(Number);
if (!SIZES.length || SIZES.some((n) => !Number.isInteger(n) || n < 1 || n > 10_000)) fail(`--sizes: expected sizes like 20,200,1000, got ${args.sizes}`);
const TICKS = Number(args.ticks);
if (!Number.isInteger(TICKS) || TICKS < 1 || TICKS > 720) fail(`--ticks: expected an integer from 1 to 720, got ${args.ticks}`);
const WARMUP = Number(args.warmup);
if (!Number.isInteger(WARMUP) || WARMUP < 0) fail(`--warmup: expected an integer >= 0, got ${args.warmup}`);

// ---------------------------------------------------------------------------------------------------------------
// In-memory R2 and KV: only what the stores call (R2 get/put with onlyIf.etagMatches/head/delete/list, KV get/put/
// delete), counting each operation the way Cloudflare bills it.

interface Stored {
  key: string;
  text: string;
  etag: string;
  uploaded: Date;
  httpMetadata: R2HTTPMetadata | undefined;
  customMetadata: Record<string, string> | undefined;
}

interface Ops {
  r2Get: number;
  r2Put: number;
  r2PutRejected: number;
  r2Head: number;
  r2Delete: number;
  r2List: number;
  kvGet: number;
  kvPut: number;
  kvDelete: number;
}
const zeroOps = (): Ops => ({ r2Get: 0, r2Put: 0, r2PutRejected: 0, r2Head: 0, r2Delete: 0, r2List: 0, kvGet: 0, kvPut: 0, kvDelete: 0 });

function r2Object(o: Stored, withBody: boolean) {
  // Properties are assigned, never spread: a spread would call the `size` getter (a scan of the whole text) each time.
  const object: Record<string, unknown> = {
    key: o.key,
    version: o.etag,
    etag: o.etag,
    httpEtag: `"${o.etag}"`,
    uploaded: o.uploaded,
    get size() {
      return Buffer.byteLength(o.text);
    },
    httpMetadata: o.httpMetadata ?? {},
    customMetadata: o.customMetadata ?? {},
    storageClass: "Standard",
    checksums: {},
  };
  if (withBody) {
    object.bodyUsed = false;
    object.text = async () => o.text;
    object.json = async () => JSON.parse(o.text) as unknown;
  }
  return object;
}

function fakeR2(ops: Ops) {
  const objects = new Map<string, Stored>();
  let version = 0;
  const bucket = {
    async get(key: string) {
      ops.r2Get++;
      const o = objects.get(key);
      return o ? r2Object(o, true) : null;
    },
    async head(key: string) {
      ops.r2Head++;
      const o = objects.get(key);
      return o ? r2Object(o, false) : null;
    },
    async put(key: string, value: string, options: R2PutOptions = {}) {
      ops.r2Put++;
      if (typeof value !== "string") throw new Error("fake R2: only string values");
      if (options.onlyIf !== undefined) {
        if (options.onlyIf instanceof Headers) throw new Error("fake R2: onlyIf as Headers is not supported");
        const { etagMatches, ...rest } = options.onlyIf;
        if (Object.keys(rest).length) throw new Error(`fake R2: onlyIf ${Object.keys(rest).join(", ")} is not supported`);
        if (etagMatches !== undefined && objects.get(key)?.etag !== etagMatches) {
          ops.r2PutRejected++;
          return null; // R2 answers a failed precondition with null
        }
      }
      const o: Stored = {
        key,
        text: value,
        etag: `e${++version}`,
        uploaded: new Date(),
        httpMetadata: options.httpMetadata instanceof Headers ? undefined : options.httpMetadata,
        customMetadata: options.customMetadata,
      };
      objects.set(key, o);
      return r2Object(o, false);
    },
    async delete(keys: string | string[]) {
      ops.r2Delete++;
      for (const key of typeof keys === "string" ? [keys] : keys) objects.delete(key);
    },
    async list(options: R2ListOptions = {}) {
      ops.r2List++;
      const limit = options.limit ?? 1_000;
      const after = options.startAfter ?? (options.cursor ? options.cursor : undefined);
      const keys = [...objects.keys()].filter((k) => k.startsWith(options.prefix ?? "") && (after === undefined || k > after)).sort();
      const page = keys.slice(0, limit);
      const truncated = keys.length > limit;
      return { objects: page.map((k) => r2Object(objects.get(k)!, false)), delimitedPrefixes: [], truncated, ...(truncated ? { cursor: page.at(-1)! } : {}) };
    },
  };
  return { bucket: bucket as unknown as R2Bucket, objects };
}

function fakeKv(ops: Ops) {
  const values = new Map<string, string>();
  const kv = {
    async get(key: string, options?: "text" | { type?: string }) {
      ops.kvGet++;
      const type = typeof options === "string" ? options : (options?.type ?? "text");
      if (type !== "text") throw new Error(`fake KV: get as ${type} is not supported`);
      return values.get(key) ?? null;
    },
    async put(key: string, value: string) {
      ops.kvPut++;
      if (typeof value !== "string") throw new Error("fake KV: only string values");
      values.set(key, value);
    },
    async delete(key: string) {
      ops.kvDelete++;
      values.delete(key);
    },
  };
  return { kv: kv as unknown as KVNamespace, values };
}

// ---------------------------------------------------------------------------------------------------------------
// Config, results and one simulated deployment.

function configOf(n: number): Config {
  const monitors = Array.from({ length: n }, (_, i) => {
    const id = `m${String(i).padStart(4, "0")}`;
    return { id, name: `Monitor ${id}`, type: "http", url: `https://target-${i}.bench.invalid/health` };
  });
  const parsed = parseConfig({ title: `apply-cpu ${n}`, monitors });
  if (!parsed.ok) fail(`config for ${n} monitors: ${parsed.errors.join("; ")}`);
  return parsed.config;
}

/** xorshift32: the same latencies on every run. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4_294_967_296;
  };
}

const DOWN_EVERY = 10;
const DOWN_FOR = 5;
const DOWN_SHARE = 0.02;

/** Monitor indexes down at tick `index` (minutes since DAY1_MS): a new ~2 % every 10th tick, down for 5 ticks. */
function downAt(index: number, n: number): Set<number> {
  const cycle = Math.floor(index / DOWN_EVERY);
  if (index - cycle * DOWN_EVERY >= DOWN_FOR) return new Set();
  const k = Math.max(1, Math.round(n * DOWN_SHARE));
  const out = new Set<number>();
  for (let j = 0; j < k; j++) out.add((cycle * k + j) % n);
  return out;
}

function resultsAt(config: Config, tickMs: number, random: () => number): CollectedResult[] {
  const index = Math.round((tickMs - DAY1_MS) / MINUTE_MS);
  const down = downAt(index, config.monitors.length);
  const checkedAt = new Date(tickMs + 1_500).toISOString();
  return config.monitors.map((m, i) => {
    const latencyMs = 20 + Math.floor(random() * 181);
    if (!down.has(i)) return { type: "http", monitorId: m.id, status: "up", latencyMs, checkedAt, message: `HTTP 200 in ${latencyMs} ms`, details: { statusCode: 200, checks: null } };
    const message = `HTTP 503 in ${latencyMs} ms (expected 200-299)`;
    return {
      type: "http",
      monitorId: m.id,
      status: "down",
      latencyMs,
      checkedAt,
      message,
      details: { statusCode: 503, checks: null },
      error: { phase: "status", detail: `GET https://target-${i}.bench.invalid/health: ${message}` },
    };
  });
}

interface TickRecord {
  at: string;
  cpuMs: number;
  wallMs: number;
  ops: Ops;
  events: number;
  wroteState: boolean;
  skipped: string | null;
}

function deployment(config: Config) {
  const ops = zeroOps();
  const r2 = fakeR2(ops);
  const kv = fakeKv(ops);
  let clock = DAY1_MS;
  const probe: ProbeDeps = {
    fetch: () => Promise.reject(new Error("no network in bench")),
    connect: () => {
      throw new Error("no sockets in bench");
    },
    // Simulated: each call a millisecond later, from when the tick's results came back.
    now: () => clock++,
    secret: () => undefined,
  };
  const logCounts = { info: 0, warn: 0, error: 0 };
  const errors: string[] = [];
  let sink = "";
  // Like consoleLog (one JSON line each) without writing the line anywhere.
  const log: Log = (level, msg, fields = {}) => {
    logCounts[level]++;
    sink = JSON.stringify({ level, msg, ...fields });
    if (level === "error" && errors.length < 20) errors.push(sink);
  };
  const plan = planTick(config);
  const shards = plan.inline ? 1 : plan.shards.length;
  const random = rng(0x5eed + config.monitors.length);
  let prepared: CollectedResult[] = [];
  const deps: TickDeps = {
    config,
    probe,
    log,
    latest: r2LatestStore(r2.bucket),
    state: kvStateStore(kv.kv),
    incidents: r2IncidentStore(r2.bucket),
    history: r2HistoryStore(r2.bucket),
    collect: async () => ({ results: prepared, subrequests: shards }),
  };

  async function tick(tickMs: number): Promise<TickRecord> {
    prepared = resultsAt(config, tickMs, random); // built outside the measured span
    clock = tickMs + 2_000;
    const before = { ...ops };
    const wall0 = performance.now();
    const cpu0 = process.cpuUsage();
    const summary = await runTick(deps, tickMs);
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - wall0;
    const delta = zeroOps();
    for (const k of Object.keys(delta) as (keyof Ops)[]) delta[k] = ops[k] - before[k];
    if (sink === "never") console.log(sink); // keeps the log's work observable
    return { at: summary.tickAt, cpuMs: (cpu.user + cpu.system) / 1_000, wallMs, ops: delta, events: summary.events.length, wroteState: summary.wroteState, skipped: summary.skipped };
  }

  return { tick, r2, kv, plan, shards, logCounts, errors };
}

// ---------------------------------------------------------------------------------------------------------------
// Figures.

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
function stats(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / (values.length || 1);
  return { mean: round(mean), p50: round(quantile(sorted, 0.5)), p95: round(quantile(sorted, 0.95)), max: round(sorted.at(-1) ?? NaN), n: values.length };
}
function opsPerTick(records: readonly TickRecord[]) {
  const sum = zeroOps();
  for (const r of records) for (const k of Object.keys(sum) as (keyof Ops)[]) sum[k] += r.ops[k];
  const per = (x: number) => round(x / (records.length || 1), 3);
  return {
    r2ClassA: per(sum.r2Put + sum.r2List),
    r2ClassB: per(sum.r2Get + sum.r2Head),
    r2Deletes: per(sum.r2Delete),
    kvReads: per(sum.kvGet),
    kvWrites: per(sum.kvPut + sum.kvDelete),
    r2PutsRejected: per(sum.r2PutRejected),
    total: per(Object.values(sum).reduce((a, b) => a + b, 0) - sum.r2PutRejected),
  };
}

/** latest.json as stored now: its size, and how much of it is the history carry. */
function latestShape(d: ReturnType<typeof deployment>) {
  const text = d.r2.objects.get(LATEST_KEY)?.text;
  if (!text) return null;
  const value = JSON.parse(text) as { history?: { hour?: { ticks?: unknown[] }; hours?: unknown[] }; incidents?: { incidents?: unknown[] } };
  return {
    latestKiB: round(Buffer.byteLength(text) / 1_024, 1),
    carryKiB: round(Buffer.byteLength(JSON.stringify(value.history ?? null)) / 1_024, 1),
    carryRawTicks: value.history?.hour?.ticks?.length ?? 0,
    carryHourRollups: value.history?.hours?.length ?? 0,
    incidentsKept: value.incidents?.incidents?.length ?? 0,
  };
}

/** What the runtime would add to move latest.json through R2 as bytes: one encode and one decode, timed here. */
function utf8RoundTripMs(d: ReturnType<typeof deployment>): number | null {
  const text = d.r2.objects.get(LATEST_KEY)?.text;
  if (!text) return null;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const reps = 20;
  let check = decoder.decode(encoder.encode(text)).length - text.length; // once untimed, to warm up
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) check += decoder.decode(encoder.encode(text)).length;
  const ms = (performance.now() - t0) / reps;
  if (check !== text.length * reps) throw new Error("UTF-8 round trip changed latest.json");
  return round(ms, 3);
}

function windowOf(name: string, records: readonly TickRecord[], d: ReturnType<typeof deployment>) {
  return {
    window: name,
    from: records[0]?.at ?? null,
    to: records.at(-1)?.at ?? null,
    cpuMs: stats(records.map((r) => r.cpuMs)),
    wallMs: stats(records.map((r) => r.wallMs)),
    opsPerTick: opsPerTick(records),
    events: records.reduce((a, r) => a + r.events, 0),
    kvWritesTicks: records.filter((r) => r.wroteState).length,
    skipped: records.filter((r) => r.skipped).length,
    ...latestShape(d),
    utf8RoundTripMs: utf8RoundTripMs(d),
    perTickCpuMs: records.map((r) => round(r.cpuMs, 3)),
  };
}

async function runSize(n: number) {
  const config = configOf(n);
  const minute = (start: number, i: number) => start + i * MINUTE_MS;

  // JIT warm-up on stores that are then thrown away, so day 1 starts from nothing stored.
  const warm = deployment(config);
  for (let i = 0; i < WARMUP; i++) await warm.tick(minute(DAY1_MS, i));

  const d = deployment(config);
  const day1: TickRecord[] = [];
  const t0 = performance.now();
  let start1: ReturnType<typeof windowOf> | null = null;
  for (let i = 0; i < 1_440; i++) {
    day1.push(await d.tick(minute(DAY1_MS, i)));
    if (i === TICKS - 1) start1 = windowOf("day-1 start", day1.slice(0, TICKS), d);
  }
  const late1 = windowOf("day-1 late", day1.slice(-TICKS), d);
  const day2: TickRecord[] = [];
  for (let i = 0; i < TICKS; i++) day2.push(await d.tick(minute(DAY2_MS, i)));
  const start2 = windowOf("day-2 start", day2, d);
  const elapsedS = (performance.now() - t0) / 1_000;

  const hourFirst = day1.filter((_, i) => i > 0 && i % 60 === 0);
  const others = day1.filter((_, i) => i % 60 !== 0);
  return {
    monitors: n,
    plan: { inline: d.plan.inline, shards: d.plan.shards.length, dropped: d.plan.dropped.length, droppedMonitors: d.plan.dropped.reduce((a, s) => a + s.monitors.length, 0), subrequestsReported: d.shards },
    windows: [start1!, late1, start2],
    rollover: { at: day2[0]!.at, cpuMs: round(day2[0]!.cpuMs), wallMs: round(day2[0]!.wallMs), ops: day2[0]!.ops },
    day1: {
      cpuMs: stats(day1.map((r) => r.cpuMs)),
      firstOfHourCpuMs: stats(hourFirst.map((r) => r.cpuMs)),
      otherTicksCpuMs: stats(others.map((r) => r.cpuMs)),
      opsPerTick: opsPerTick(day1),
      events: day1.reduce((a, r) => a + r.events, 0),
      kvWrites: day1.filter((r) => r.wroteState).length,
      hourlyMeanCpuMs: Array.from({ length: 24 }, (_, h) => round(stats(day1.slice(h * 60, h * 60 + 60).map((r) => r.cpuMs)).mean)),
    },
    r2Objects: d.r2.objects.size,
    log: { ...d.logCounts, errors: d.errors },
    elapsedS: round(elapsedS, 1),
  };
}

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown";
  } catch {
    return os.cpus()[0]?.model ?? "unknown";
  }
}

const machine = { cpuModel: cpuModel(), cores: os.cpus().length, node: process.version, v8: process.versions.v8, loadAverage1m: round(os.loadavg()[0] ?? 0, 2) };
console.log(`apply-cpu: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node} (V8 ${machine.v8}); load ${machine.loadAverage1m}`);
console.log(`sizes ${SIZES.join(", ")}; ${TICKS} measured ticks per window; ${WARMUP} warm-up ticks; every tick of 2026-11-28 run, then ${TICKS} of 2026-11-29`);

const runs = [];
for (const n of SIZES) {
  const run = await runSize(n);
  runs.push(run);
  const dropped = run.plan.dropped ? `; the plan drops ${run.plan.dropped} shards (${run.plan.droppedMonitors} monitors), given results here anyway` : "";
  console.log(`  ${n} monitors: ${run.elapsedS} s for ${1_440 + TICKS} ticks; plan ${run.plan.inline ? "inline" : `${run.plan.shards} shards`}${dropped}; ${run.day1.events} incident events on day 1; log errors ${run.log.error}`);
}

const pad = (s: string | number, w: number) => String(s).padStart(w);
const header = ["monitors", "window", "CPU mean", "p50", "p95", "max", "wall mean", "latest.json", "carry", "R2 A/B/del", "KV r/w", "ops/tick", "utf8 rt"];
const widths = [8, 12, 9, 7, 7, 7, 9, 11, 9, 15, 9, 8, 8];
console.log(`\nCoordinator CPU per tick without probing (Node V8 estimate; ms; KiB; operations per tick):`);
console.log(header.map((h, i) => pad(h, widths[i]!)).join("  "));
for (const run of runs) {
  for (const w of run.windows) {
    const o = w.opsPerTick;
    const row = [run.monitors, w.window, w.cpuMs.mean, w.cpuMs.p50, w.cpuMs.p95, w.cpuMs.max, w.wallMs.mean, w.latestKiB ?? "-", w.carryKiB ?? "-", `${o.r2ClassA}/${o.r2ClassB}/${o.r2Deletes}`, `${o.kvReads}/${o.kvWrites}`, o.total, w.utf8RoundTripMs ?? "-"];
    console.log(row.map((c, i) => pad(c, widths[i]!)).join("  "));
  }
}
console.log(`\nWhole day 1 and special ticks (CPU ms):`);
console.log(["monitors", "day mean", "day p95", "first of hour", "other ticks", "rollover 00:00", "ops/tick (day)"].map((h) => pad(h, 14)).join("  "));
for (const run of runs) {
  const row = [run.monitors, run.day1.cpuMs.mean, run.day1.cpuMs.p95, run.day1.firstOfHourCpuMs.mean, run.day1.otherTicksCpuMs.mean, run.rollover.cpuMs, run.day1.opsPerTick.total];
  console.log(row.map((c) => pad(c, 14)).join("  "));
}

const out = {
  what: "Coordinator CPU per tick apart from probing: runTick with pre-built results over in-memory R2/KV fakes; Node V8, an estimate of the Worker's JS CPU, not workerd",
  measuredAt: new Date().toISOString(),
  command: `npx tsx bench/apply-cpu.ts --sizes ${SIZES.join(",")} --ticks ${TICKS} --warmup ${WARMUP}`,
  machine: { ...machine, loadAverage1mAtEnd: round(os.loadavg()[0] ?? 0, 2) },
  settings: { sizes: SIZES, ticks: TICKS, warmup: WARMUP, day1: new Date(DAY1_MS).toISOString(), downEvery: DOWN_EVERY, downFor: DOWN_FOR, downShare: DOWN_SHARE },
  runs,
};
writeFileSync(args.out, `${JSON.stringify(out, null, 2)}\n`);
console.log(`\nwrote ${args.out}`);
