// Host name verification per RFC 6125 section 6, with the CA/Browser Forum limits that browsers apply.
import { equalBytes } from "./bytes";
import { parseIp } from "../config/ip-address";

const normalize = (name: string) => name.toLowerCase().replace(/\.$/, "");

/**
 * Whether a certificate with these SANs is valid for `host`. IP literals match IP SANs only. A wildcard stands
 * for exactly one whole left-most label (`*.example.com`), never a partial label (`f*.example.com`), never
 * a label further right, and never with fewer than two labels after it (`*.com`). The subject CN is not used:
 * clients stopped falling back to it once SANs became mandatory.
 */
export function matchesHost(host: string, dnsNames: readonly string[], ipAddresses: readonly string[]): boolean {
  const ip = parseIp(host);
  if (ip)
    return ipAddresses.some((san) => {
      const sanIp = parseIp(san);
      return sanIp !== null && equalBytes(sanIp, ip);
    });
  const wanted = normalize(host);
  if (wanted === "") return false;
  return dnsNames.some((san) => matchesDnsName(wanted, normalize(san)));
}

function matchesDnsName(host: string, pattern: string): boolean {
  if (!pattern.includes("*")) return pattern === host;
  if (!pattern.startsWith("*.")) return false;
  const suffix = pattern.slice(2);
  if (suffix.includes("*") || suffix.split(".").length < 2) return false;
  const dot = host.indexOf(".");
  return dot > 0 && host.slice(dot + 1) === suffix;
}

/**
 * The names a certificate is for, shortened for a message: `www.other.test` or `a.test, b.test (+3 more)`.
 * Only names of the kind asked about (DNS names for a host name, addresses for an IP) unless it has none.
 */
export function describeCertificateNames(
  wanted: string,
  cert: { dnsNames: readonly string[]; ipAddresses: readonly string[]; subject: { commonName: string | null } },
): string {
  const [same, other] = parseIp(wanted) ? [cert.ipAddresses, cert.dnsNames] : [cert.dnsNames, cert.ipAddresses];
  const names = same.length ? same : other;
  if (names.length === 0) return cert.subject.commonName ? `${cert.subject.commonName} (no subject alternative names)` : "no name at all";
  const shown = names.slice(0, 3).join(", ");
  return names.length > 3 ? `${shown} (+${names.length - 3} more)` : shown;
}
