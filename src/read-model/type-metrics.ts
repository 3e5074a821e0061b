import type { MonitorView } from "./status-view";

/**
 * Metric families that only some monitor types have, named as blackbox_exporter names them where it has the idea
 * (`probe_dns_lookup_time_seconds`, `probe_dns_answer_rrs`, `probe_failed_due_to_regex`), else `edgewatch_*`. Read
 * from the public details of each result, so nothing a visitor may not see leaves through them.
 */
export interface TypeFamily {
  name: string;
  help: string;
  /** The value for a monitor with a result, or null when it has none for this family. */
  value: (m: MonitorView) => number | null;
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const secondsOf = (iso: unknown): number | null => {
  const ms = typeof iso === "string" ? Date.parse(iso) : NaN;
  return Number.isFinite(ms) ? ms / 1000 : null;
};

export const TYPE_FAMILIES: readonly TypeFamily[] = [
  {
    name: "probe_dns_lookup_time_seconds",
    help: "dns monitors: how long the resolver took to answer, in seconds.",
    value: (m) => (m.type === "dns" && m.latencyMs !== null ? m.latencyMs / 1000 : null),
  },
  {
    name: "probe_dns_answer_rrs",
    help: "dns monitors: records of the asked type in the answer.",
    value: (m) => (m.type === "dns" ? num(m.details.recordCount) : null),
  },
  {
    name: "probe_failed_due_to_regex",
    help: "tcp monitors with expect: 1 when the answer did not start as expected, else 0.",
    value: (m) => (m.type === "tcp" && typeof m.details.answerMatched === "boolean" ? Number(!m.details.answerMatched) : null),
  },
  {
    name: "edgewatch_http_assertions_failed",
    help: "http monitors with assertions: how many failed on the last probe.",
    value: (m) =>
      m.type === "http" && typeof m.details.assertionsPassed === "number"
        ? Array.isArray(m.details.assertions)
          ? m.details.assertions.length
          : 0
        : null,
  },
  {
    name: "edgewatch_push_last_beat_timestamp_seconds",
    help: "push monitors: when the last beat arrived, in unix seconds.",
    value: (m) => (m.type === "push" ? secondsOf(m.details.lastBeatAt) : null),
  },
  {
    name: "edgewatch_prometheus_rules_unhealthy",
    help: "prometheus monitors: rules whose health is not ok.",
    value: (m) => (m.type === "prometheus" && num(m.details.rulesTotal) !== null ? num(m.details.rulesUnhealthyTotal) : null),
  },
];
