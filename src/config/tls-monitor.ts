import * as z from "zod";
import { interval, MonitorBase } from "./base";
import { DnsName, Host, SecretName } from "./host";

export const TlsMonitor = z
  .strictObject({
    ...MonitorBase,
    interval: interval(15),
    type: z.literal("tls"),
    host: Host,
    port: z.int().min(1).max(65_535).default(443),
    /** The name sent as SNI and checked against the certificate; `host` when absent. */
    servername: DnsName.optional(),
    warnDays: z.int().min(0).max(365).default(14),
    criticalDays: z.int().min(0).max(365).default(7),
    /** `cloudflare-api` for hosts proxied by Cloudflare, which a Worker's socket cannot reach. */
    source: z.enum(["socket", "cloudflare-api"]).default("socket"),
    zoneId: z
      .string()
      .regex(/^[0-9a-f]{32}$/, "must be a zone id: 32 hex digits")
      .optional(),
    /** The name of the Worker secret holding an API token with SSL and Certificates Read. */
    apiTokenSecret: SecretName.optional(),
    /** Defaults to https://api.cloudflare.com/client/v4. */
    apiUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .superRefine((monitor, ctx) => {
    if (monitor.criticalDays > monitor.warnDays) {
      ctx.addIssue({ code: "custom", path: ["criticalDays"], message: "must not be greater than warnDays" });
    }
    if (monitor.source === "cloudflare-api") {
      for (const key of ["zoneId", "apiTokenSecret"] as const) {
        if (!monitor[key]) ctx.addIssue({ code: "custom", path: [key], message: 'required when source is "cloudflare-api"' });
      }
    }
  });
export type TlsMonitor = z.infer<typeof TlsMonitor>;
