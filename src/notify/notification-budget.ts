import type { Config } from "../config/schema";

/** Sends one tick may make; what does not fit waits for the next. */
const MAX_NOTIFICATIONS_PER_TICK = 10;

/**
 * Sends one invocation of the writer may make: at most MAX_NOTIFICATIONS_PER_TICK, and never more than its
 * subrequests after the Alertmanager lease renewals (R2 and KV calls do not count against subrequests).
 */
export function notificationBudget(config: Pick<Config, "limits" | "notifications">): number {
  const leases = config.notifications.channels.filter((c) => c.type === "alertmanager").length;
  return Math.max(0, Math.min(MAX_NOTIFICATIONS_PER_TICK, config.limits.subrequests - leases));
}
