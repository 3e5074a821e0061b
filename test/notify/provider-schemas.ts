// The request bodies each provider documents, written as zod schemas, with their limits. The payload builders'
// output must pass them; they are written from the providers' documentation, not from our builders.
import * as z from "zod";

const nonEmpty = (max: number) => z.string().min(1).max(max);

// Slack incoming webhook (chat.postMessage payload): `text` plus Block Kit `blocks` (at most 50).
// A text object holds at most 3000 characters; section fields at most 10 of 2000; a context at most 10 elements.
const SlackMrkdwn = (max: number) => z.strictObject({ type: z.literal("mrkdwn"), text: nonEmpty(max), verbatim: z.boolean().optional() });
const SlackSection = z.union([
  z.strictObject({ type: z.literal("section"), text: SlackMrkdwn(3000), block_id: nonEmpty(255).optional() }),
  z.strictObject({ type: z.literal("section"), fields: z.array(SlackMrkdwn(2000)).min(1).max(10), block_id: nonEmpty(255).optional() }),
]);
const SlackContext = z.strictObject({
  type: z.literal("context"),
  elements: z.array(SlackMrkdwn(3000)).min(1).max(10),
  block_id: nonEmpty(255).optional(),
});
export const SlackWebhookBody = z.strictObject({
  text: nonEmpty(40_000),
  blocks: z
    .array(z.union([SlackSection, SlackContext]))
    .min(1)
    .max(50),
});

// Discord Execute Webhook: content (≤ 2000) and/or up to 10 embeds; embed limits; 6000 characters across all embeds.
const DiscordEmbed = z.strictObject({
  title: nonEmpty(256).optional(),
  description: nonEmpty(4096).optional(),
  url: z.url().optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  color: z.int().min(0).max(0xffffff).optional(),
  footer: z.strictObject({ text: nonEmpty(2048), icon_url: z.url().optional() }).optional(),
  author: z.strictObject({ name: nonEmpty(256), url: z.url().optional() }).optional(),
  fields: z
    .array(z.strictObject({ name: nonEmpty(256), value: nonEmpty(1024), inline: z.boolean().optional() }))
    .max(25)
    .optional(),
});
export const DiscordWebhookBody = z
  .strictObject({
    content: z.string().max(2000).optional(),
    username: nonEmpty(80).optional(),
    avatar_url: z.url().optional(),
    embeds: z.array(DiscordEmbed).max(10).optional(),
    allowed_mentions: z
      .strictObject({
        parse: z.array(z.enum(["roles", "users", "everyone"])),
        roles: z.array(z.string()).optional(),
        users: z.array(z.string()).optional(),
      })
      .optional(),
  })
  .refine((b) => (b.content?.length ?? 0) > 0 || (b.embeds?.length ?? 0) > 0, "content or embeds is required")
  .refine(
    (b) =>
      (b.embeds ?? []).reduce(
        (n, e) =>
          n +
          (e.title?.length ?? 0) +
          (e.description?.length ?? 0) +
          (e.footer?.text.length ?? 0) +
          (e.author?.name.length ?? 0) +
          (e.fields ?? []).reduce((m, f) => m + f.name.length + f.value.length, 0),
        0,
      ) <= 6000,
    "embeds exceed 6000 characters in total",
  );

// PagerDuty Events API v2 (POST /v2/enqueue). A trigger needs payload.summary (≤ 1024), source and severity;
// acknowledge and resolve need the dedup_key of the alert they act on. dedup_key ≤ 255.
const PagerDutySeverity = z.enum(["critical", "error", "warning", "info"]);
const PagerDutyCommon = { routing_key: z.string().length(32), dedup_key: nonEmpty(255) };
export const PagerDutyTriggerBody = z.strictObject({
  ...PagerDutyCommon,
  dedup_key: nonEmpty(255).optional(),
  event_action: z.literal("trigger"),
  payload: z.strictObject({
    summary: nonEmpty(1024),
    source: nonEmpty(255),
    severity: PagerDutySeverity,
    timestamp: z.iso.datetime({ offset: true }).optional(),
    component: z.string().optional(),
    group: z.string().optional(),
    class: z.string().optional(),
    custom_details: z.record(z.string(), z.unknown()).optional(),
  }),
  images: z.array(z.strictObject({ src: z.url(), href: z.url().optional(), alt: z.string().optional() })).optional(),
  links: z.array(z.strictObject({ href: z.url(), text: z.string().optional() })).optional(),
  client: z.string().optional(),
  client_url: z.url().optional(),
});
export const PagerDutyFollowUpBody = z.strictObject({ ...PagerDutyCommon, event_action: z.enum(["acknowledge", "resolve"]) });
export const PagerDutyBody = z.union([PagerDutyTriggerBody, PagerDutyFollowUpBody]);

// Telegram Bot API sendMessage: chat_id (integer or @channelusername), text of 1-4096 characters after entity parsing.
export const TelegramSendMessageBody = z.strictObject({
  chat_id: z.union([z.int(), z.string().regex(/^(-?\d+|@\w+)$/)]),
  text: nonEmpty(4096),
  parse_mode: z.enum(["HTML", "MarkdownV2", "Markdown"]).optional(),
  disable_web_page_preview: z.boolean().optional(),
  disable_notification: z.boolean().optional(),
});

/**
 * Telegram's HTML mode accepts only its own tags, properly nested, and the entities &lt; &gt; &amp; &quot; (or numeric
 * ones); any other `<`, `>` or `&` makes the whole message fail ("can't parse entities"). Returns the problem, or null.
 */
export function telegramHtmlProblem(text: string): string | null {
  const allowed = new Set([
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
  ]);
  const stack: string[] = [];
  const token = /<(\/?)([a-z-]+)((?:\s+[a-z-]+="[^"<>]*")*)\s*>|&(#\d+|#x[0-9a-f]+|lt|gt|amp|quot);|[<>&]/gi;
  for (const match of text.matchAll(token)) {
    if (match[0] === "<" || match[0] === ">" || match[0] === "&") return `bare ${match[0]} at ${match.index}`;
    if (match[2] === undefined) continue; // an entity
    const name = match[2].toLowerCase();
    if (!allowed.has(name)) return `tag <${name}> is not supported`;
    if (match[1]) {
      if (stack.pop() !== name) return `</${name}> closes nothing`;
    } else stack.push(name);
  }
  return stack.length ? `<${stack.at(-1)}> is not closed` : null;
}

/** The visible length of Telegram HTML (what the 4096 limit counts): tags dropped, entities as one character. */
export function telegramVisibleLength(text: string): number {
  return text.replace(/<[^>]+>/g, "").replace(/&(#\d+|#x[0-9a-f]+|lt|gt|amp|quot);/gi, "_").length;
}

// Alertmanager API v2 POST /api/v2/alerts: a list of postable alerts. Labels identify an alert (alertname required,
// names match [a-zA-Z_][a-zA-Z0-9_]*); startsAt and endsAt are optional RFC 3339 times; generatorURL a URI.
const LabelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
export const AlertmanagerPostableAlerts = z.array(
  z.strictObject({
    labels: z
      .record(LabelName, z.string())
      .refine((l) => typeof l.alertname === "string" && l.alertname.length > 0, "labels.alertname is required"),
    annotations: z.record(LabelName, z.string()).optional(),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }).optional(),
    generatorURL: z.url().optional(),
  }),
);
