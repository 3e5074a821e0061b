import * as z from "zod";
import { HttpUrl, MonitorBase } from "./base";
import { DnsName } from "./host";
import { formatIp, parseIp } from "./ip-address";

export const DnsRecordType = z.enum(["A", "AAAA", "CNAME", "MX", "TXT", "NS", "CAA"]);
export type DnsRecordType = z.infer<typeof DnsRecordType>;

/** Cloudflare's public resolver, reached over RFC 8484. */
export const DEFAULT_RESOLVER = "https://cloudflare-dns.com/dns-query";

/**
 * A value as the probe writes record data, so `2001:DB8::1`, `Mail.Example.com.` and `mail.example.com` compare equal:
 * addresses in their canonical form, names lower-case without the final dot. TXT and CAA values are compared as given.
 */
export function normalizeRecordValue(type: DnsRecordType, value: string): string {
  const trimmed = value.trim();
  if (type === "A" || type === "AAAA") {
    const ip = parseIp(trimmed);
    return ip ? formatIp(ip) : trimmed;
  }
  if (type === "CNAME" || type === "NS") return trimmed.toLowerCase().replace(/\.$/, "");
  if (type === "MX") return trimmed.toLowerCase().replace(/\.$/, "").replace(/\s+/g, " ");
  return trimmed;
}

/** The guide's "Check DNS" / `nslookup`, from the edge: a name resolved through a DNS-over-HTTPS resolver. */
export const DnsMonitor = z
  .strictObject({
    ...MonitorBase,
    type: z.literal("dns"),
    /** The name to resolve. */
    host: DnsName,
    recordType: DnsRecordType.default("A"),
    /**
     * Values the answer must hold (`203.0.113.7`, `10 mail.example.com` or just `mail.example.com` for MX,
     * `0 issue "letsencrypt.org"` for CAA). Without it, any record of the type is enough.
     */
    expect: z.array(z.string().min(1).max(512)).min(1).max(50).optional(),
    /** `contains`: every expected value is present (others may be too); `exact`: the answer is exactly that set. */
    match: z.enum(["contains", "exact"]).default("contains"),
    /** An RFC 8484 endpoint (wire format, POST). */
    resolver: HttpUrl.default(DEFAULT_RESOLVER),
  })
  .superRefine((m, ctx) => {
    if (m.match === "exact" && !m.expect) ctx.addIssue({ code: "custom", path: ["match"], message: '"exact" needs the values in expect' });
    m.expect?.forEach((value, i) => {
      if ((m.recordType === "A" || m.recordType === "AAAA") && parseIp(value)?.length !== (m.recordType === "A" ? 4 : 16))
        ctx.addIssue({ code: "custom", path: ["expect", i], message: `must be an ${m.recordType === "A" ? "IPv4" : "IPv6"} address` });
    });
  });
export type DnsMonitor = z.infer<typeof DnsMonitor>;
