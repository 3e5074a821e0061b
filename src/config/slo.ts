import * as z from "zod";

/**
 * A service level objective: the share of minutes that must be good over a rolling window. A minute is bad when the
 * monitor is down, or, with `latencyMs`, answered slower than that (the guide's budgets: 5 s at the gateway, 2 s at
 * the worker). Minutes in maintenance or not checked count for nothing.
 */
export const Slo = z.strictObject({
  /** Percent of good minutes, e.g. 99.9: the error budget is the rest (0.1 %, about 43 minutes in 30 days). */
  objective: z.number().min(50).max(99.999),
  window: z.enum(["7d", "28d", "30d", "90d"]).default("30d"),
  latencyMs: z.int().positive().optional(),
});
export type Slo = z.infer<typeof Slo>;

export const windowDays = (slo: Pick<Slo, "window">): number => Number(slo.window.slice(0, -1));

/** What an SLO is about: one monitor (`key` its id), or a group (`key` `group:<name>`) whose minute is bad when any member's is. */
export interface SloSubject {
  key: string;
  name: string;
  monitorIds: string[];
  slo: Slo;
}

type WithSlos = {
  monitors: readonly { id: string; name: string; group?: string | undefined; slo?: Slo | undefined }[];
  groups: Record<string, { slo?: Slo | undefined }>;
};

/** Every SLO the config sets, monitors' first (in config order), then groups'. */
export function sloSubjects(config: WithSlos): SloSubject[] {
  const out: SloSubject[] = [];
  for (const m of config.monitors) if (m.slo) out.push({ key: m.id, name: m.name, monitorIds: [m.id], slo: m.slo });
  for (const [name, settings] of Object.entries(config.groups)) {
    if (!settings.slo) continue;
    const monitorIds = config.monitors.filter((m) => m.group === name).map((m) => m.id);
    out.push({ key: `group:${name}`, name, monitorIds, slo: settings.slo });
  }
  return out;
}
