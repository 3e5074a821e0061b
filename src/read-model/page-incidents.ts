import { DAY_MS } from "../history/keys";
import type { Incident } from "../incidents/types";

/** Incidents as the status page and the incident page show them. Pure. */

/** Resolved incidents listed under "Past incidents": those of the last 30 days, at most 15 (the page's weight). */
const HISTORY_DAYS = 30;
const HISTORY_MAX = 15;

export interface PageUpdate {
  at: string;
  status: Incident["updates"][number]["status"];
  message: string;
}

export interface PageIncident {
  id: string;
  title: string;
  status: Incident["status"];
  impact: Incident["impact"];
  severity: Incident["severity"];
  flapping: boolean;
  acknowledged: boolean;
  startedAt: string;
  resolvedAt: string | null;
  durationMs: number | null;
  cause: string;
  /** Names of the affected monitors that the config still has. */
  monitors: string[];
  /** Newest first. */
  updates: PageUpdate[];
  /** Its runbook, when the visitor may see it (public-view.ts leaves it only on public incidents) and it is http(s). */
  runbook: string | null;
}

/** One day of past incidents (in the page's time zone), by the day they started. */
export interface PastIncidentDay {
  day: string;
  incidents: PageIncident[];
}

/** `names`: monitor id → name, for the monitors the config still has. */
export function pageIncident(incident: Incident, names: ReadonlyMap<string, string>): PageIncident {
  return {
    id: incident.id,
    title: incident.title,
    status: incident.status,
    impact: incident.impact,
    severity: incident.severity,
    flapping: incident.flapping,
    acknowledged: incident.acknowledgedAt !== null,
    startedAt: incident.startedAt,
    resolvedAt: incident.resolvedAt,
    durationMs: incident.durationMs,
    cause: incident.cause.message,
    monitors: incident.monitorIds.flatMap((id) => names.get(id) ?? []),
    updates: [...incident.updates]
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
      .map(({ at, status, message }) => ({ at, status, message })),
    runbook: incident.runbook && /^https?:\/\//i.test(incident.runbook) ? incident.runbook : null,
  };
}

/**
 * The open incidents, newest first; those resolved in the last HISTORY_DAYS by the day of their start (`dayOf`: in
 * the page's time zone), newest first, at most HISTORY_MAX; and how many more were resolved in those days.
 */
export function pageIncidents(
  incidents: readonly Incident[],
  names: ReadonlyMap<string, string>,
  nowMs: number,
  dayOf: (ms: number) => string,
): { openIncidents: PageIncident[]; pastIncidents: PastIncidentDay[]; pastMore: number } {
  const openIncidents = incidents
    .filter((i) => i.status === "open")
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))
    .map((i) => pageIncident(i, names));
  const past = incidents
    .filter((i) => i.status === "resolved" && i.resolvedAt !== null && nowMs - Date.parse(i.resolvedAt) < HISTORY_DAYS * DAY_MS)
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
  const pastIncidents: PastIncidentDay[] = [];
  for (const incident of past.slice(0, HISTORY_MAX)) {
    const day = dayOf(Date.parse(incident.startedAt));
    const last = pastIncidents.at(-1);
    if (last?.day === day) last.incidents.push(pageIncident(incident, names));
    else pastIncidents.push({ day, incidents: [pageIncident(incident, names)] });
  }
  return { openIncidents, pastIncidents, pastMore: Math.max(0, past.length - HISTORY_MAX) };
}
