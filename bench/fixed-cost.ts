// The fixed cost of a tick, as Edgewatch's own code: a one-monitor tick against a skeleton tick that does the same
// I/O with none of Edgewatch's code (the harness's skeletonTick), in alternating blocks in one workerd, so that the
// machine's other work weighs on both alike. What the subtraction leaves is what Edgewatch's JavaScript (and the SQLite
// statements beyond the one row any writer stores) costs; the runtime's work for the I/O, the local simulators' and
// the kernel's are in both.
import type { RunningWorker } from "./worker-runtime.ts";

export interface FixedCost {
  ticks: number;
  skeletonTicks: number;
  /** Process CPU per tick, the one-monitor tick's and the skeleton's, and their difference. */
  tickMs: number;
  skeletonMs: number;
  edgewatchMs: number;
  /** Each block's difference, for the spread. */
  blocks: number[];
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * `rounds` blocks of `block` real ticks and `block` skeleton ticks (the order swapped every round) at the minutes
 * from `firstMs`, after `warmup` of each. The real ticks' minutes must follow the worker's last tick and stay within
 * one hour, so that no archive step runs between them.
 */
export async function fixedCostRun(
  worker: RunningWorker,
  options: { firstMs: number; warmup: number; rounds: number; block: number; idleCpuMsPerSecond: number },
): Promise<FixedCost> {
  const { block, rounds, idleCpuMsPerSecond } = options;
  let at = options.firstMs;
  const real = async () => {
    const tick = await worker.tick(at);
    at += 60_000;
    if (!tick.ok) throw new Error("fixed cost: a tick failed");
  };
  const skeleton = () => worker.skeletonTick(at);
  const measure = async (run: () => Promise<void>) => {
    const cpu0 = worker.cpuMs();
    const t0 = performance.now();
    for (let i = 0; i < block; i++) await run();
    return (worker.cpuMs() - cpu0 - (idleCpuMsPerSecond * (performance.now() - t0)) / 1000) / block;
  };
  for (let i = 0; i < options.warmup; i++) {
    await real();
    await skeleton();
  }
  const tickMs: number[] = [];
  const skeletonMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2) {
      skeletonMs.push(await measure(skeleton));
      tickMs.push(await measure(real));
    } else {
      tickMs.push(await measure(real));
      skeletonMs.push(await measure(skeleton));
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    ticks: rounds * block,
    skeletonTicks: rounds * block,
    tickMs: round(mean(tickMs)),
    skeletonMs: round(mean(skeletonMs)),
    edgewatchMs: round(mean(tickMs) - mean(skeletonMs)),
    blocks: tickMs.map((t, i) => round(t - (skeletonMs[i] as number))),
  };
}
