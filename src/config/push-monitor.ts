import * as z from "zod";
import { MonitorBase } from "./base";
import { SecretName } from "./host";

/**
 * A heartbeat: a job inside the platform (a Kubernetes CronJob running `pg_isready`, say) reports to
 * `POST /api/push/<id>`, and the monitor is what the last beat said, or down when none came in time. Nothing is
 * probed: the edge cannot reach inside the cluster, so the cluster reports out.
 */
export const PushMonitor = z
  .strictObject({
    ...MonitorBase,
    type: z.literal("push"),
    /** The Worker secret holding the bearer token the job sends (`Authorization: Bearer ...`). */
    tokenSecret: SecretName,
    /** How often the job beats, in minutes. */
    periodMinutes: z.int().min(1).max(1440).default(1),
    /** How late a beat may be before the monitor is down, in minutes (a cron job's start is not exact). */
    graceMinutes: z.int().min(0).max(1440).default(1),
    /** Checks (of the body's `checks`) whose failure means down rather than degraded, as for http monitors. */
    criticalChecks: z.array(z.string().min(1)).optional(),
    // Judged every minute from the last beat: an interval would only delay seeing a missing beat.
    interval: z
      .int()
      .default(1)
      .refine((v) => v === 1, "push monitors are judged every minute from their last beat: leave interval out"),
  })
  .superRefine((m, ctx) => {
    if (m.locations)
      ctx.addIssue({ code: "custom", path: ["locations"], message: "push monitors are not probed from anywhere: the job reports in" });
  });
export type PushMonitor = z.infer<typeof PushMonitor>;
