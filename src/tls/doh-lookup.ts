// Resolves a host over DNS-over-HTTPS. Only used after a connect() failed, to tell "proxied by Cloudflare"
// (which a Worker's socket can never reach) from an ordinary outage.
import * as z from "zod";

const DOH_URL = "https://cloudflare-dns.com/dns-query";

const DnsJson = z.object({
  Status: z.number(),
  Answer: z.array(z.object({ type: z.number(), data: z.string() })).optional(),
});

const A = 1;
const AAAA = 28;

/** The host's IPv4 and IPv6 addresses; empty when it does not resolve or the lookup fails. */
export async function lookupAddresses(fetchFn: typeof fetch, host: string, signal?: AbortSignal): Promise<string[]> {
  const query = async (type: "A" | "AAAA") => {
    try {
      const url = `${DOH_URL}?name=${encodeURIComponent(host)}&type=${type}`;
      const response = await fetchFn(url, { headers: { accept: "application/dns-json" }, ...(signal ? { signal } : {}) });
      if (!response.ok) {
        await response.body?.cancel();
        return [];
      }
      const parsed = DnsJson.safeParse(await response.json());
      if (!parsed.success) return [];
      return (parsed.data.Answer ?? []).filter((a) => a.type === A || a.type === AAAA).map((a) => a.data);
    } catch {
      return [];
    }
  };
  return (await Promise.all([query("A"), query("AAAA")])).flat();
}
