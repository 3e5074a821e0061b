// The read floor: what the runtime itself costs to answer a request with bytes it already holds. A second Worker,
// in its own workerd under Miniflare like the real one, answers each route with the bytes and headers the real
// Worker served for it (captured from its edge cache), from memory. The real routes (edge cache warm) and the floor
// are measured alternately, route by route, with the same load, so the machine's other work weighs on both alike:
// each route's requests a second as a fraction of the floor's is a fair figure even where absolute ones are noisy.
import type { Miniflare as MiniflareClass } from "miniflare";
import autocannon from "autocannon";
import { classify, cpuMsOf, diffOps, type RunningWorker, ourWorkerdPids } from "./worker-runtime.ts";

/** The fraction of the floor a cached read should reach. */
export const FLOOR_TARGET = 0.9;

/** A captured answer: what the floor Worker sends back for its path. */
interface Captured {
  path: string;
  status: number;
  headers: [string, string][];
  base64: string;
}

/** The floor Worker: answers are set through `POST /__floor` (a Captured), then served from memory. */
const FLOOR_WORKER = `
const answers = new Map();
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname === "/__floor") {
      const a = await request.json();
      const bytes = Uint8Array.from(atob(a.base64), (ch) => ch.charCodeAt(0));
      // Text as a string: the runtime sends a string body faster than the same bytes in a buffer.
      let body = bytes;
      try {
        body = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
      } catch {}
      answers.set(a.path, { status: a.status, headers: a.headers, body });
      return new Response("");
    }
    const a = answers.get(url.pathname);
    if (!a) return new Response("no answer set", { status: 404 });
    return new Response(a.body, { status: a.status, headers: a.headers });
  },
};
`;

export interface FloorWorker {
  url: URL;
  pid: number;
  set(captured: Captured): Promise<void>;
  dispose(): Promise<void>;
}

export async function startFloorWorker(Miniflare: typeof MiniflareClass, compatibilityDate: string): Promise<FloorWorker> {
  const before = new Set(ourWorkerdPids());
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    modules: [{ type: "ESModule", path: "floor.js", contents: FLOOR_WORKER }],
    compatibilityDate,
    // Connections autocannon closes at the end of a run make workerd log resets: nothing the floor needs to say.
    handleRuntimeStdio(stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) {
      stdout.resume();
      stderr.resume();
    },
  });
  const url = await mf.ready;
  const pid = ourWorkerdPids().find((p) => !before.has(p));
  if (pid === undefined) {
    await mf.dispose();
    throw new Error("the floor Worker's workerd process was not found");
  }
  return {
    url,
    pid,
    async set(captured) {
      const response = await fetch(new URL("/__floor", url), { method: "POST", body: JSON.stringify(captured) });
      if (!response.ok) throw new Error(`floor: setting ${captured.path} answered ${response.status}`);
    },
    dispose: () => mf.dispose(),
  };
}

/**
 * Headers the runtime writes itself, left to the floor's runtime as to the real one's. `Content-Encoding` above all:
 * on a Response it tells workerd to compress the body, which autocannon (no Accept-Encoding) never gets from the route.
 */
const RUNTIME_HEADERS = new Set(["content-length", "content-encoding", "date", "transfer-encoding", "connection", "keep-alive"]);

/** The real Worker's cached answer for a path (fresh tick, then a request to fill the cache, then the hit). */
async function capture(worker: RunningWorker, path: string): Promise<Captured & { cache: string | null }> {
  await worker.tick(Date.now());
  await (await fetch(new URL(path, worker.url))).arrayBuffer();
  // As autocannon asks: without compression (fetch would ask for gzip and hand back the decompressed bytes).
  const response = await fetch(new URL(path, worker.url), { headers: { "accept-encoding": "identity" } });
  const body = Buffer.from(await response.arrayBuffer());
  const headers = [...response.headers].filter(([name]) => !RUNTIME_HEADERS.has(name.toLowerCase()));
  return { path, status: response.status, headers, base64: body.toString("base64"), cache: response.headers.get("x-edge-cache") };
}

interface Segment {
  requests: number;
  seconds: number;
  cpuMs: number;
  non2xx: number;
  errors: number;
}

async function segment(url: URL, pid: number, seconds: number, connections: number): Promise<Segment> {
  const cpu0 = cpuMsOf(pid);
  const t0 = performance.now();
  const result = await autocannon({ url: url.href, connections, duration: seconds });
  return {
    requests: result.requests.total ?? 0,
    seconds: (performance.now() - t0) / 1000,
    cpuMs: cpuMsOf(pid) - cpu0,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const rate = (xs: Segment[]) => xs.reduce((a, s) => a + s.requests, 0) / xs.reduce((a, s) => a + s.seconds, 0);
const cpuPerRequest = (xs: Segment[]) =>
  xs.reduce((a, s) => a + s.cpuMs, 0) /
  Math.max(
    1,
    xs.reduce((a, s) => a + s.requests, 0),
  );

export interface FloorOptions {
  paths: readonly string[];
  /** autocannon seconds of each segment (one route or one floor run). */
  seconds: number;
  /** Floor and route segments per path, alternating, the order swapped every round (ABBA). */
  rounds: number;
  connections: number;
  log: (message: string) => void;
}

/** One path: capture its cached answer, hand it to the floor, then alternate floor and route segments. */
async function floorOfPath(worker: RunningWorker, floor: FloorWorker, path: string, options: FloorOptions) {
  const captured = await capture(worker, path);
  if (captured.cache !== "hit")
    throw new Error(`read floor: ${path} was not answered from the edge cache (X-Edge-Cache ${captured.cache})`);
  await floor.set(captured);
  const route: Segment[] = [];
  const base: Segment[] = [];
  const ops0 = await worker.ops();
  for (let r = 0; r < options.rounds; r++) {
    const order = r % 2 === 0 ? (["floor", "route"] as const) : (["route", "floor"] as const);
    for (const which of order) {
      if (which === "floor") base.push(await segment(new URL(path, floor.url), floor.pid, options.seconds, options.connections));
      else route.push(await segment(new URL(path, worker.url), worker.pid, options.seconds, options.connections));
    }
  }
  const reads = classify(diffOps(await worker.ops(), ops0));
  const routeRate = rate(route);
  const floorRate = rate(base);
  const fraction = round(routeRate / floorRate, 2);
  options.log(`  ${path}: ${round(routeRate, 0)} req/s against the floor's ${round(floorRate, 0)}: ${fraction} of it`);
  return {
    path,
    bytes: Buffer.from(captured.base64, "base64").length,
    routeRequestsPerSecond: round(routeRate, 0),
    floorRequestsPerSecond: round(floorRate, 0),
    fractionOfFloor: fraction,
    meetsTarget: fraction >= FLOOR_TARGET,
    fractionPerRound: route.map((s, i) => round(s.requests / s.seconds / (base[i]!.requests / base[i]!.seconds), 2)),
    routeCpuMsPerRequest: round(cpuPerRequest(route), 3),
    floorCpuMsPerRequest: round(cpuPerRequest(base), 3),
    // The same comparison in the runtime's CPU a request: far less moved by other work on the machine than req/s.
    cpuFractionOfFloor: round(cpuPerRequest(base) / cpuPerRequest(route), 2),
    // A warm route must not read storage: anything above 0 means the cache missed during the run.
    storageReadsPerRequest: round(
      (reads.r2ClassB + reads.kvReads) /
        Math.max(
          1,
          route.reduce((a, s) => a + s.requests, 0),
        ),
      4,
    ),
    non2xx: route.reduce((a, s) => a + s.non2xx, 0) + base.reduce((a, s) => a + s.non2xx, 0),
    errors: route.reduce((a, s) => a + s.errors, 0) + base.reduce((a, s) => a + s.errors, 0),
  };
}

export type FloorRoute = Awaited<ReturnType<typeof floorOfPath>>;

export interface ReadFloor {
  target: number;
  secondsPerSegment: number;
  rounds: number;
  connections: number;
  routes: FloorRoute[];
}

/** Every path against the floor, each right after a tick of its own (so its cached answer stays fresh throughout). */
export async function readFloor(
  Miniflare: typeof MiniflareClass,
  compatibilityDate: string,
  worker: RunningWorker,
  options: FloorOptions,
): Promise<ReadFloor> {
  const floor = await startFloorWorker(Miniflare, compatibilityDate);
  try {
    const routes: FloorRoute[] = [];
    for (const path of options.paths) routes.push(await floorOfPath(worker, floor, path, options));
    return { target: FLOOR_TARGET, secondsPerSegment: options.seconds, rounds: options.rounds, connections: options.connections, routes };
  } finally {
    await floor.dispose();
  }
}
