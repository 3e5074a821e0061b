import * as z from "zod";
import { NotificationEventType } from "../config/notifications";
import { Incident } from "../incidents/types";

export { NotificationEventType } from "../config/notifications";

/**
 * One thing worth telling people, as every channel receives it. The channel builders turn it into each provider's
 * request; the generic webhook sends it almost as it is (see docs/notifications.md).
 */
export const NotificationEvent = z.object({
  type: NotificationEventType,
  /** A stable idempotency key (`api-gateway-20261128T210100Z:opened`): the webhook's `id` and `X-Edgewatch-Delivery`. */
  id: z.string().min(1),
  /** When it happened (ISO 8601). */
  at: z.string(),
  monitorIds: z.array(z.string()),
  /** The incident record as `/api/status` shows it; every `incident.*` event carries it. */
  incident: Incident.optional(),
  /** Words: `opened`, `impact raised`, `severity raised`, `flapping`, `acknowledged by alice`, `resolved after 12 min`. */
  reason: z.string(),
  escalationLevel: z.int().positive().optional(),
  certificate: z.object({ monitorId: z.string(), daysLeft: z.number(), notAfter: z.string(), tier: z.number() }).optional(),
  /** For `slo.*`: which objective, how fast its error budget burns (× the sustainable rate) and how much is left (%). */
  slo: z
    .object({
      key: z.string(),
      name: z.string(),
      objective: z.number(),
      window: z.string(),
      burnRate: z.object({ long: z.number(), short: z.number(), longWindow: z.string(), shortWindow: z.string(), threshold: z.number() }),
      budgetRemaining: z.number().nullable(),
    })
    .optional(),
  /** For `maintenance.*`: the window and the occurrence that started or ended (ISO times). */
  maintenance: z.object({ id: z.string(), title: z.string(), start: z.string(), end: z.string() }).optional(),
  /** A link for people: the status page, or the incident on it. Only http(s) URLs are rendered. */
  statusPageUrl: z.string().optional(),
  /** What responders should read: the incident's runbook, or its monitor's. Only http(s) URLs are rendered. */
  runbook: z.string().optional(),
  /** The monitors' group, when they have one: Alertmanager's `group` label, PagerDuty's `group`. */
  group: z.string().optional(),
});
export type NotificationEvent = z.infer<typeof NotificationEvent>;
