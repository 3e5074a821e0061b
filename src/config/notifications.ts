import * as z from "zod";
// From base.ts, not schema.ts: schema.ts imports this file, and the other way round would be a cycle.
import { HeaderMap, HttpUrl, Severity, Slug } from "./base";

/**
 * The NAME of a Worker secret (`wrangler secret put SLACK_WEBHOOK_URL`). Webhook URLs, routing keys and tokens never
 * go into the config: a Slack or Discord webhook URL is itself the credential.
 */
const SecretName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be the name of a Worker secret (A-Z, a-z, 0-9, _)");

const ChannelBase = { id: Slug };

/** A generic webhook: Edgewatch's own JSON body (see docs/notifications.md), optionally signed. */
const WebhookChannel = z.strictObject({
  ...ChannelBase,
  type: z.literal("webhook"),
  /** The secret holding the URL to POST to. */
  urlSecret: SecretName,
  /** The secret holding the HMAC key: requests then carry `X-Edgewatch-Signature: sha256=<hex>` of the raw body. */
  signingSecret: SecretName.optional(),
});

/** A Slack incoming webhook; the message is Block Kit. */
const SlackChannel = z.strictObject({ ...ChannelBase, type: z.literal("slack"), urlSecret: SecretName });

/** A Discord channel webhook; the message is one embed, and it can never mention anyone. */
const DiscordChannel = z.strictObject({ ...ChannelBase, type: z.literal("discord"), urlSecret: SecretName });

/** PagerDuty Events API v2: trigger on open, resolve on resolve, dedup_key = the incident id. */
const PagerDutyChannel = z.strictObject({
  ...ChannelBase,
  type: z.literal("pagerduty"),
  /** The secret holding the 32-character integration (routing) key of an Events API v2 integration. */
  routingKeySecret: SecretName,
  /** Base URL of the Events API; `https://events.pagerduty.com` unless a proxy (or a test) stands in. */
  apiUrl: HttpUrl.optional(),
});

/** Telegram Bot API `sendMessage` to one chat. */
const TelegramChannel = z.strictObject({
  ...ChannelBase,
  type: z.literal("telegram"),
  /** The secret holding the bot token (`123456789:AA...`) that @BotFather gave. */
  tokenSecret: SecretName,
  /** A chat id (`-1001234567890`) or a public channel's `@username`. */
  chatId: z.union([
    z.int(),
    z.string().regex(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/, "must be a numeric chat id or a channel's @username"),
  ]),
  /** Base URL of the Bot API; `https://api.telegram.org` unless a proxy, a local Bot API server or a test stands in. */
  apiUrl: HttpUrl.optional(),
});

/** A Prometheus Alertmanager: incidents become alerts (`POST /api/v2/alerts`) and join the team's existing routing. */
const AlertmanagerChannel = z.strictObject({
  ...ChannelBase,
  type: z.literal("alertmanager"),
  /** The base URL, path prefix included (`https://alertmanager.example.com`). */
  url: HttpUrl,
  /** Sent with every request, e.g. Cloudflare Access service-token headers taken from Worker secrets. */
  headers: HeaderMap.optional(),
  /**
   * While an incident is open its alert says it ends this many minutes after the post (`endsAt`), so an Edgewatch
   * that stops posting lets the alert expire instead of firing for ever; the tick re-posts open incidents well within it.
   */
  leaseMinutes: z
    .int()
    .min(3)
    .max(24 * 60)
    .default(15),
});

const CHANNELS = [WebhookChannel, SlackChannel, DiscordChannel, PagerDutyChannel, TelegramChannel, AlertmanagerChannel] as const;
export const NotificationChannel = z.discriminatedUnion("type", CHANNELS);
export type NotificationChannel = z.infer<typeof NotificationChannel>;
export type NotificationChannelType = NotificationChannel["type"];
export type ChannelOf<T extends NotificationChannelType> = Extract<NotificationChannel, { type: T }>;

/** Every event Edgewatch sends; routes may filter on them. */
export const NotificationEventType = z.enum([
  "incident.opened",
  "incident.updated",
  "incident.resolved",
  "incident.escalated",
  "certificate.expiring",
  "monitor.stale",
  "maintenance.started",
  "maintenance.ended",
  "slo.fast_burn",
  "slo.slow_burn",
]);
export type NotificationEventType = z.infer<typeof NotificationEventType>;

/**
 * Where events go. Each filter a route sets narrows it, and an event goes to every route it passes: `monitors` or
 * `groups` (either one naming the event's monitors; neither set matches every monitor), `severities` (the incident's
 * SEV level; events that are not about an incident have none, so a route with `severities` never gets them) and
 * `events` (the event types). Maintenance windows starting and ending reach only routes with `notifyMaintenance`,
 * and burn-rate alerts only routes that list them in `events` (the SRE Workbook pages a fast burn and files a slow
 * one, whatever the monitor's severity).
 */
const NotificationRoute = z.strictObject({
  monitors: z.array(Slug).optional(),
  groups: z.array(z.string().min(1)).optional(),
  /** The guide's levels: `["SEV-1"]` for the channels that wake someone, the rest for chat and tickets. */
  severities: z.array(Severity).min(1).optional(),
  events: z.array(NotificationEventType).min(1).optional(),
  /** Tell these channels when a maintenance window covering the route's monitors starts and ends. */
  notifyMaintenance: z.boolean().optional(),
  channels: z.array(Slug).min(1),
});
export type NotificationRoute = z.infer<typeof NotificationRoute>;

const EscalationLevel = z.strictObject({
  /** Minutes after the incident opened, while it is still unresolved (or unacknowledged, see escalateUntil), before this level's channels are told. */
  afterMinutes: z.int().min(1),
  channels: z.array(Slug).min(1),
});
export type EscalationLevel = z.infer<typeof EscalationLevel>;

/** Levels come in the order they fall due: a tick that finds several due sends the last of them. */
function inOrder(levels: readonly EscalationLevel[], ctx: z.RefinementCtx<EscalationLevel[]>): void {
  levels.forEach((level, i) => {
    const before = levels[i - 1];
    if (before && level.afterMinutes <= before.afterMinutes)
      ctx.addIssue({ code: "custom", path: [i, "afterMinutes"], message: `must be after the level before (${before.afterMinutes})` });
  });
}

/**
 * One escalation path, for the incidents of `severities` (every severity when left out). The guide escalates "if
 * unresolved": by default an acknowledgement is shown but the path goes on until the incident resolves;
 * `escalateUntil: "acknowledged"` stops it at the acknowledgement instead.
 */
const EscalationPolicy = z.strictObject({
  severities: z.array(Severity).min(1).optional(),
  escalateUntil: z.enum(["resolved", "acknowledged"]).default("resolved"),
  levels: z.array(EscalationLevel).min(1).superRefine(inOrder),
});
export type EscalationPolicy = z.infer<typeof EscalationPolicy>;

/**
 * `notifications` in the config. Cross-references (route and escalation channel ids, monitors, groups) are checked
 * in load.ts with every other problem; duplicate channel ids are reported here, at the second one.
 */
export const Notifications = z
  .strictObject({
    channels: z.array(NotificationChannel).default([]),
    routes: z.array(NotificationRoute).optional(),
    /**
     * A list of policies (`{ severities?, escalateUntil?, levels }`), the first matching an incident's severity
     * applying; or, as configs written before policies did, a plain list of levels: one policy for every severity.
     */
    escalation: z.union([z.array(EscalationPolicy), z.array(EscalationLevel).superRefine(inOrder)]).optional(),
  })
  .superRefine((n, ctx) => {
    const seen = new Map<string, number>();
    n.channels.forEach((channel, index) => {
      const first = seen.get(channel.id);
      if (first === undefined) seen.set(channel.id, index);
      else
        ctx.addIssue({
          code: "custom",
          path: ["channels", index, "id"],
          message: `duplicate channel id "${channel.id}" (also channels[${first}].id)`,
        });
    });
  });
export type Notifications = z.infer<typeof Notifications>;
export type NotificationsInput = z.input<typeof Notifications>;

/** The escalation policies, whichever form the config used: a plain list of levels is one policy for every severity. */
export function escalationPolicies(notifications: Pick<Notifications, "escalation">): EscalationPolicy[] {
  const list = notifications.escalation ?? [];
  if (list.length === 0) return [];
  if ("levels" in list[0]!) return list as EscalationPolicy[];
  return [{ escalateUntil: "resolved", levels: list as EscalationLevel[] }];
}

/** The policy for incidents of this severity: the first that lists it, or lists no severity; none when none does. */
export function escalationPolicyFor(notifications: Pick<Notifications, "escalation">, severity: Severity): EscalationPolicy | undefined {
  return escalationPolicies(notifications).find((p) => !p.severities || p.severities.includes(severity));
}
