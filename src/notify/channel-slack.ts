// Slack incoming webhook: `{ text, blocks }` with Block Kit section and context blocks in mrkdwn.
import type { NotificationEvent } from "./event";
import { type Fact, emoji, escapeSlack, facts, fitEscaped, headline, httpUrl, subject, summaryLine } from "./render";
import { type Prepared, type SecretLookup, postToSecretUrl } from "./request";
import type { ChannelOf } from "../config/notifications";

/** Slack's documented limits: a text object 3000, a section field 2000 (10 of them), a context 10 elements. */
const SLACK_LIMITS = { text: 3000, sectionText: 3000, fieldText: 2000, fields: 10, contextElements: 10, blocks: 50 } as const;

type MrkdwnText = { type: "mrkdwn"; text: string };
export type SlackBlock =
  | { type: "section"; text: MrkdwnText }
  | { type: "section"; fields: MrkdwnText[] }
  | { type: "context"; elements: MrkdwnText[] };
export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

const mrkdwn = (text: string): MrkdwnText => ({ type: "mrkdwn", text });

/** `<!date^1700000000^{date_short_pretty} {time}|2026-11-28T21:01:00.000Z>`: shown in the reader's time zone. */
function slackTime(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return escapeSlack(iso);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${escapeSlack(iso)}>`;
}

/** A link whose URL cannot break out of `<url|label>`: escaped, and `|` percent-encoded. */
function slackLink(url: string, label: string): string {
  return `<${escapeSlack(url).replace(/\|/g, "%7C")}|${escapeSlack(label)}>`;
}

function factText(fact: Fact, max: number): string {
  const name = `*${escapeSlack(fact.name)}*\n`;
  if (fact.time && Number.isFinite(Date.parse(fact.value))) return name + slackTime(fact.value);
  return name + fitEscaped(fact.value, max - name.length, escapeSlack);
}

export function buildSlackPayload(event: NotificationEvent): SlackPayload {
  const head = `${emoji(event)} *${escapeSlack(headline(event))}*\n`;
  const title = `*${fitEscaped(subject(event), SLACK_LIMITS.sectionText - head.length - 2, escapeSlack)}*`;
  const all = facts(event);
  const short = all.filter((f) => f.short).slice(0, SLACK_LIMITS.fields);
  const long = all.filter((f) => !f.short);
  const blocks: SlackBlock[] = [{ type: "section", text: mrkdwn(head + title) }];
  if (short.length) blocks.push({ type: "section", fields: short.map((f) => mrkdwn(factText(f, SLACK_LIMITS.fieldText))) });
  for (const fact of long) blocks.push({ type: "section", text: mrkdwn(factText(fact, SLACK_LIMITS.sectionText)) });
  const context: MrkdwnText[] = [mrkdwn(`Edgewatch · ${fitEscaped(event.id, 200, escapeSlack)}`)];
  const link = httpUrl(event.statusPageUrl);
  if (link && link.length <= 2000) context.push(mrkdwn(slackLink(link, "Status page")));
  blocks.push({ type: "context", elements: context });
  // `text` is the notification and the fallback where blocks cannot be shown.
  const text = fitEscaped(`${emoji(event)} ${summaryLine(event)}`, SLACK_LIMITS.text, escapeSlack);
  return { text, blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

export function prepareSlack(channel: ChannelOf<"slack">, event: NotificationEvent, secret: SecretLookup): Prepared {
  return postToSecretUrl(channel, buildSlackPayload(event), secret);
}
