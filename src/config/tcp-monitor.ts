import * as z from "zod";
import { MonitorBase } from "./base";
import { Host } from "./host";

/** The guide's `telnet host port`: a TCP (or TLS) connection, optionally a line sent and the answer's start checked. */
export const TcpMonitor = z.strictObject({
  ...MonitorBase,
  type: z.literal("tcp"),
  host: Host,
  port: z
    .int()
    .min(1)
    .max(65_535)
    // Cloudflare blocks port 25 for every Worker's connect(): refused when the config is read, not down every minute.
    .refine((p) => p !== 25, "Workers cannot open sockets to port 25 (SMTP); use 465 or 587"),
  /** Speak TLS (the runtime's own client, which checks the certificate against `host`): `rediss://`, IMAPS, LDAPS. */
  tls: z.boolean().default(false),
  /** Written once the connection is open (`"PING\r\n"` to Redis). Kept short: a probe is not a client. */
  send: z.string().min(1).max(1024).optional(),
  /** The answer must start with this (`"SSH-"`, `"+PONG"`); read until that many bytes arrived or the peer closed. */
  expect: z.string().min(1).max(256).optional(),
});
export type TcpMonitor = z.infer<typeof TcpMonitor>;
