// Cloudflare's published ranges (cloudflare.com/ips-v4 and /ips-v6). A Worker's connect() is refused for these
// addresses in production, so a host that resolves here can only be checked through the Cloudflare API.
import { inCidr, parseIp } from "../config/ip-address";

const CLOUDFLARE_RANGES = [
  "173.245.48.0/20",
  "103.21.244.0/22",
  "103.22.200.0/22",
  "103.31.4.0/22",
  "141.101.64.0/18",
  "108.162.192.0/18",
  "190.93.240.0/20",
  "188.114.96.0/20",
  "197.234.240.0/22",
  "198.41.128.0/17",
  "162.158.0.0/15",
  "104.16.0.0/13",
  "104.24.0.0/14",
  "172.64.0.0/13",
  "131.0.72.0/22",
  "2400:cb00::/32",
  "2606:4700::/32",
  "2803:f800::/32",
  "2405:b500::/32",
  "2405:8100::/32",
  "2a06:98c0::/29",
  "2c0f:f248::/32",
] as const;

/** True for an IPv4/IPv6 literal inside Cloudflare's ranges; false for anything else, host names included. */
export function isCloudflareAddress(address: string): boolean {
  const ip = parseIp(address);
  return ip !== null && CLOUDFLARE_RANGES.some((range) => inCidr(ip, range));
}
