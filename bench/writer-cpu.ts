// The writer's CPU per invocation, through the Worker as deployed (see worker-runtime.ts): a simulated day of ticks
// handed to the Coordinator object with pre-built results (what the cron's invocation sends after probing), and the
// archive steps the alarm would run, each one an invocation of its own. CPU is the workerd process's, read from the
// scheduler's nanosecond counters around each call, less the same call with the same payload answered at once (the
// request into the harness, moving the results over RPC), so what remains is the writer's own work: loading its
// state, deciding, committing to SQLite, writing latest.json (and KV on change), planning notifications.
import { parseConfigText } from "../src/config/load.ts";
import type { Monitor } from "../src/config/schema.ts";
import { dueMonitors } from "../src/tick/due-monitors.ts";
import type { RunningWorker } from "./worker-runtime.ts";

const MINUTE = 60_000;

/**
 * What each probe type reports, as the real probes shape it (sizes matter: they are what the writer moves). http
 * monitors answer like the guide's gateway /health: `{ "status": "ok", "checks": { "database", "circuit_breaker" } }`.
 */
export function resultFor(m: Monitor, at: number, down: boolean) {
  const latency = 20 + ((at / MINUTE + m.id.length * 7) % 180);
  const base = { monitorId: m.id, checkedAt: new Date(at).toISOString() };
  if (down)
    return {
      ...base,
      type: m.type,
      status: "down",
      latencyMs: 12,
      message: "HTTP 503 in 12 ms (expected 200-299)",
      details: { statusCode: 503, checks: null },
      error: { phase: "status", detail: "GET ...: HTTP 503" },
    };
  switch (m.type) {
    case "tls":
      return {
        ...base,
        type: "tls",
        status: "up",
        latencyMs: latency,
        message: "expires in 60 days (2027-02-01)",
        details: {
          source: "socket",
          notBefore: "2026-11-01T00:00:00.000Z",
          notAfter: "2027-02-01T00:00:00.000Z",
          daysLeft: 60,
          issuer: "CN=Bench CA",
          subject: "CN=api.example.test",
          sans: ["api.example.test"],
          serial: "0a1b2c3d4e5f",
          fingerprintSha256: "ab".repeat(32),
          keyType: "EC P-256",
          protocol: "TLSv1.3",
          chainLength: 2,
          earliestChainExpiry: "2027-02-01T00:00:00.000Z",
          trusted: true,
        },
      };
    case "prometheus":
      return {
        ...base,
        type: "prometheus",
        status: "degraded",
        latencyMs: latency,
        message: "1 of 5 targets down (api-gateway); alert TargetDown firing",
        details: {
          ready: true,
          targetsTotal: 5,
          targetsDown: [
            { job: "api-gateway", instance: "10.0.0.3:8080", lastError: 'Get "http://10.0.0.3:8080/metrics": context deadline exceeded' },
          ],
          targetsDownTotal: 1,
          alertsFiring: [{ name: "TargetDown", severity: "warning", count: 1 }],
          alertsFiringTotal: 1,
          queries: [],
        },
        error: { phase: "targets", detail: "..." },
      };
    default:
      return {
        ...base,
        type: m.type,
        status: "up",
        latencyMs: latency,
        message: `HTTP 200 in ${latency} ms`,
        details: {
          statusCode: 200,
          checks: { database: { state: "pass", value: "up" }, circuit_breaker: { state: "pass", value: "closed" } },
        },
      };
  }
}

/** The blobs a tick reads (the archive jobs' own ones left out). */
const TICK_READS = ["meta", "results", "tracks", "incidents", "delivery", "hour", "uptime", "warmup"];
const hotBytes = (blobs: Record<string, number>) =>
  Object.entries(blobs).reduce((sum, [name, size]) => (TICK_READS.includes(name) ? sum + size : sum), 0);

/** Every 10th minute a new 2 % of the monitors (at least one) go down for 5 minutes: incidents open and resolve all day. */
export const isDown = (index: number, n: number, minute: number) => {
  const share = Math.max(1, Math.round(n * 0.02));
  const wave = Math.floor(minute / 10);
  return minute % 10 < 5 && (index - wave * share + n * 1000) % n < share;
};

/**
 * Minutes per measured window: thirty single invocations, so that one garbage collection (which lands in some minute
 * whatever the time of day) moves a window's mean by a thirtieth, not a tenth, and the median is not moved at all.
 */
const WINDOW = 30;

/** Which window a minute of the simulated day (0 = day 1's 00:00) is measured in, if any. */
function windowOf(minute: number): "at0900" | "at2359" | "at0005" | null {
  if (minute >= 540 && minute < 540 + WINDOW) return "at0900";
  if (minute >= 1440 - WINDOW && minute < 1440) return "at2359";
  if (minute >= 1445 && minute < 1445 + WINDOW) return "at0005";
  return null;
}

export interface WriterWindows {
  /** Ordinary ticks from 09:00, up to 23:59 of day 1 and from 00:05 of day 2, WINDOW of each. */
  at0900: number[];
  at2359: number[];
  at0005: number[];
  /** The ticks that close an hour (00:00 included), over the day. */
  hourBoundary: number[];
  /** The tick at 00:00 of day 2 on its own. */
  dayBoundary: number;
  /** Each archive step (alarm invocation) by kind. */
  steps: Record<string, number[]>;
  latestBytes: number;
  /** The runtime's CPU for one put of latest.json, measured and taken off every tick above. */
  latestPutMs: number;
  hotBytes2359: number;
  hotBytes0005: number;
}

/** The configs the writer is measured with: the Free-plan mix, and a Paid fleet of http monitors. */
export function writerConfig(kind: "free" | "paid"): string {
  const http = (i: number) => ({
    id: `svc-${String(i).padStart(4, "0")}`,
    name: `Service ${i}`,
    group: "Services",
    type: "http",
    url: `https://svc-${i}.example.test/health`,
    criticalChecks: ["database"],
  });
  if (kind === "paid") {
    return JSON.stringify({
      title: "Writer bench (Paid)",
      limits: { subrequests: 1000, cpuMs: 30000 },
      monitors: Array.from({ length: 1000 }, (_, i) => http(i)),
    });
  }
  const monitors = [
    ...Array.from({ length: 100 }, (_, i) => http(i)),
    ...Array.from({ length: 20 }, (_, i) => ({
      id: `cert-${i}`,
      name: `Certificate ${i}`,
      group: "Certificates",
      type: "tls",
      host: `api-${i}.example.test`,
    })),
    ...Array.from({ length: 20 }, (_, i) => ({
      id: `prom-${i}`,
      name: `Prometheus ${i}`,
      group: "Monitoring",
      type: "prometheus",
      url: `https://prom-${i}.example.test`,
    })),
  ];
  return JSON.stringify({ title: "Writer bench (Free)", monitors });
}

/**
 * Runs the simulated day through `worker` (already started with `configText`) and returns CPU figures per invocation.
 * `day1` is a UTC midnight in the past.
 */
export async function writerDay(worker: RunningWorker, configText: string, day1: number, log: (m: string) => void): Promise<WriterWindows> {
  const parsed = parseConfigText(configText);
  if (!parsed.ok) throw new Error(parsed.errors.join("; "));
  const monitors = parsed.config.monitors;
  const post = async (path: string, body: string) => {
    const response = await fetch(new URL(path, worker.url), { method: "POST", body, headers: { "content-type": "application/json" } });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
    return response.json();
  };
  const timed = async <T>(fn: () => Promise<T>): Promise<{ cpuMs: number; value: T }> => {
    const cpu0 = worker.cpuMs();
    const value = await fn();
    return { cpuMs: worker.cpuMs() - cpu0, value };
  };
  await fetch(new URL("/__bench/manual-alarms?on=1", worker.url));
  const windows: WriterWindows = {
    at0900: [],
    at2359: [],
    at0005: [],
    hourBoundary: [],
    dayBoundary: NaN,
    steps: {},
    latestBytes: 0,
    latestPutMs: 0,
    hotBytes2359: 0,
    hotBytes0005: 0,
  };
  const jobsOf = async () =>
    (await (await fetch(new URL("/__bench/state", worker.url))).json()) as { jobs: number; blobs: Record<string, number> };
  const noop = async () => (await timed(async () => (await fetch(new URL("/__bench/noop", worker.url))).arrayBuffer())).cpuMs;
  const moved = async () => (await (await fetch(new URL("/__bench/io", worker.url))).json()) as { puts: number[]; gets: number[] };
  const sum = async (costs: Promise<number>[]) => (await Promise.all(costs)).reduce((a, b) => a + b, 0);
  // The runtime's CPU for one put or get of an object of that many bytes (to the KiB), measured once per size.
  const r2Costs = new Map<string, Promise<number>>();
  const r2Cost = (what: "r2put" | "r2get", bytes: number) => {
    const kib = Math.max(1, Math.round(bytes / 1024));
    const key = `${what}/${kib}`;
    if (!r2Costs.has(key)) r2Costs.set(key, calibrated(what, kib * 1024));
    return r2Costs.get(key)!;
  };
  const calibrated = async (what: string, bytes: number) => {
    const n = 5;
    const call = await timed(() =>
      fetch(new URL(`/__bench/calibrate?what=${what}&n=${n}&bytes=${bytes}`, worker.url)).then((r) => r.arrayBuffer()),
    );
    return Math.max(0, (call.cpuMs - (await noop())) / n);
  };
  const last = 24 * 60 + 5 + WINDOW;
  for (let minute = 0; minute < last; minute++) {
    const at = day1 + minute * MINUTE;
    const due = dueMonitors(monitors, at);
    const body = JSON.stringify({
      scheduledTime: at,
      startedAt: at,
      results: due.map((m) => resultFor(m, at, isDown(monitors.indexOf(m), monitors.length, minute))),
    });
    const commit = await timed(() => post("/__bench/commit", body));
    const window = windowOf(minute);
    let cpuMs = NaN;
    if (window || minute % 60 === 0) cpuMs = commit.cpuMs - (await timed(() => post("/__bench/echo", body))).cpuMs;
    if (window) windows[window].push(cpuMs);
    if (minute % 60 === 0 && minute > 0) windows.hourBoundary.push(cpuMs);
    if (minute === 1440) windows.dayBoundary = cpuMs;
    if (minute === 1439) windows.hotBytes2359 = hotBytes((await jobsOf()).blobs);
    if (minute === 1445) windows.hotBytes0005 = hotBytes((await jobsOf()).blobs);
    // The alarm's steps, each its own invocation, until none is left: the hour's two, and at the day's end the
    // day's four. Each less the runtime's cost of the R2 reads and writes it made (the local simulator's).
    if (minute % 60 === 0 && minute > 0) {
      for (;;) {
        await moved();
        const step = await timed(() => fetch(new URL("/__bench/step", worker.url)).then((r) => r.json() as Promise<StepAnswer>));
        if (!step.value.ran) break;
        const io = await moved();
        const r2Ms = (await sum(io.puts.map((b) => r2Cost("r2put", b)))) + (await sum(io.gets.map((b) => r2Cost("r2get", b))));
        (windows.steps[stepLabel(step.value.ran)] ??= []).push(step.cpuMs - (await noop()) - r2Ms);
        if (step.value.jobs === 0) break;
      }
    }
    if (minute % 180 === 0) log(`  writer: ${new Date(at).toISOString().slice(0, 16)} (${due.length} due)`);
  }
  const objects = await worker.objects();
  windows.latestBytes = objects.find((o) => o.key === "latest.json")?.size ?? 0;
  // What the runtime spends putting latest.json (the local R2 simulator runs in the same process): taken off each tick.
  const n = 40;
  const put = await timed(() =>
    fetch(new URL(`/__bench/calibrate?what=r2put&n=${n}&bytes=${windows.latestBytes}`, worker.url)).then((r) => r.arrayBuffer()),
  );
  windows.latestPutMs = Math.max(0, (put.cpuMs - (await noop())) / n);
  for (const list of [windows.at0900, windows.at2359, windows.at0005, windows.hourBoundary])
    list.forEach((v, i) => (list[i] = v - windows.latestPutMs));
  windows.dayBoundary -= windows.latestPutMs;
  await fetch(new URL("/__bench/manual-alarms?on=0", worker.url));
  return windows;
}

interface StepAnswer {
  ran: { kind: "hour"; h: string; step: string } | { kind: "day"; d: string; step: string } | { kind: "put"; key: string } | null;
  jobs: number;
}

/** `hour-raw`, `hour-fold`, `day-object`, ...: the step an alarm invocation ran. */
function stepLabel(job: NonNullable<StepAnswer["ran"]>): string {
  return job.kind === "put" ? "put" : `${job.kind}-${job.step}`;
}

export const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
export const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(0.95 * xs.length) - 1)] ?? NaN;
