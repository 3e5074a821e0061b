// Telegram Bot API: `POST {apiUrl}/bot<token>/sendMessage` with HTML text. The token sits in the path: the URL is
// never shown, and the token is scrubbed from every error.
import type { NotificationEvent } from "./event";
import {
  type Fact,
  emoji,
  escapeHtmlAttribute,
  escapeTelegramHtml,
  facts,
  fitEscaped,
  headline,
  httpUrl,
  humanTime,
  subject,
} from "./render";
import { type Prepared, type SecretLookup, channelLabel, joinUrl, jsonHeaders, readSecret } from "./request";
import type { ChannelOf } from "../config/notifications";

const TELEGRAM_API_URL = "https://api.telegram.org";
/** sendMessage's text: 1-4096 characters after entities are parsed; the markup is kept within it too, to be safe. */
const TELEGRAM_LIMITS = { text: 4096 } as const;

export interface TelegramPayload {
  chat_id: number | string;
  text: string;
  parse_mode: "HTML";
  disable_web_page_preview: true;
}

/** Bot tokens are `<bot id>:<secret>`; anything else (a slash, a space) would change the request's path. */
const TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{20,200}$/;

export function buildTelegramPayload(event: NotificationEvent, chatId: number | string): TelegramPayload {
  const esc = escapeTelegramHtml;
  const head = `${emoji(event)} <b>${esc(headline(event))}</b>\n`;
  const link = httpUrl(event.statusPageUrl);
  const tail = `\n<i>Edgewatch · ${fitEscaped(event.id, 200, esc)}</i>${link && link.length <= 1000 ? `\n<a href="${escapeHtmlAttribute(link)}">Status page</a>` : ""}`;
  const all = facts(event);
  const shown = (f: Fact) => (f.time ? humanTime(f.value) : f.value);
  const lines = all.map((f) => `<b>${esc(f.name)}:</b> ${esc(shown(f))}`);
  let room = TELEGRAM_LIMITS.text - head.length - tail.length;
  const title = `<b>${fitEscaped(subject(event), Math.min(1000, room - 8), esc)}</b>`;
  room -= title.length;
  // Facts go in whole while they fit; the last that does not is cut (between tags, never inside one).
  let body = "";
  for (const [index, line] of lines.entries()) {
    if (body.length + 1 + line.length <= room) {
      body += `\n${line}`;
      continue;
    }
    const fact = all[index]!;
    const name = `\n<b>${esc(fact.name)}:</b> `;
    const rest = room - body.length - name.length;
    if (rest > 20) body += name + fitEscaped(shown(fact), rest, esc);
    break;
  }
  return { chat_id: chatId, text: head + title + body + tail, parse_mode: "HTML", disable_web_page_preview: true };
}

export function prepareTelegram(channel: ChannelOf<"telegram">, event: NotificationEvent, secret: SecretLookup): Prepared {
  const token = readSecret(secret, channel.tokenSecret);
  if (!token.ok) return token;
  if (!TOKEN.test(token.value)) return { ok: false, error: `secret ${channel.tokenSecret} does not hold a bot token (<bot id>:<secret>)` };
  const body = JSON.stringify(buildTelegramPayload(event, channel.chatId));
  const url = joinUrl(channel.apiUrl ?? TELEGRAM_API_URL, `/bot${token.value}/sendMessage`);
  const redact = [token.value, `bot${token.value}`, url, token.value.split(":")[1]!];
  return { ok: true, request: { url, method: "POST", headers: jsonHeaders(), body, label: channelLabel(channel), redact } };
}
