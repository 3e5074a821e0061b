import * as z from "zod";
import { LIST_CAP, listWithMore, plural } from "./alert-summary";
import type { GetResult } from "./fetch-json";
import { type Problem, requestProblem } from "./verdict";

/** A rule Prometheus could not evaluate (`err`), or has not yet (`unknown`). */
export interface RuleUnhealthy {
  group: string;
  rule: string;
  health: string;
  /** Prometheus's own words (`many-to-many matching not allowed`); for the admin view, not the message. */
  lastError: string;
}

export interface RuleHealth {
  rulesTotal: number | null;
  /** At most 20; rulesUnhealthyTotal counts them all. */
  rulesUnhealthy: RuleUnhealthy[];
  rulesUnhealthyTotal: number;
}

/** `/api/v1/rules`: groups of alerting and recording rules, each with the health of its last evaluation. */
export const RulesResponse = z.object({
  status: z.literal("success"),
  data: z.object({
    groups: z.array(
      z.object({
        name: z.string(),
        rules: z.array(z.object({ name: z.string(), health: z.string(), lastError: z.string().optional() })),
      }),
    ),
  }),
});

/**
 * The guide's "Check alert rules": a rule whose health is not `ok` cannot fire (an alert) or feeds nothing (a recording
 * rule), so its alerts are silent when they should not be: degraded, naming the rule and its group. Fills `details`.
 */
export function judgeRules(answer: GetResult<z.infer<typeof RulesResponse>>, details: RuleHealth): { problem?: Problem; upNote?: string } {
  if (!answer.ok) return { problem: requestProblem(answer) };
  const rules = answer.value.data.groups.flatMap((g) => g.rules.map((r) => ({ group: g.name, ...r })));
  const unhealthy = rules
    .filter((r) => r.health !== "ok")
    .map((r) => ({ group: r.group, rule: r.name, health: r.health, lastError: r.lastError ?? "" }));
  details.rulesTotal = rules.length;
  details.rulesUnhealthy = unhealthy.slice(0, LIST_CAP);
  details.rulesUnhealthyTotal = unhealthy.length;
  if (unhealthy.length === 0) return rules.length ? { upNote: `${plural(rules.length, "rule")} ok` } : {};
  const named = unhealthy.map((r) => `${r.rule} in group ${r.group}${r.health === "err" ? "" : ` (${r.health})`}`);
  const text = `${plural(unhealthy.length, "rule")} not ok: ${listWithMore(named, 3)}`;
  return {
    problem: { status: "degraded", text, phase: "rules", detail: `${text}: ${unhealthy.map((r) => r.lastError).filter(Boolean)[0] ?? ""}` },
  };
}
