import type { LocationHint } from "../config/base";
import type { Config, Monitor } from "../config/schema";
import { MAX_CONCURRENT_PROBES } from "../net/pool";
import { isProbed, probeCost, probeCpuMs } from "../probes";
import { RESERVED_SUBREQUESTS } from "../probes/subrequest-budget";

/** What an invocation spends around its probes (each probe's own CPU is its type's, probes/index.ts). */
const TICK_BASE_CPU_MS = 3.5;
export const SHARD_BASE_CPU_MS = 2;
/**
 * The writer's CPU per tick (the coordinator object, an invocation of its own): a base and a share per monitor, from
 * `npm run bench` (its writer section: 5 ms for 140 monitors on an ordinary minute, 17 ms for 1,000, flat through the
 * day), rounded up. It does not grow with the time of day, so an ordinary minute is the one to size for.
 */
const WRITER_BASE_CPU_MS = 3;
const WRITER_CPU_MS_PER_MONITOR = 0.015;
/**
 * A shard's probes must finish inside the minute even when every target hangs (six at a time, each timing out twice):
 * a mass outage has to show as down, not as a shard that missed its deadline.
 */
export const SHARD_WALL_BUDGET_MS = 45_000;

/** One invocation's worth of probes: a Durable Object named by `key`, placed by `location` when it has one. */
export interface ShardPlan {
  key: string;
  location: LocationHint | null;
  monitors: Monitor[];
}

export interface TickPlan {
  /** Everything fits the tick's own invocation and no monitor asks for locations: no Durable Object is used. */
  inline: boolean;
  shards: ShardPlan[];
  /** Shards the coordinator cannot call for want of subrequests: their monitors are `unknown` for the tick. */
  dropped: ShardPlan[];
  /** Estimated CPU of the writer's invocation (the coordinator's), which judges and stores every monitor's minute. */
  writerCpuMs: number;
}

interface Room {
  subrequests: number;
  cpuMs: number;
  monitors: number;
  wallMs?: number;
}

/** The longest `monitors` can take: six at a time, each timing out and retried. */
export function worstCaseWallMs(monitors: readonly Pick<Monitor, "timeoutMs">[]): number {
  return Math.ceil(monitors.length / MAX_CONCURRENT_PROBES) * 2 * Math.max(0, ...monitors.map((m) => m.timeoutMs));
}

/** Whether `monitors` fit in `room`: subrequests (a retry costs as many again), CPU, count, and time if it has a bound. */
function fits(monitors: readonly Monitor[], room: Room): boolean {
  let subrequests = 0;
  let cpu = 0;
  for (const m of monitors) {
    subrequests += 2 * probeCost(m);
    cpu += probeCpuMs(m);
  }
  const inTime = room.wallMs === undefined || worstCaseWallMs(monitors) <= room.wallMs;
  return monitors.length <= room.monitors && subrequests <= room.subrequests && cpu <= room.cpuMs && inTime;
}

/** Fills shards in config order, so a monitor keeps its shard (and its warm object) from tick to tick. */
function pack(monitors: readonly Monitor[], room: Room, location: LocationHint | null): ShardPlan[] {
  const shards: ShardPlan[] = [];
  let current: Monitor[] = [];
  for (const monitor of monitors) {
    if (current.length && !fits([...current, monitor], room)) {
      shards.push({ key: `${location ?? "any"}/${shards.length}`, location, monitors: current });
      current = [];
    }
    current.push(monitor);
  }
  if (current.length) shards.push({ key: `${location ?? "any"}/${shards.length}`, location, monitors: current });
  return shards;
}

/**
 * How this config's tick runs: in its own invocation when that fits, else across shards sized to one invocation's
 * subrequests, CPU and `monitorsPerShard`; a monitor with `locations` is probed once from each of them.
 */
export function planTick(config: Pick<Config, "monitors" | "limits">): TickPlan {
  const { subrequests, cpuMs, monitorsPerShard } = config.limits;
  // Push monitors take no room: nothing probes them, their writer judges them (and counts in its own estimate).
  const monitors = config.monitors.filter(isProbed);
  const located = monitors.some((m) => m.locations?.length);
  const inlineRoom = { subrequests: subrequests - RESERVED_SUBREQUESTS, cpuMs: cpuMs - TICK_BASE_CPU_MS, monitors: monitorsPerShard };
  const writerCpuMs = round(WRITER_BASE_CPU_MS + WRITER_CPU_MS_PER_MONITOR * config.monitors.length);
  if (!located && fits(monitors, inlineRoom)) return { inline: true, shards: [], dropped: [], writerCpuMs };

  const room = { subrequests, cpuMs: cpuMs - SHARD_BASE_CPU_MS, monitors: monitorsPerShard, wallMs: SHARD_WALL_BUDGET_MS };
  const byLocation = new Map<LocationHint | null, Monitor[]>([[null, []]]);
  for (const monitor of monitors) {
    for (const location of monitor.locations ?? [null]) {
      const list = byLocation.get(location) ?? [];
      list.push(monitor);
      byLocation.set(location, list);
    }
  }
  const shards = [...byLocation].flatMap(([location, monitors]) => pack(monitors, room, location));
  // Each shard call is one of the coordinator's subrequests; it keeps the same reserve as an inline tick.
  const callable = Math.max(1, subrequests - RESERVED_SUBREQUESTS);
  return { inline: false, shards: shards.slice(0, callable), dropped: shards.slice(callable), writerCpuMs };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
