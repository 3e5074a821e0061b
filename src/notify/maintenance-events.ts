import type { Config, MaintenanceWindow } from "../config/schema";
import { activeOccurrence, windowCovers } from "../incidents/maintenance";
import type { NotificationEvent } from "./event";
import { groupOf } from "./plan";
import { routeChannels } from "./route";

type Delivery = { event: NotificationEvent; channelIds: string[] };

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `maintenance.started` and `maintenance.ended` for the windows whose occurrence began or finished between the last
 * tick and this one, for the routes with `notifyMaintenance`. Nothing is stored for it: the windows in force at the
 * last tick's time and at this one are compared, and each event's id names the window and its occurrence, so a
 * repeated tick cannot send it twice. Without a last tick (a new deployment) there is nothing to compare.
 */
export function maintenanceEvents(
  config: Config,
  windows: readonly MaintenanceWindow[],
  lastTickMs: number | null,
  nowMs: number,
): Delivery[] {
  if (lastTickMs === null || !(lastTickMs < nowMs)) return [];
  if (!config.notifications.routes?.some((r) => r.notifyMaintenance)) return [];
  const out: Delivery[] = [];
  for (const window of windows) {
    const before = activeOccurrence(window, lastTickMs);
    const now = activeOccurrence(window, nowMs);
    if (before && before.start !== now?.start) out.push(delivery(config, window, "maintenance.ended", before, nowMs));
    if (now && now.start !== before?.start) out.push(delivery(config, window, "maintenance.started", now, nowMs));
  }
  return out.filter((d) => d.channelIds.length > 0);
}

function delivery(
  config: Config,
  window: MaintenanceWindow,
  type: "maintenance.started" | "maintenance.ended",
  occurrence: { start: number; end: number },
  nowMs: number,
): Delivery {
  const monitorIds = config.monitors.filter((m) => windowCovers(window, m)).map((m) => m.id);
  const [start, end] = [iso(occurrence.start), iso(occurrence.end)];
  const group = groupOf(config, monitorIds);
  const event: NotificationEvent = {
    type,
    id: `maintenance:${window.id}:${start}:${type === "maintenance.started" ? "started" : "ended"}`,
    at: iso(nowMs),
    monitorIds,
    reason: type === "maintenance.started" ? `${window.title} started; planned until ${end}` : `${window.title} ended`,
    maintenance: { id: window.id, title: window.title, start, end },
    ...(group ? { group } : {}),
    ...(config.publicUrl ? { statusPageUrl: config.publicUrl } : {}),
  };
  return { event, channelIds: routeChannels(config.notifications, event, config.monitors) };
}
