import * as z from "zod";
import { HeaderMap, HttpUrl, interval, MonitorBase } from "./base";
import { AlertFilterFields } from "./alert-filter";

/** Queries per monitor: each is one subrequest, on top of the fixed ones (healthy, ready, targets, alerts, rules). */
const MAX_QUERIES = 10;

export const PrometheusQuery = z.strictObject({
  /** Shown in messages and details instead of the expression. */
  name: z.string().min(1).max(64),
  /** PromQL, evaluated as an instant query: `up{job="api-gateway"}`, `probe_ssl_earliest_cert_expiry - time()`. */
  expr: z.string().min(1).max(4000),
  /** Every sample must satisfy `sample op value`. */
  op: z.enum(["<", "<=", ">", ">=", "==", "!="]),
  value: z.number(),
  /** What a failing condition makes the monitor. */
  severity: z.enum(["degraded", "down"]).default("degraded"),
  /** An empty result fails unless this is set (a selector that matches nothing usually means a typo or a lost target). */
  allowEmpty: z.boolean().default(false),
});
export type PrometheusQuery = z.infer<typeof PrometheusQuery>;

export const PrometheusMonitor = z.strictObject({
  ...MonitorBase,
  interval: interval(2),
  type: z.literal("prometheus"),
  /** The base URL, path prefix included (`https://prom.example.com` or `https://host/prometheus`). */
  url: HttpUrl,
  /** Sent with every request; e.g. Cloudflare Access service-token headers taken from Worker secrets. */
  headers: HeaderMap.optional(),
  queries: z
    .array(PrometheusQuery)
    .max(MAX_QUERIES)
    .refine((qs) => new Set(qs.map((q) => q.name)).size === qs.length, "query names must be unique")
    .optional(),
  ...AlertFilterFields,
  /** Read `/api/v1/rules`: a rule whose health is not `ok` makes the monitor degraded. `false` saves that subrequest. */
  ruleHealth: z.boolean().default(true),
  /** Cap on each JSON body (the target list is the big one: about 1 KiB per target). */
  maxBodyBytes: z.int().min(65_536).max(8_388_608).default(1_048_576),
});
export type PrometheusMonitor = z.infer<typeof PrometheusMonitor>;
