// Resolves a host over DNS-over-HTTPS. Only used after a connect() failed, to tell "proxied by Cloudflare"
// (which a Worker's socket can never reach) from an ordinary outage.
import * as z from "zod";
import type { Deadline } from "../net/deadline";
import { discard, readBody, send } from "../net/request";

const DOH_URL = "https://cloudflare-dns.com/dns-query";

const DnsJson = z.object({
  Status: z.number(),
  Answer: z.array(z.object({ type: z.number(), data: z.string() })).optional(),
});

const A = 1;
const AAAA = 28;

/** A DNS JSON answer for two record types fits in far less; anything bigger is not an answer. */
const MAX_ANSWER_BYTES = 65_536;

/** The host's IPv4 and IPv6 addresses; empty when it does not resolve or the lookup fails. */
export async function lookupAddresses(fetchFn: typeof fetch, host: string, limit: Deadline): Promise<string[]> {
  const query = async (type: "A" | "AAAA") => {
    const url = `${DOH_URL}?name=${encodeURIComponent(host)}&type=${type}`;
    const sent = await send(fetchFn, { url, headers: { accept: "application/dns-json" } }, limit);
    if (!sent.ok) return [];
    if (!sent.response.ok) {
      await discard(sent.response);
      return [];
    }
    const body = await readBody(sent.response, MAX_ANSWER_BYTES, { url }, limit);
    if (!body.ok || body.truncated) return [];
    const parsed = DnsJson.safeParse(parseJson(body.text));
    if (!parsed.success) return [];
    return (parsed.data.Answer ?? []).filter((a) => a.type === A || a.type === AAAA).map((a) => a.data);
  };
  return (await Promise.all([query("A"), query("AAAA")])).flat();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
