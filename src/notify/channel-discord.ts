// Discord channel webhook: one embed; `allowed_mentions` empty, so no name or title can ping anyone.
import type { NotificationEvent } from "./event";
import { colour, emoji, escapeDiscord, facts, fitEscaped, headline, httpUrl, subject } from "./render";
import { type Prepared, type SecretLookup, postToSecretUrl } from "./request";
import type { ChannelOf } from "../config/notifications";

/** Discord's documented embed limits; `total` counts title, description, field names and values, footer and author. */
const DISCORD_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  total: 6000,
  content: 2000,
} as const;

export interface DiscordEmbed {
  title: string;
  description?: string;
  color: number;
  fields: { name: string; value: string; inline: boolean }[];
  timestamp?: string;
  footer: { text: string };
  url?: string;
}
export interface DiscordPayload {
  username: string;
  embeds: [DiscordEmbed];
  allowed_mentions: { parse: [] };
}

/** `<t:1700000000:f>`: Discord shows it in the reader's time zone. */
function discordTime(iso: string): string | undefined {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? `<t:${Math.floor(ms / 1000)}:f>` : undefined;
}

export function embedLength(embed: DiscordEmbed): number {
  return (
    embed.title.length +
    (embed.description?.length ?? 0) +
    embed.footer.text.length +
    embed.fields.reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

export function buildDiscordPayload(event: NotificationEvent): DiscordPayload {
  const all = facts(event);
  const long = all.filter((f) => !f.short);
  const fields = all
    .filter((f) => f.short)
    .slice(0, DISCORD_LIMITS.fields)
    .map((f) => ({
      name: fitEscaped(f.name, DISCORD_LIMITS.fieldName, escapeDiscord),
      value: (f.time && discordTime(f.value)) || fitEscaped(f.value, DISCORD_LIMITS.fieldValue, escapeDiscord),
      inline: true,
    }));
  const footer = { text: fitEscaped(`Edgewatch · ${event.id}`, 200, escapeDiscord) };
  const title = fitEscaped(`${emoji(event)} ${headline(event)}: ${subject(event)}`, DISCORD_LIMITS.title, escapeDiscord);
  const fixed = title.length + footer.text.length + fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  // The description gets what the 6000-character budget leaves, up to its own 4096.
  const room = Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.total - fixed);
  const description = fitEscaped(long.map((f) => `${f.name}: ${f.value}`).join("\n"), room, (raw) =>
    raw
      .split("\n")
      .map((line) => {
        const colon = line.indexOf(": ");
        return colon < 0 ? escapeDiscord(line) : `**${escapeDiscord(line.slice(0, colon))}**: ${escapeDiscord(line.slice(colon + 2))}`;
      })
      .join("\n"),
  );
  const embed: DiscordEmbed = { title, color: colour(event), fields, footer };
  if (description) embed.description = description;
  const at = Date.parse(event.at);
  if (Number.isFinite(at)) embed.timestamp = new Date(at).toISOString();
  const link = httpUrl(event.statusPageUrl);
  if (link) embed.url = link;
  return { username: "Edgewatch", embeds: [embed], allowed_mentions: { parse: [] } };
}

export function prepareDiscord(channel: ChannelOf<"discord">, event: NotificationEvent, secret: SecretLookup): Prepared {
  return postToSecretUrl(channel, buildDiscordPayload(event), secret);
}
