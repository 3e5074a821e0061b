// Where a tick's CPU goes: runs ticks of the bench's Worker (the deploy bundle under Miniflare, as `npm run bench`)
// with V8's sampling profiler on, and prints the functions with the most self time. Not a figure for the README (the
// profiler adds its own cost); a map for deciding what to make cheaper.
//   node --experimental-websocket --import tsx bench/profile-tick.ts [--monitors 1] [--kinds http,tls,prometheus]
//        [--ticks 200] [--out tick.cpuprofile] [--cpu-only] [--verbose] [--writer free|paid [--steps | --boundary]]
// (Node 20's WebSocket is behind that flag; it talks to workerd's inspector.)
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { OFFLINE_ENV } from "../scripts/offline-env.ts";
import { prepareTestCa } from "../test/helpers/test-ca.ts";
import { configFor, type MonitorKind, startTargets } from "./targets.ts";
import { bundleWorker, type RunningWorker, startWorker } from "./worker-runtime.ts";
import { isDown, resultFor, writerConfig } from "./writer-cpu.ts";
import { parseConfigText } from "../src/config/load.ts";
import { dueMonitors } from "../src/tick/due-monitors.ts";

const { values } = parseArgs({
  options: {
    monitors: { type: "string", default: "1" },
    kinds: { type: "string", default: "http" },
    ticks: { type: "string", default: "200" },
    out: { type: "string" },
    top: { type: "string", default: "40" },
    /** Print the Worker's own log lines. */
    verbose: { type: "boolean", default: false },
    /** The simulated time of the first measured tick (UTC, three days ago), after ten ticks before it. */
    at: { type: "string", default: "09:00" },
    /** Write latest.json as the last tick left it to this file. */
    "dump-latest": { type: "string" },
    /** Profile the writer alone (the Coordinator object fed pre-built results, as in the bench's writer day). */
    writer: { type: "string" },
    /** Only the process CPU a tick, without the profiler (whose console forwarding and sampling cost CPU too). */
    "cpu-only": { type: "boolean", default: false },
    /** With --writer: a day of ticks unprofiled, then each archive step the alarm would run profiled on its own. */
    steps: { type: "boolean", default: false },
    /** With --writer: a day of ticks; the ticks that close an hour profiled against those at half past, side by side. */
    boundary: { type: "boolean", default: false },
  },
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A minimal Chrome DevTools Protocol client over the inspector's WebSocket. */
async function inspector(port: number) {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as { webSocketDebuggerUrl: string; title: string }[];
  const target = targets.find((t) => !t.title.includes("loopback")) ?? targets[0];
  if (!target) throw new Error("no inspector target");
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", reject, { once: true });
  });
  let next = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.addEventListener("message", (event: MessageEvent) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  return {
    send: <T>(method: string, params: Record<string, unknown> = {}) =>
      new Promise<T>((resolve) => {
        const id = next++;
        waiting.set(id, resolve as (r: unknown) => void);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

function selfTimes(profile: Profile): { ms: number; name: string }[] {
  const byNode = new Map<number, number>();
  profile.samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byName = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || "(anonymous)"} ${url.split("/").pop()}:${lineNumber + 1}`;
    byName.set(name, (byName.get(name) ?? 0) + (byNode.get(node.id) ?? 0) / 1000);
  }
  return [...byName].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

async function profileTicks(worker: RunningWorker, port: number, ticks: number, run: (k: number) => Promise<unknown>): Promise<void> {
  const cdp = await inspector(port);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
  await cdp.send("Profiler.start");
  const cpuBefore = worker.cpuMs();
  for (let k = 0; k < ticks; k++) await run(k);
  const cpuMs = (worker.cpuMs() - cpuBefore) / ticks;
  const { profile } = await cdp.send<{ profile: Profile }>("Profiler.stop");
  cdp.close();
  if (values.out) writeFileSync(values.out, JSON.stringify(profile));
  const times = selfTimes(profile);
  const busy = times.filter((t) => !/^\((idle|program|garbage collector)\)/.test(t.name));
  const sum = (xs: { ms: number }[]) => xs.reduce((a, t) => a + t.ms, 0);
  console.log(`${ticks} ticks, ${values.monitors} monitors (${values.kinds}): process CPU ${cpuMs.toFixed(2)} ms a tick (profiler on)`);
  const gc = sum(times.filter((t) => t.name.startsWith("(garbage")));
  console.log(`JS samples ${(sum(busy) / ticks).toFixed(3)} ms a tick; GC ${(gc / ticks).toFixed(3)} ms`);
  for (const t of times.slice(0, Number(values.top))) console.log(`${(t.ms / ticks).toFixed(4).padStart(9)} ms  ${t.name}`);
}

Object.assign(process.env, OFFLINE_ENV);
const tmp = mkdtempSync(join(os.tmpdir(), "edgewatch-profile-"));
const ca = prepareTestCa(join(tmp, "ca"));
const { Miniflare } = await import("miniflare");
const bundle = await bundleWorker(tmp);
const targets = await startTargets(ca);
const port = 9_300 + Math.floor(Math.random() * 500);
const limits = { subrequests: 10_000, cpuMs: 300_000, monitorsPerShard: 500 };
const kinds = values.kinds.split(",") as MonitorKind[];
const config = values.writer
  ? writerConfig(values.writer as "free" | "paid")
  : configFor(targets, Number(values.monitors), kinds, 5, { limits });
const worker = await startWorker(Miniflare, bundle.code, config, { inspectorPort: port, verbose: values.verbose });
/** A tick at `at`: the cron's (probes, then the writer), or with --writer the writer's alone. */
function ticker(worker: RunningWorker): (at: number) => Promise<unknown> {
  if (!values.writer) return (at) => worker.tick(at);
  const parsed = parseConfigText(config);
  if (!parsed.ok) throw new Error(parsed.errors.join("; "));
  const monitors = parsed.config.monitors;
  return async (at) => {
    const minute = Math.floor((at % 86_400_000) / 60_000);
    const results = dueMonitors(monitors, at).map((m) => resultFor(m, at, isDown(monitors.indexOf(m), monitors.length, minute)));
    const body = JSON.stringify({ scheduledTime: at, startedAt: at, results });
    const response = await fetch(new URL("/__bench/commit", worker.url), { method: "POST", body });
    if (!response.ok) throw new Error(`commit: HTTP ${response.status}`);
    return response.arrayBuffer();
  };
}

/** CPU ms of each thread of a process so far, by thread id, with the thread's name. */
function threadCpu(pid: number): Map<string, { name: string; ms: number }> {
  const out = new Map<string, { name: string; ms: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      out.set(tid, { name: `${readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim()}#${tid}`, ms: ns / 1e6 });
    } catch {
      // the thread ended
    }
  }
  return out;
}

/** A day of writer ticks from 00:00; each hour's archive steps profiled one by one (their CPU and GC printed). */
async function profileSteps(tick: (at: number) => Promise<unknown>, day: number): Promise<void> {
  await fetch(new URL("/__bench/manual-alarms?on=1", worker.url));
  const cdp = await inspector(port);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
  const total = new Map<string, number>();
  let steps = 0;
  for (let m = 0; m <= 1440; m++) {
    await tick(day + m * 60_000);
    if (m === 0 || m % 60) continue;
    for (;;) {
      await cdp.send("Profiler.start");
      const cpu0 = worker.cpuMs();
      const threads0 = threadCpu(worker.pid);
      const answer = (await (await fetch(new URL("/__bench/step", worker.url))).json()) as {
        ran: Record<string, string> | null;
        jobs: number;
      };
      const cpuMs = worker.cpuMs() - cpu0;
      const threads = [...threadCpu(worker.pid)].map(([tid, t]) => ({ ...t, ms: t.ms - (threads0.get(tid)?.ms ?? 0) }));
      const { profile } = await cdp.send<{ profile: Profile }>("Profiler.stop");
      if (!answer.ran) break;
      steps++;
      const times = selfTimes(profile);
      for (const t of times) total.set(t.name, (total.get(t.name) ?? 0) + t.ms);
      const gc = times.filter((t) => t.name.startsWith("(garbage")).reduce((a, t) => a + t.ms, 0);
      const label = answer.ran.kind === "put" ? "put" : `${answer.ran.kind}-${answer.ran.step}`;
      const busiest = threads
        .filter((t) => t.ms >= 0.5)
        .sort((a, b) => b.ms - a.ms)
        .map((t) => `${t.name} ${t.ms.toFixed(1)}`)
        .join(", ");
      console.log(
        `${String(m).padStart(4)} ${label.padEnd(12)} process CPU ${cpuMs.toFixed(2)} ms, GC ${gc.toFixed(2)} ms; threads: ${busiest}`,
      );
      if (answer.jobs === 0) break;
    }
  }
  cdp.close();
  console.log(`self time over ${steps} steps, per step:`);
  for (const [name, ms] of [...total].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
    console.log(`${(ms / steps).toFixed(4).padStart(9)} ms  ${name}`);
  }
}

/**
 * A day of writer ticks from 00:00 (archive steps run between hours, unprofiled): the 24 ticks that close an hour
 * and the 24 at half past profiled apart, and the functions whose self time differs most printed side by side.
 */
async function profileBoundary(tick: (at: number) => Promise<unknown>, day: number): Promise<void> {
  await fetch(new URL("/__bench/manual-alarms?on=1", worker.url));
  const cdp = await inspector(port);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
  const totals = { closing: new Map<string, number>(), half: new Map<string, number>() };
  const cpu = { closing: 0, half: 0 };
  for (let m = 0; m <= 1440; m++) {
    const kind = m > 0 && m % 60 === 0 ? "closing" : m % 60 === 30 ? "half" : null;
    if (kind) await cdp.send("Profiler.start");
    const cpu0 = worker.cpuMs();
    await tick(day + m * 60_000);
    if (kind) {
      cpu[kind] += worker.cpuMs() - cpu0;
      const { profile } = await cdp.send<{ profile: Profile }>("Profiler.stop");
      for (const t of selfTimes(profile)) totals[kind].set(t.name, (totals[kind].get(t.name) ?? 0) + t.ms);
    }
    if (m > 0 && m % 60 === 0) while (((await (await fetch(new URL("/__bench/step", worker.url))).json()) as { ran: unknown }).ran);
  }
  cdp.close();
  console.log(`process CPU a tick (profiler on): closing ${(cpu.closing / 24).toFixed(2)} ms, half past ${(cpu.half / 24).toFixed(2)} ms`);
  const names = new Set([...totals.closing.keys(), ...totals.half.keys()]);
  const rows = [...names].map((name) => ({ name, c: (totals.closing.get(name) ?? 0) / 24, h: (totals.half.get(name) ?? 0) / 24 }));
  console.log("  closing  half-past  (ms a tick)");
  for (const r of rows.sort((a, b) => b.c - b.h - (a.c - a.h)).slice(0, Number(values.top))) {
    console.log(`${r.c.toFixed(3).padStart(9)} ${r.h.toFixed(3).padStart(9)}  ${r.name}`);
  }
}

try {
  const minute = 60_000;
  if (values.boundary) {
    if (!values.writer) throw new Error("--boundary needs --writer free|paid");
    await profileBoundary(ticker(worker), Math.floor(Date.now() / 86_400_000) * 86_400_000 - 3 * 86_400_000);
  } else if (values.steps) {
    if (!values.writer) throw new Error("--steps needs --writer free|paid");
    await profileSteps(ticker(worker), Math.floor(Date.now() / 86_400_000) * 86_400_000 - 3 * 86_400_000);
    process.exitCode = 0;
  } else {
    const tick = ticker(worker);
    const [hh, mm] = values.at.split(":").map(Number) as [number, number];
    const start = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 3 * 86_400_000 + (hh * 60 + mm - 10) * minute;
    for (let k = 0; k < 10; k++) await tick(start + k * minute);
    const ticks = Number(values.ticks);
    if (values["cpu-only"]) {
      const before = worker.cpuMs();
      for (let k = 10; k < 10 + ticks; k++) await tick(start + k * minute);
      const cpuMs = (worker.cpuMs() - before) / ticks;
      console.log(`${ticks} ticks, ${values.monitors} monitors (${values.kinds}): process CPU ${cpuMs.toFixed(2)} ms a tick`);
    } else {
      await profileTicks(worker, port, ticks, (k) => tick(start + (10 + k) * minute));
    }
    if (values["dump-latest"]) writeFileSync(values["dump-latest"], (await worker.objectText("latest.json")) ?? "");
  }
} finally {
  await worker.dispose();
  await targets.close();
  rmSync(tmp, { recursive: true, force: true });
}
