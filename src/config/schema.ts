import { z } from "zod";

/** A slug: lower-case letters, digits, `-` and `_`; used in URLs, storage keys and metric labels. */
const Slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be a slug: a-z, 0-9, '-' or '_', at most 64 characters");

export const Severity = z.enum(["SEV-1", "SEV-2", "SEV-3", "SEV-4"]);
export type Severity = z.infer<typeof Severity>;

const HttpUrl = z.url({ protocol: /^https?$/, error: "Invalid URL (must be http:// or https://)" });

/**
 * A header value is either written in the config or, for anything secret, named by the Worker secret that holds it:
 * `{ "secret": "GATEWAY_TOKEN" }`. Values are sent to the target and never appear in any response or log.
 */
export const HeaderValue = z.union([
  z.string(),
  z.strictObject({ secret: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a secret's name") }),
]);
export type HeaderValue = z.infer<typeof HeaderValue>;

const StatusRange = z.union([
  z.int().min(100).max(599),
  z.string().regex(/^[1-5]\d\d-[1-5]\d\d$/, 'must be a status code or a range like "200-299"'),
]);

/** Fields every monitor has, whatever its type. */
export const MonitorBase = {
  id: Slug,
  name: z.string().min(1).max(120),
  group: z.string().min(1).max(120).optional(),
  timeoutMs: z.int().min(100).max(60_000).default(10_000),
  degradedAfterMs: z.int().positive().optional(),
  severity: Severity.default("SEV-3"),
};

export const HttpMonitor = z.strictObject({
  ...MonitorBase,
  type: z.literal("http"),
  url: HttpUrl,
  method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]).default("GET"),
  headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be a header name"), HeaderValue).optional(),
  body: z.string().optional(),
  expectStatus: z.union([StatusRange, z.array(StatusRange).min(1)]).default("200-299"),
  expectBodyIncludes: z.string().min(1).optional(),
  expectJson: z.record(z.string(), z.json()).optional(),
  /** Dependency checks (the `checks` object of a /health body) whose failure means down rather than degraded. */
  criticalChecks: z.array(z.string().min(1)).optional(),
  maxBodyBytes: z.int().min(1024).max(1_048_576).default(65_536),
});
export type HttpMonitor = z.infer<typeof HttpMonitor>;

export const Monitor = z.discriminatedUnion("type", [HttpMonitor]);
export type Monitor = z.infer<typeof Monitor>;
export type MonitorType = Monitor["type"];

/** The whole configuration. Unique monitor ids are checked in load.ts, so they are reported with every other problem. */
export const Config = z.strictObject({
  $schema: z.string().optional(),
  title: z.string().min(1).max(120),
  monitors: z.array(Monitor).min(1),
});
export type Config = z.infer<typeof Config>;
export type ConfigInput = z.input<typeof Config>;
