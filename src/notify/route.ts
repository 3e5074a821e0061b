import type { Severity } from "../config/base";
import type { Monitor } from "../config/schema";
import type { NotificationEventType, NotificationRoute, Notifications } from "../config/notifications";

/** What routing looks at in an event: its type, its monitors and, for an incident, its SEV level. */
export interface Routable {
  type: NotificationEventType;
  monitorIds: readonly string[];
  severity?: Severity | undefined;
}

const isMaintenance = (event: Routable) => event.type === "maintenance.started" || event.type === "maintenance.ended";
const isBurn = (event: Routable) => event.type === "slo.fast_burn" || event.type === "slo.slow_burn";

function matches(route: NotificationRoute, event: Routable, groups: ReadonlySet<string | undefined>): boolean {
  // Planned work is news only to those who asked for it: it wakes nobody by default.
  if (isMaintenance(event) && !route.notifyMaintenance) return false;
  // A burn-rate alert has a destination of its own (a page, or a ticket): only a route that names it gets it.
  if (isBurn(event) && !route.events?.includes(event.type)) return false;
  const anyTarget = !route.monitors?.length && !route.groups?.length;
  const target = anyTarget || route.monitors?.some((id) => event.monitorIds.includes(id)) || route.groups?.some((g) => groups.has(g));
  if (!target) return false;
  if (route.events && !route.events.includes(event.type)) return false;
  // An event that is about no incident has no SEV level: only routes that do not ask for one take it.
  if (route.severities && (event.severity === undefined || !route.severities.includes(event.severity))) return false;
  return true;
}

/**
 * The channels an event goes to: every channel when no routes are configured (but maintenance, which needs a route
 * with `notifyMaintenance`), else the union of the routes it passes (burn-rate alerts: those naming them in `events`). Each filter a route sets narrows it: the
 * monitors or groups it names (neither: every monitor), the incident severities, the event types.
 */
export function routeChannels(notifications: Notifications, event: Routable, monitors: readonly Pick<Monitor, "id" | "group">[]): string[] {
  const routes = notifications.routes;
  if (!routes?.length) return isMaintenance(event) ? [] : notifications.channels.map((c) => c.id);
  const groups = new Set(monitors.filter((m) => event.monitorIds.includes(m.id)).map((m) => m.group));
  const out = new Set<string>();
  for (const route of routes) if (matches(route, event, groups)) for (const id of route.channels) out.add(id);
  return [...out];
}
