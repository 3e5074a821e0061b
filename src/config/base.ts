import * as z from "zod";
import { Slo } from "./slo";

// The pieces every monitor schema shares. Monitor types import them from here, and schema.ts imports the monitor
// types: keeping them apart avoids an import cycle.

/** A slug: lower-case letters, digits, `-` and `_`; used in URLs, storage keys and metric labels. */
export const Slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be a slug: a-z, 0-9, '-' or '_', at most 64 characters");

export const Severity = z.enum(["SEV-1", "SEV-2", "SEV-3", "SEV-4"]);
export type Severity = z.infer<typeof Severity>;

export const HttpUrl = z.url({ protocol: /^https?$/, error: "Invalid URL (must be http:// or https://)" });

/**
 * A header value is either written in the config or, for anything secret, named by the Worker secret that holds it:
 * `{ "secret": "GATEWAY_TOKEN" }`. Values are sent to the target and never appear in any response or log.
 */
export const HeaderValue = z.union([
  z.string(),
  z.strictObject({ secret: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a secret's name") }),
]);
export type HeaderValue = z.infer<typeof HeaderValue>;

export const HeaderMap = z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be a header name"), HeaderValue);

export const StatusRange = z.union([
  z.int().min(100).max(599),
  z.string().regex(/^[1-5]\d\d-[1-5]\d\d$/, 'must be a status code or a range like "200-299"'),
]);

/** An IANA time zone name the runtime knows (`Europe/Berlin`), as Intl checks it. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Durable Object location hints: where a probe may be placed to see a target from another region. */
export const LocationHint = z.enum(["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"]);
export type LocationHint = z.infer<typeof LocationHint>;

/** Minutes between probes of one monitor (1 – 1440): `interval(15)` is the field with a default of 15. */
export const interval = (defaultMinutes: number) => z.int().min(1).max(1440).default(defaultMinutes);

/** Fields every monitor has, whatever its type. */
export const MonitorBase = {
  id: Slug,
  name: z.string().min(1).max(120),
  group: z.string().min(1).max(120).optional(),
  timeoutMs: z.int().min(100).max(60_000).default(10_000),
  degradedAfterMs: z.int().positive().optional(),
  severity: Severity.default("SEV-3"),
  /**
   * Where responders find what to do (the guide's "update runbooks"): every notification and the admin views carry
   * it; public faces show it only for a `public` monitor, as a runbook is often an internal address.
   */
  runbook: HttpUrl.optional(),
  /** Show the monitor's URL (or host:port) on the public status page; by default only its name and state are shown. */
  public: z.boolean().default(false),
  /**
   * Minutes between probes. Between them the monitor keeps its last result, and its time counts for uptime and
   * history as that result. Types whose answers change slowly set a longer default (tls: 15, prometheus and
   * alertmanager: 2).
   */
  interval: interval(1),
  /** Consecutive failing probes before an incident opens. */
  failureThreshold: z.int().min(1).max(60).default(2),
  /** Consecutive good probes before an incident resolves. */
  successThreshold: z.int().min(1).max(60).default(2),
  /** Probe from each of these regions (one Durable Object placed in each) instead of from wherever the tick runs. */
  locations: z
    .array(LocationHint)
    .min(1)
    .max(9)
    .refine((l) => new Set(l).size === l.length, "must not list a location twice")
    .optional(),
  /** How many locations must see the monitor down before it is down; fewer make it degraded. Default: half, rounded up. */
  quorum: z.int().min(1).max(9).optional(),
  /**
   * Monitors this one needs (`["api-gateway"]`): while one of them is down, this one failing joins that incident as an
   * affected component instead of opening (and paging) its own. See also `groups`.
   */
  dependsOn: z.array(Slug).min(1).optional(),
  /** An objective with an error budget and burn-rate alerts (`{ "objective": 99.9, "window": "30d" }`). */
  slo: Slo.optional(),
};
