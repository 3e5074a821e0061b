import type { Monitor } from "../config/schema";

/** FNV-1a of the id: spreads monitors of one interval over its minutes, the same way on every tick and every isolate. */
function phaseOf(id: string, interval: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % interval;
}

/** Whether the monitor is probed in the minute of `scheduledTime`: every `interval` minutes, at its own phase. */
export function isDue(monitor: Pick<Monitor, "id" | "interval">, scheduledTime: number): boolean {
  if (monitor.interval <= 1) return true;
  const minute = Math.floor(scheduledTime / 60_000);
  return minute % monitor.interval === phaseOf(monitor.id, monitor.interval);
}

export function dueMonitors<M extends Pick<Monitor, "id" | "interval">>(monitors: readonly M[], scheduledTime: number): M[] {
  return monitors.filter((m) => isDue(m, scheduledTime));
}
