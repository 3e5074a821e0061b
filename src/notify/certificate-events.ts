import type { Config } from "../config/schema";
import type { ProbeResult } from "../probes/types";
import { checkExpiryTier, type ExpiryTier } from "../tls/expiry-tiers";
import type { NotificationEvent } from "./event";
import { groupOf, runbookOf } from "./plan";
import { routeChannels } from "./route";

/** The expiry tier each tls monitor last reached (30, 14, 7, 1 days), so each is announced once. */
export type CertificateTiers = Record<string, ExpiryTier>;

/**
 * `certificate.expiring` events for tls monitors whose certificate crossed into a new tier this tick. A renewed
 * certificate leaves its tiers, so its own expiry is announced again in time.
 */
export function certificateEvents(
  config: Config,
  results: readonly ProbeResult[],
  previous: CertificateTiers,
  inMaintenance: ReadonlySet<string>,
  nowMs: number,
): { tiers: CertificateTiers; deliveries: { event: NotificationEvent; channelIds: string[] }[] } {
  const tiers: CertificateTiers = {};
  const deliveries: { event: NotificationEvent; channelIds: string[] }[] = [];
  for (const result of results) {
    if (result.type !== "tls") continue;
    const { daysLeft, notAfter } = result.details;
    if (daysLeft === null || daysLeft === undefined || !notAfter) {
      // No certificate read this time: keep what was recorded rather than announce again after a blip.
      if (previous[result.monitorId] !== undefined) tiers[result.monitorId] = previous[result.monitorId]!;
      continue;
    }
    const check = checkExpiryTier(previous[result.monitorId], daysLeft);
    if (check.tier !== null) tiers[result.monitorId] = check.tier;
    if (check.crossed === null || inMaintenance.has(result.monitorId) || config.notifications.channels.length === 0) continue;
    const group = groupOf(config, [result.monitorId]);
    const runbook = runbookOf(config, [result.monitorId]);
    deliveries.push({
      event: {
        type: "certificate.expiring",
        id: `cert:${result.monitorId}:${notAfter}:${check.crossed}`,
        at: new Date(nowMs).toISOString(),
        monitorIds: [result.monitorId],
        reason: daysLeft < 0 ? "certificate expired" : `${daysLeft} day${daysLeft === 1 ? "" : "s"} left`,
        certificate: { monitorId: result.monitorId, daysLeft, notAfter, tier: check.crossed },
        ...(group ? { group } : {}),
        ...(runbook ? { runbook } : {}),
      },
      channelIds: routeChannels(config.notifications, { type: "certificate.expiring", monitorIds: [result.monitorId] }, config.monitors),
    });
  }
  return { tiers, deliveries };
}
