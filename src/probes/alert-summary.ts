export interface AlertFilter {
  ignoreAlerts: string[];
  alertSeverities?: string[] | undefined;
}

/** Entries kept in a details list (targets down, alerts firing); the totals count every one. */
export const LIST_CAP = 20;

/** Alerts of one name and severity; `count` is how many series fire (one per instance, for example). */
export interface FiringAlert {
  name: string;
  /** The `severity` label, `"none"` when the alert has none. */
  severity: string;
  count: number;
}

export interface AlertSummary {
  /** Every group, the most severe first; a details list keeps the first LIST_CAP. */
  groups: FiringAlert[];
  /** Every counted alert, beyond the cap too. */
  total: number;
  bySeverity: Record<string, number>;
}

const SEVERITY_ORDER = ["critical", "error", "warning", "info", "none"];
const rank = (severity: string) => {
  const i = SEVERITY_ORDER.indexOf(severity);
  return i === -1 ? SEVERITY_ORDER.length : i;
};
const bySeverityThenName = (a: { severity: string; name?: string }, b: { severity: string; name?: string }) =>
  rank(a.severity) - rank(b.severity) || a.severity.localeCompare(b.severity) || (a.name ?? "").localeCompare(b.name ?? "");

export const alertName = (labels: Record<string, string>) => labels.alertname ?? "(unnamed)";
const alertSeverity = (labels: Record<string, string>) => labels.severity || "none";

/** Groups the firing alerts (given by their labels) that the filter counts. `alsoIgnore` names one more to leave out. */
export function summariseAlerts(firing: Record<string, string>[], filter: AlertFilter, alsoIgnore?: string): AlertSummary {
  const groups = new Map<string, FiringAlert>();
  const bySeverity: Record<string, number> = {};
  let total = 0;
  for (const labels of firing) {
    const name = alertName(labels);
    const severity = alertSeverity(labels);
    if (name === alsoIgnore || filter.ignoreAlerts.includes(name)) continue;
    if (filter.alertSeverities && !filter.alertSeverities.includes(severity)) continue;
    total++;
    bySeverity[severity] = (bySeverity[severity] ?? 0) + 1;
    const key = `${name}\u0000${severity}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { name, severity, count: 1 });
  }
  const sortedSeverities = Object.keys(bySeverity).sort((a, b) => bySeverityThenName({ severity: a }, { severity: b }));
  return {
    groups: [...groups.values()].sort(bySeverityThenName),
    total,
    bySeverity: Object.fromEntries(sortedSeverities.map((s) => [s, bySeverity[s] as number])),
  };
}

/** `a, b, c, +2 more` */
export function listWithMore(items: string[], shown: number): string {
  const head = items.slice(0, shown).join(", ");
  return items.length > shown ? `${head}, +${items.length - shown} more` : head;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
