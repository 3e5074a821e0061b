import * as z from "zod";
import { parseIp } from "./ip-address";

// Hosts as the socket and DNS monitors name them: a DNS name or an IP literal, never a URL.

export const DnsName = z
  .string()
  .max(253)
  .regex(
    /^(?=.*[A-Za-z])[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$/,
    "must be a DNS name",
  );

export const Host = z.union([
  DnsName,
  z.string().refine((s) => parseIp(s) !== null, "must be a DNS name or an IP address, without scheme or port"),
]);

/** The NAME of a Worker secret (`wrangler secret put NAME`): secrets themselves never go into the config. */
export const SecretName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a secret's name");
