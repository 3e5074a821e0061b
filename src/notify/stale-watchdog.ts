import type { Config } from "../config/schema";
import type { Log } from "../core/log";
import type { NotificationEvent } from "./event";
import { routeChannels } from "./route";
import { type SendDeps, sendNotification } from "./send";

/** `monitor.stale`: the ticks stopped at `lastTickAt`. Its id names the episode, so channels can tell repeats apart. */
function staleEvent(config: Config, lastTickAt: string, nowMs: number): NotificationEvent {
  const monitorIds = config.monitors.map((m) => m.id);
  const minutes = Math.round((nowMs - Date.parse(lastTickAt)) / 60_000);
  return {
    type: "monitor.stale",
    id: `stale:${lastTickAt}`,
    at: new Date(nowMs).toISOString(),
    monitorIds,
    reason: `no check has run for ${minutes} min (last tick ${lastTickAt}): the cron trigger or the Worker is not running`,
    ...(config.publicUrl ? { statusPageUrl: config.publicUrl } : {}),
  };
}

/** Sends `monitor.stale` to every channel its routes give, straight away (there is no tick to take an outbox). */
export async function sendStale(config: Config, lastTickAt: string, deps: SendDeps, log: Log, nowMs: number): Promise<number> {
  const event = staleEvent(config, lastTickAt, nowMs);
  let sent = 0;
  for (const id of routeChannels(config.notifications, event, config.monitors)) {
    const channel = config.notifications.channels.find((c) => c.id === id);
    if (!channel) continue;
    const result = await sendNotification(channel, event, deps);
    if (result.ok) sent++;
    else log("warn", "stale notification failed", { channel: id, error: result.error });
  }
  log("warn", "ticks have stopped; monitor.stale sent", { lastTickAt, channels: sent });
  return sent;
}
