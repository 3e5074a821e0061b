import type { Config } from "../config/schema";
import type { Incident } from "../incidents/types";
import type { Log } from "../core/log";
import { notificationBudget } from "./notification-budget";
import { mapPool } from "../net/pool";
import type { OutboxEntry } from "./delivery-state";
import { NotificationEvent } from "./event";
import { orderKey, type Outcome } from "./outbox";
import { groupOf, statusPageUrl } from "./plan";
import { routeChannels } from "./route";
import { refreshAlertmanager, type SendDeps, sendNotification } from "./send";

/** Sends run after the probes, three at a time: the probes have finished with their six connections by then. */
const SEND_CONCURRENCY = 3;

/**
 * Sends the entries this tick claimed: channels in parallel, each channel's entries one after another in the order
 * they were queued, so nobody reads "resolved" before the update that preceded it. Never throws.
 */
export async function deliverClaimed(
  config: Config,
  claimed: readonly OutboxEntry[],
  deps: SendDeps,
  log: Log,
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const byChannel = new Map<string, OutboxEntry[]>();
  for (const entry of claimed) byChannel.set(entry.channelId, [...(byChannel.get(entry.channelId) ?? []), entry]);
  await mapPool([...byChannel.values()], SEND_CONCURRENCY, async (entries) => {
    // An incident whose event failed on this channel sends nothing after it this tick: the order holds.
    const failed = new Set<string>();
    for (const entry of entries) {
      const order = orderKey(entry);
      if (order !== null && failed.has(order)) {
        outcomes.set(entry.key, { ok: false, deferred: true });
        continue;
      }
      await deliverOne(entry);
      if (order !== null && !outcomes.get(entry.key)?.ok) failed.add(order);
    }
  });
  return outcomes;

  async function deliverOne(entry: OutboxEntry) {
    const channel = config.notifications.channels.find((c) => c.id === entry.channelId);
    const event = NotificationEvent.safeParse(entry.event);
    if (!channel || !event.success) {
      outcomes.set(entry.key, {
        ok: false,
        retryable: false,
        error: channel ? "stored event is unreadable" : `channel ${entry.channelId} is no longer configured`,
      });
      return;
    }
    const result = await sendNotification(channel, event.data, deps);
    if (result.ok) outcomes.set(entry.key, { ok: true });
    else {
      // Counted from the answer, not from the tick's minute: the tick may be seconds old by now.
      const retryAt = result.retryAfterMs !== undefined ? deps.now() + result.retryAfterMs : undefined;
      outcomes.set(entry.key, {
        ok: false,
        retryable: result.retryable,
        error: result.error,
        ...(retryAt !== undefined ? { retryAt } : {}),
      });
    }
    log(result.ok ? "info" : "warn", result.ok ? "notification sent" : "notification failed", {
      channel: channel.id,
      event: event.data.type,
      key: entry.key,
      ...(result.ok
        ? {}
        : {
            error: result.error,
            retryable: result.retryable,
            ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
          }),
    });
  }
}

/**
 * The renewals one tick may make: the writer's subrequests less the most sends it may have made this tick
 * (notificationBudget), which reserves one per Alertmanager channel. So a config that fits renews every channel, and
 * sends plus renewals never pass limits.subrequests, not even with more Alertmanager channels than subrequests.
 */
export function leaseRenewalBudget(config: Pick<Config, "limits" | "notifications">): number {
  return Math.max(0, config.limits.subrequests - notificationBudget(config));
}

/**
 * Re-posts open incidents to Alertmanager channels so their alerts' leases (`endsAt`) never run out while the
 * incident is open; every third of the lease, so a stopped Edgewatch lets them expire. One POST per channel carries
 * all its open incidents, so a renewal is one subrequest whatever the number of incidents; at most `budget` are made
 * (a failed one counts: it was sent), and channels past it are named in a warning. Returns the requests made.
 */
export async function renewAlertmanagerLeases(
  config: Config,
  incidents: readonly Incident[],
  nowMs: number,
  deps: SendDeps,
  log: Log,
  budget = leaseRenewalBudget(config),
): Promise<number> {
  let requests = 0;
  const skipped: string[] = [];
  for (const channel of config.notifications.channels) {
    if (channel.type !== "alertmanager") continue;
    const every = Math.max(1, Math.floor(channel.leaseMinutes / 3));
    if (Math.floor(nowMs / 60_000) % every !== 0) continue;
    // The channels its opening was routed to hold its alert.
    const routed = (i: Incident) =>
      routeChannels(config.notifications, { type: "incident.opened", monitorIds: i.monitorIds, severity: i.severity }, config.monitors);
    const mine = incidents.filter((i) => i.status === "open" && routed(i).includes(channel.id));
    if (!mine.length) continue;
    if (requests >= budget) {
      skipped.push(channel.id);
      continue;
    }
    requests++;
    const result = await refreshAlertmanager(channel, mine, deps, {
      groupOf: (i) => groupOf(config, i.monitorIds),
      statusPageUrlOf: (i) => statusPageUrl(config, i.id),
    });
    if (!result.ok) log("warn", "Alertmanager lease renewal failed", { channel: channel.id, error: result.error });
  }
  if (skipped.length)
    log("warn", "Alertmanager lease renewals skipped: out of subrequests", {
      budget,
      skipped: skipped.length,
      channels: skipped.slice(0, 20),
    });
  return requests;
}
