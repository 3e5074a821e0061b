import * as z from "zod";

import { Assertion } from "./assertion";
import { HeaderMap, HttpUrl, isTimeZone, MonitorBase, Slug, StatusRange } from "./base";
import { AlertmanagerMonitor } from "./alertmanager-monitor";
import { PrometheusMonitor } from "./prometheus-monitor";
import { DnsMonitor } from "./dns-monitor";
import { PushMonitor } from "./push-monitor";
import { TcpMonitor } from "./tcp-monitor";
import { TlsMonitor } from "./tls-monitor";
import { Notifications } from "./notifications";
import { PageSettings } from "./page";
import { Slo } from "./slo";

export { HeaderValue, MonitorBase, Severity } from "./base";

export const HttpMonitor = z
  .strictObject({
    ...MonitorBase,
    type: z.literal("http"),
    url: HttpUrl,
    method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]).default("GET"),
    headers: HeaderMap.optional(),
    body: z.string().optional(),
    expectStatus: z.union([StatusRange, z.array(StatusRange).min(1)]).default("200-299"),
    expectBodyIncludes: z.string().min(1).optional(),
    expectJson: z.record(z.string(), z.json()).optional(),
    /** Dependency checks (the `checks` object of a /health body) whose failure means down rather than degraded. */
    criticalChecks: z.array(z.string().min(1)).optional(),
    maxBodyBytes: z.int().min(1024).max(1_048_576).default(65_536),
    /**
     * Follow up to 5 redirects (secret headers and the body go to the original origin only). `false` judges the
     * redirect itself: with `expectStatus: 301` and `expectLocation`, "does http:// still send people to https://?".
     */
    followRedirects: z.boolean().default(true),
    /** With `followRedirects: false`: the answer's `Location` must start with this (absolute, or as the server sent it). */
    expectLocation: z.string().min(1).max(2000).optional(),
    /** Checks on any field of the JSON body (a JSON Pointer) or on a header; each failing one makes the monitor its severity. */
    assertions: z.array(Assertion).min(1).max(20).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.expectLocation !== undefined && m.followRedirects) {
      ctx.addIssue({
        code: "custom",
        path: ["expectLocation"],
        message: "needs followRedirects: false (a followed redirect leaves no Location to check)",
      });
    }
  });
export type HttpMonitor = z.infer<typeof HttpMonitor>;

const MONITORS = [HttpMonitor, TlsMonitor, PrometheusMonitor, AlertmanagerMonitor, TcpMonitor, DnsMonitor, PushMonitor] as const;
export const Monitor = z.discriminatedUnion("type", MONITORS);
export type Monitor = z.infer<typeof Monitor>;
export type MonitorType = Monitor["type"];

const Weekday = z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);

/**
 * A maintenance window: one-off (`start`/`end`) or weekly (`weekly`), covering the listed monitors and the monitors
 * of the listed groups. Monitors in maintenance show `maintenance`, open no incident and do not count against uptime.
 */
export const MaintenanceWindow = z
  .strictObject({
    id: Slug,
    title: z.string().min(1).max(200),
    monitors: z.array(Slug).optional(),
    groups: z.array(z.string().min(1)).optional(),
    start: z.iso.datetime({ offset: true }).optional(),
    end: z.iso.datetime({ offset: true }).optional(),
    weekly: z
      .strictObject({
        days: z.array(Weekday).min(1),
        start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like "02:30"'),
        durationMinutes: z
          .int()
          .min(1)
          .max(7 * 24 * 60),
        timezone: z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin").default("UTC"),
      })
      .optional(),
  })
  .superRefine((w, ctx) => {
    const oneOff = w.start !== undefined || w.end !== undefined;
    if (oneOff === (w.weekly !== undefined)) ctx.addIssue({ code: "custom", message: "give either start and end, or weekly" });
    else if (oneOff && (w.start === undefined || w.end === undefined))
      ctx.addIssue({ code: "custom", path: [w.start ? "end" : "start"], message: "a one-off window needs both start and end" });
    else if (oneOff && Date.parse(w.start!) >= Date.parse(w.end!))
      ctx.addIssue({ code: "custom", path: ["end"], message: "must be after start" });
    if (!w.monitors?.length && !w.groups?.length)
      ctx.addIssue({ code: "custom", path: ["monitors"], message: "list the monitors or groups it covers" });
  });
export type MaintenanceWindow = z.infer<typeof MaintenanceWindow>;

/** Settings for every monitor of a group (by the `group` name the monitors give). */
const GroupSettings = z.strictObject({
  /** Monitors every member depends on (a member never depends on itself), as a monitor's own `dependsOn`. */
  dependsOn: z.array(Slug).min(1).optional(),
  /** An objective for the group as a whole: a minute is bad when any member's is. */
  slo: Slo.optional(),
});
export type GroupSettings = z.infer<typeof GroupSettings>;

/** The whole configuration. Cross-references (unique ids, known monitors) are checked in load.ts with every other problem. */
export const Config = z.strictObject({
  $schema: z.string().optional(),
  title: z.string().min(1).max(120),
  /** Where the status page is published (`https://status.example.com`): links in notifications and feeds. */
  publicUrl: HttpUrl.optional(),
  monitors: z.array(Monitor).min(1),
  maintenance: z.array(MaintenanceWindow).default([]),
  /** Per group name: `{ "Services": { "dependsOn": ["api-gateway"] } }`. */
  groups: z.record(z.string().min(1), GroupSettings).default({}),
  incidents: z
    .strictObject({
      /** A monitor that changes between good and failing this many times within the window is flapping. */
      flapThreshold: z.int().min(3).max(100).default(6),
      flapWindowMinutes: z
        .int()
        .min(5)
        .max(24 * 60)
        .default(30),
    })
    .prefault({}),
  history: z
    .strictObject({
      rawRetentionDays: z.int().min(1).max(90).default(7),
      /** Resolved incidents' records in R2 are deleted this many days after they started. */
      incidentRetentionDays: z.int().min(30).max(3650).default(400),
    })
    .prefault({}),
  notifications: Notifications.prefault({}),
  /** The status page's logo, accent colour, links, footer, time zone and language. */
  page: PageSettings.prefault({}),
  /**
   * Subrequests one invocation may make: 50 on the Free plan, 1,000 on Paid. Probes that would pass it are not run
   * (their monitors show `unknown` for that tick) rather than fail against the runtime's limit.
   */
  limits: z
    .strictObject({
      subrequests: z.int().min(20).max(10_000).default(50),
      /** CPU milliseconds one invocation may use: 10 on the Free plan, 30,000 by default on Paid. Sizes the shards. */
      cpuMs: z.int().min(10).max(300_000).default(10),
      /** At most this many monitors probed by one invocation; more are split into shards (Durable Objects). */
      monitorsPerShard: z.int().min(1).max(500).default(25),
    })
    .prefault({}),
  /** POST /api/alertmanager/webhook: which label of an alert names the monitor it is about. */
  alertmanagerReceiver: z
    .strictObject({
      monitorLabel: z.string().min(1).default("service"),
      /**
       * An alert not sent again as firing for this long has ended unseen (Alertmanager died, or its route changed):
       * its incident resolves. Alertmanager repeats a firing alert every `repeat_interval` (4 h by default) and sends
       * it without an end, so this must exceed your `repeat_interval`; the default is 4 h and a grace hour.
       */
      refreshWithinMinutes: z
        .int()
        .min(10)
        .max(7 * 24 * 60)
        .default(300),
    })
    .prefault({}),
});
export type Config = z.infer<typeof Config>;
export type ConfigInput = z.input<typeof Config>;
