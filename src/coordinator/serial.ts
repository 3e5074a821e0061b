import { settleWithin } from "../core/settle-within";

/**
 * Waits for `previous`, but not longer than `ms`: work somehow still running after the minute (storage that hangs)
 * must not hold every later call back. The timer is cleared as soon as `previous` ends: a pending one would keep the
 * object awake, and billed.
 */
export async function waitAtMost(previous: Promise<unknown>, ms: number): Promise<void> {
  await settleWithin(previous, ms, () => undefined);
}

/**
 * Runs calls one after another, in the order they arrive, each waiting for the one before at most `maxWaitMs`. A
 * Durable Object lets a new call in whenever the current one awaits I/O; the writer's calls must not interleave.
 */
export class Serial {
  private last: Promise<void> = Promise.resolve();
  /** Calls started and not yet finished: with none, a call starts at once, without a timer (the usual minute). */
  private running = 0;

  constructor(private readonly maxWaitMs: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    // Take this call's place in line before anything else is awaited.
    const before = this.last;
    const idle = this.running === 0;
    this.running++;
    let done!: () => void;
    this.last = new Promise<void>((resolve) => (done = resolve));
    try {
      if (!idle) await waitAtMost(before, this.maxWaitMs);
      return await work();
    } finally {
      this.running--;
      done();
    }
  }
}
