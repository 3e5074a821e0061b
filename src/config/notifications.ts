import * as z from "zod";
// From base.ts, not schema.ts: schema.ts imports this file, and the other way round would be a cycle.
import { HeaderMap, HttpUrl, Slug } from "./base";

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

export const NotificationChannel = z.discriminatedUnion("type", [
  WebhookChannel,
  SlackChannel,
  DiscordChannel,
  PagerDutyChannel,
  TelegramChannel,
  AlertmanagerChannel,
]);
export type NotificationChannel = z.infer<typeof NotificationChannel>;
export type NotificationChannelType = NotificationChannel["type"];
export type ChannelOf<T extends NotificationChannelType> = Extract<NotificationChannel, { type: T }>;

const NotificationRoute = z.strictObject({
  monitors: z.array(Slug).optional(),
  groups: z.array(z.string().min(1)).optional(),
  channels: z.array(Slug).min(1),
});

const EscalationLevel = z.strictObject({
  /** Minutes after the incident opened, without an acknowledgement, before this level's channels are told. */
  afterMinutes: z.int().min(1),
  channels: z.array(Slug).min(1),
});

/**
 * `notifications` in the config. Cross-references (route and escalation channel ids, monitors, groups) are checked
 * in load.ts with every other problem; duplicate channel ids are reported here, at the second one.
 */
export const Notifications = z
  .strictObject({
    channels: z.array(NotificationChannel).default([]),
    routes: z.array(NotificationRoute).optional(),
    escalation: z.array(EscalationLevel).optional(),
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
