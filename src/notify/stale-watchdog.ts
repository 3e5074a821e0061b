import type { Config } from "../config/schema";
import type { Log } from "../log";
import type { NotificationEvent } from "./event";
import { routeChannels } from "./route";
import { type SendDeps, sendNotification } from "./send";

/** KV key holding the tick time a `monitor.stale` was last sent for: one message per stopped-cron episode. */
export const STALE_NOTIFIED_KEY = "stale-notified:v1";

/**
 * When the ticks have stopped, nothing in the tick can say so. Requests to /health (what an outside uptime checker
 * polls) can: the first one that finds the last tick older than the stale limit sends `monitor.stale` to every
 * channel, straight away rather than through the tick's outbox, and records the tick it was about in KV.
 */
export async function notifyIfTicksStopped(input: {
  config: Config;
  lastTickAt: string;
  kv: KVNamespace;
  send: SendDeps;
  log: Log;
  nowMs: number;
}): Promise<number> {
  const { config, lastTickAt, kv, log, nowMs } = input;
  if (config.notifications.channels.length === 0) return 0;
  if ((await kv.get(STALE_NOTIFIED_KEY)) === lastTickAt) return 0;
  await kv.put(STALE_NOTIFIED_KEY, lastTickAt, { expirationTtl: 30 * 24 * 3600 });
  const monitorIds = config.monitors.map((m) => m.id);
  const minutes = Math.round((nowMs - Date.parse(lastTickAt)) / 60_000);
  const event: NotificationEvent = {
    type: "monitor.stale",
    id: `stale:${lastTickAt}`,
    at: new Date(nowMs).toISOString(),
    monitorIds,
    reason: `no check has run for ${minutes} min (last tick ${lastTickAt}): the cron trigger or the Worker is not running`,
    ...(config.publicUrl ? { statusPageUrl: config.publicUrl } : {}),
  };
  let sent = 0;
  for (const id of routeChannels(config.notifications, monitorIds, config.monitors)) {
    const channel = config.notifications.channels.find((c) => c.id === id);
    if (!channel) continue;
    const result = await sendNotification(channel, event, input.send);
    if (result.ok) sent++;
    else log("warn", "stale notification failed", { channel: id, error: result.error });
  }
  log("warn", "ticks have stopped; monitor.stale sent", { lastTickAt, channels: sent });
  return sent;
}
