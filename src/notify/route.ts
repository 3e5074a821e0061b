import type { Monitor } from "../config/schema";
import type { Notifications } from "../config/notifications";

/**
 * The channels an event about these monitors goes to: every channel when no routes are configured, else the union
 * of the routes that name one of the monitors or one of their groups (a route naming neither matches everything).
 */
export function routeChannels(
  notifications: Notifications,
  monitorIds: readonly string[],
  monitors: readonly Pick<Monitor, "id" | "group">[],
): string[] {
  const routes = notifications.routes;
  if (!routes?.length) return notifications.channels.map((c) => c.id);
  const groups = new Set(monitors.filter((m) => monitorIds.includes(m.id)).map((m) => m.group));
  const out = new Set<string>();
  for (const route of routes) {
    const any = !route.monitors?.length && !route.groups?.length;
    const matches = any || route.monitors?.some((id) => monitorIds.includes(id)) || route.groups?.some((g) => groups.has(g));
    if (matches) for (const id of route.channels) out.add(id);
  }
  return [...out];
}
