// The writer's CPU per invocation, through the Worker as deployed (see worker-runtime.ts): a simulated day of ticks
// handed to the Coordinator object with pre-built results (what the cron's invocation sends after probing), and the
// archive steps the alarm would run, each one an invocation of its own. CPU is the workerd process's, read from the
// scheduler's nanosecond counters around each call, less the same call with the same payload answered at once (the
// request into the harness, moving the results over RPC), so what remains is the writer's own work: loading its
// state, deciding, committing to SQLite, writing latest.json (and KV on change), planning notifications. R2 and KV
// live in the isolate's memory meanwhile (the harness's memory-storage): a put or get costs its text's encoding, not
// the local simulators' work, which Cloudflare does elsewhere.
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

/** The blobs a tick reads (the archive jobs' own ones left out); `windows` was part of `uptime` before it had its own. */
const TICK_READS = ["meta", "results", "tracks", "incidents", "delivery", "hour", "uptime", "windows", "warmup"];
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
/** Minutes run before day 1 (its day-before's last hour and the day's end), not measured. */
const LEAD = 60;

/** Which window a minute of the simulated day (0 = day 1's 00:00) is measured in, if any. */
function windowOf(minute: number): "at0900" | "at2359" | "at0005" | null {
  if (minute >= 540 && minute < 540 + WINDOW) return "at0900";
  if (minute >= 1440 - WINDOW && minute < 1440) return "at2359";
  if (minute >= 1445 && minute < 1445 + WINDOW) return "at0005";
  return null;
}

/** CPU per invocation, in ms, by when it ran. */
export interface Figures {
  /** Ordinary ticks from 09:00, up to 23:59 of day 1 and from 00:05 of day 2, WINDOW of each. */
  at0900: number[];
  at2359: number[];
  at0005: number[];
  /** The ticks that close an hour (00:00 included), over the day. */
  hourBoundary: number[];
  /** The tick at 00:00 of day 2 on its own (one figure). */
  dayBoundary: number[];
  /** Each archive step (alarm invocation) by kind. */
  steps: Record<string, number[]>;
}

const noFigures = (): Figures => ({ at0900: [], at2359: [], at0005: [], hourBoundary: [], dayBoundary: [], steps: {} });

/** The whole workerd process's figures, and (mainThread) those of its main thread alone. */
export interface WriterWindows extends Figures {
  mainThread: Figures;
  latestBytes: number;
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
  const timed = async <T>(fn: () => Promise<T>): Promise<{ cpuMs: number; mainMs: number; value: T }> => {
    const [cpu0, main0] = [worker.cpuMs(), worker.mainThreadCpuMs()];
    const value = await fn();
    return { cpuMs: worker.cpuMs() - cpu0, mainMs: worker.mainThreadCpuMs() - main0, value };
  };
  /** A figure into the process windows and its main-thread twin into `windows.mainThread`. */
  const record = (pick: (w: Figures) => number[], process: number, main: number) => {
    pick(windows).push(process);
    pick(windows.mainThread).push(main);
  };
  await fetch(new URL("/__bench/manual-alarms?on=1", worker.url));
  await fetch(new URL("/__bench/memory-storage?on=1", worker.url));
  const windows: WriterWindows = { ...noFigures(), mainThread: noFigures(), latestBytes: 0, hotBytes2359: 0, hotBytes0005: 0 };
  const jobsOf = async () =>
    (await (await fetch(new URL("/__bench/state", worker.url))).json()) as { jobs: number; blobs: Record<string, number> };
  const noop = () => timed(async () => (await fetch(new URL("/__bench/noop", worker.url))).arrayBuffer());
  const last = 24 * 60 + 5 + WINDOW;
  // The day before ends first (from 23:00): the measured day then starts as a deployment's every day does, with
  // complete-day sums already in its state, so that 23:59 and 00:05 compare like with like.
  for (let minute = -LEAD; minute < last; minute++) {
    const at = day1 + minute * MINUTE;
    const due = dueMonitors(monitors, at);
    const body = JSON.stringify({
      scheduledTime: at,
      startedAt: at,
      results: due.map((m) => resultFor(m, at, isDown(monitors.indexOf(m), monitors.length, minute))),
    });
    const commit = await timed(() => post("/__bench/commit", body));
    const window = windowOf(minute);
    let [cpuMs, mainMs] = [NaN, NaN];
    if (window || minute % 60 === 0) {
      const echo = await timed(() => post("/__bench/echo", body));
      [cpuMs, mainMs] = [commit.cpuMs - echo.cpuMs, commit.mainMs - echo.mainMs];
    }
    if (window) record((w) => w[window], cpuMs, mainMs);
    if (minute % 60 === 0 && minute > 0) record((w) => w.hourBoundary, cpuMs, mainMs);
    if (minute === 1440) record((w) => w.dayBoundary, cpuMs, mainMs);
    if (minute === 1439) windows.hotBytes2359 = hotBytes((await jobsOf()).blobs);
    if (minute === 1445) windows.hotBytes0005 = hotBytes((await jobsOf()).blobs);
    // The alarm's steps, each its own invocation, until none is left: the hour's two, and at the day's end the
    // day's four.
    if (minute % 60 === 0 && minute >= 0) {
      for (;;) {
        const step = await timed(() => fetch(new URL("/__bench/step", worker.url)).then((r) => r.json() as Promise<StepAnswer>));
        if (!step.value.ran) break;
        // The day before's own steps (at 00:00 of day 1) run unmeasured: that day had one hour.
        const label = stepLabel(step.value.ran);
        const base = await noop();
        if (minute > 0) record((w) => (w.steps[label] ??= []), step.cpuMs - base.cpuMs, step.mainMs - base.mainMs);
        if (step.value.jobs === 0) break;
      }
    }
    if (minute % 180 === 0) log(`  writer: ${new Date(at).toISOString().slice(0, 16)} (${due.length} due)`);
  }
  const objects = await worker.objects();
  windows.latestBytes = objects.find((o) => o.key === "latest.json")?.size ?? 0;
  await fetch(new URL("/__bench/memory-storage?on=0", worker.url));
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
