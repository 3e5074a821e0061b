import { dependenciesOf } from "../config/dependencies";
import type { Config, Monitor } from "../config/schema";
import type { MonitorStatus } from "../probes/types";
import { followAsDependant, joinedAsDependant, joinIncident, parentOutage } from "./dependants";
import { IncidentChanges } from "./incident-changes";
import { incidentId } from "./incident-id";
import type { Impact, Incident, IncidentEvent, MonitorTrack } from "./types";

/** Resolved incidents /api/status lists. */
export const RECENT_RESOLVED_MS = 7 * 24 * 3600_000;
/** Resolved incidents the live state keeps (at most 50), for the status page's 30-day history; all stay in R2. */
const KEEP_RESOLVED_MS = 30 * 24 * 3600_000;
const MAX_RECENT_RESOLVED = 50;

export interface Observation {
  monitorId: string;
  /** What the tick saw, after the in-tick retry; `maintenance` for monitors in a window. */
  status: MonitorStatus;
  message: string;
  phase: string | null;
}

export interface IncidentState {
  tracks: Record<string, MonitorTrack>;
  /** Open incidents and those resolved in the last 7 days, newest first. */
  incidents: Incident[];
}

export interface Transition {
  state: IncidentState;
  /** Incidents created or changed by this tick: what to write to R2. */
  changed: Incident[];
  events: IncidentEvent[];
}

type Raw = NonNullable<MonitorTrack["lastRaw"]>;
type FlapSettings = Config["incidents"];

/** What judging one monitor needs beyond its own track: flap settings, its parents and their tracks this tick. */
interface Context {
  settings: FlapSettings;
  parentIds: readonly string[];
  tracks: Readonly<Record<string, MonitorTrack>>;
}

/** One monitor's counted observation this tick: what the steps after the counting look at. */
interface Step {
  monitor: Monitor;
  track: MonitorTrack;
  seen: Observation;
  raw: Raw;
  flapping: boolean;
}

const RANK: Record<Impact, number> = { minor: 1, major: 2, critical: 3 };
const freshTrack = (): MonitorTrack => ({
  failStreak: 0,
  okStreak: 0,
  streakStart: null,
  worst: null,
  lastRaw: null,
  flips: [],
  incidentId: null,
});

function impactOf(status: "degraded" | "down", monitor: Monitor): Impact {
  if (status === "degraded") return "minor";
  return monitor.severity === "SEV-1" ? "critical" : "major";
}

/**
 * One tick of the incident state machine: pure, so the same state and observations always give the same incidents
 * (and the same ids), whichever tick computes them.
 */
export function transition(previous: IncidentState, observations: readonly Observation[], config: Config, nowMs: number): Transition {
  const changes = new IncidentChanges(previous.incidents, nowMs);
  const observed = new Map(observations.map((o) => [o.monitorId, o]));
  const { order, parents } = dependenciesOf(config);
  // Parents first, so a dependant sees its parents' incidents as this tick left them.
  const judged: Record<string, MonitorTrack> = {};
  for (const monitor of order) {
    const context: Context = { settings: config.incidents, parentIds: parents.get(monitor.id) ?? [], tracks: judged };
    judged[monitor.id] = observeMonitor(changes, monitor, previous.tracks[monitor.id], observed.get(monitor.id), context);
  }
  // In config order, as stored before: the record's text does not change with the judging order.
  const tracks: Record<string, MonitorTrack> = {};
  for (const monitor of config.monitors) tracks[monitor.id] = judged[monitor.id]!;
  raiseGroupOutages(config, observed, tracks, changes);
  const tracksChanged = keepUnchangedTracks(previous.tracks, tracks, config.monitors.length);
  resolveUnconfigured(changes, tracks);
  return {
    state: { tracks: tracksChanged ? tracks : previous.tracks, incidents: keptIncidents(changes.incidents, nowMs) },
    changed: changes.changedIncidents(),
    events: changes.events,
  };
}

/** Moves one monitor's track (a copy) on by this tick's observation, opening, raising or resolving its incident. */
function observeMonitor(
  changes: IncidentChanges,
  monitor: Monitor,
  before: MonitorTrack | undefined,
  seen: Observation | undefined,
  { settings, parentIds, tracks }: Context,
): MonitorTrack {
  const track: MonitorTrack = before ? { ...before, flips: [...before.flips] } : freshTrack();
  const open = track.incidentId ? changes.incidents.get(track.incidentId) : undefined;
  if (open?.status !== "open") track.incidentId = null;
  // Maintenance and unknown ticks neither count for nor against a monitor: its streaks wait.
  if (!seen || seen.status === "maintenance" || seen.status === "unknown") return track;
  const raw = seen.status;
  const flapping = countFlips(track, raw, changes.nowMs, settings.flapWindowMinutes) >= settings.flapThreshold;
  countStreaks(track, raw, monitor, changes.now);

  const step: Step = { monitor, track, seen, raw, flapping };
  const incident = track.incidentId ? changes.incidents.get(track.incidentId) : undefined;
  if (incident && joinedAsDependant(incident, monitor.id)) followAsDependant(changes, monitor, track, incident, seen.message);
  else if (incident) followIncident(changes, step, incident, settings.flapWindowMinutes);
  else if (raw !== "up" && (track.failStreak >= monitor.failureThreshold || flapping)) {
    const outage = parentOutage(changes, parentIds, tracks);
    if (outage === null) openIncident(changes, step);
    else if (outage !== "wait") joinIncident(changes, monitor, track, outage, `${raw}: ${seen.message}`);
  } else if (raw === "up") {
    track.streakStart = null;
    track.worst = null;
  }
  return track;
}

/** Records a change between good and failing, forgets those out of the window; returns how many are left. */
function countFlips(track: MonitorTrack, raw: Raw, nowMs: number, flapWindowMinutes: number): number {
  if (track.lastRaw !== null && (track.lastRaw !== "up") !== (raw !== "up")) track.flips.push(nowMs);
  track.flips = track.flips.filter((t) => nowMs - t < flapWindowMinutes * 60_000);
  track.lastRaw = raw;
  return track.flips.length;
}

/** Streaks stop counting at their threshold: past it nothing changes, so a steady monitor's track is not rewritten. */
function countStreaks(track: MonitorTrack, raw: Raw, monitor: Monitor, now: string): void {
  if (raw !== "up") {
    track.failStreak = Math.min(track.failStreak + 1, monitor.failureThreshold);
    track.okStreak = 0;
    track.streakStart ??= now;
    track.worst = track.worst === "down" || raw === "down" ? "down" : "degraded";
  } else {
    track.okStreak = Math.min(track.okStreak + 1, monitor.successThreshold);
    track.failStreak = 0;
  }
}

function openIncident(changes: IncidentChanges, { monitor, track, seen, raw, flapping }: Step): void {
  const opened: Incident = {
    id: incidentId(monitor.id, track.streakStart!),
    monitorIds: [monitor.id],
    title: `${monitor.name} is ${track.worst === "down" ? "down" : "degraded"}`,
    severity: monitor.severity,
    impact: impactOf(track.worst!, monitor),
    status: "open",
    flapping,
    startedAt: track.streakStart!,
    resolvedAt: null,
    durationMs: null,
    cause: { message: seen.message, phase: seen.phase ?? raw },
    updates: [],
    acknowledgedAt: null,
    acknowledgedBy: null,
    source: "monitor",
    ...(monitor.runbook ? { runbook: monitor.runbook } : {}),
  };
  changes.add(opened);
  track.incidentId = opened.id;
  changes.emit(opened, "incident.opened", "opened", {
    status: "investigating",
    message: `${monitor.name} is ${raw}: ${seen.message}${flapping ? " (flapping)" : ""}`,
  });
}

/** A monitor with an open incident: the incident may start flapping, get worse, or end. */
function followIncident(changes: IncidentChanges, step: Step, open: Incident, flapWindowMinutes: number): void {
  const { monitor, track, seen, raw, flapping } = step;
  let incident = open;
  if (flapping && !incident.flapping) {
    incident = changes.editable(incident);
    incident.flapping = true;
    changes.emit(incident, "incident.updated", "flapping", {
      status: "monitoring",
      message: `${monitor.name} is flapping: ${track.flips.length} changes in ${flapWindowMinutes} minutes`,
    });
  }
  if (raw !== "up") raiseImpact(changes, step, incident, raw);
  else if (track.okStreak >= monitor.successThreshold && !flapping && !(incident.flapping && track.flips.length > 0)) {
    // A flapping incident ends only after a whole window without a change. Ending it as soon as the changes in the
    // window dip below the threshold let a target failing at random resolve and open again (paging each time)
    // all day long, sometimes minutes apart (test/tick/flaky-targets.test.ts).
    changes.resolve(incident, `${monitor.name} has recovered: ${seen.message}`);
    track.incidentId = null;
    track.streakStart = null;
    track.worst = null;
  }
}

function raiseImpact(changes: IncidentChanges, { monitor, seen }: Step, found: Incident, raw: "degraded" | "down"): void {
  const impact = impactOf(raw, monitor);
  if (RANK[impact] <= RANK[found.impact]) return;
  const incident = changes.editable(found);
  incident.impact = impact;
  incident.title = `${monitor.name} is ${raw}`;
  incident.cause = { message: seen.message, phase: seen.phase ?? raw };
  changes.emit(incident, "incident.updated", "impact raised", {
    status: "identified",
    message: `${monitor.name} is now ${raw}: ${seen.message}`,
  });
}

/**
 * A track that came out as it went in is the same object, and when all are, the same record: the writer then knows
 * without serialising them that there is nothing to store. Returns whether any track changed.
 */
function keepUnchangedTracks(previous: Record<string, MonitorTrack>, tracks: Record<string, MonitorTrack>, monitors: number): boolean {
  let tracksChanged = Object.keys(previous).length !== monitors;
  for (const [id, track] of Object.entries(tracks)) {
    const before = previous[id];
    if (before && sameTrack(before, track)) tracks[id] = before;
    else tracksChanged = true;
  }
  return tracksChanged;
}

function sameTrack(a: MonitorTrack, b: MonitorTrack): boolean {
  return (
    a.failStreak === b.failStreak &&
    a.okStreak === b.okStreak &&
    a.streakStart === b.streakStart &&
    a.worst === b.worst &&
    a.lastRaw === b.lastRaw &&
    a.incidentId === b.incidentId &&
    a.flips.length === b.flips.length &&
    a.flips.every((t, i) => t === b.flips[i])
  );
}

/** Incidents of monitors no longer configured would stay open forever (dependants in them never resolve them). */
function resolveUnconfigured(changes: IncidentChanges, tracks: Record<string, MonitorTrack>): void {
  for (const incident of changes.incidents.values()) {
    const owner = incident.monitorIds[0];
    if (incident.status === "open" && incident.source === "monitor" && (owner === undefined || tracks[owner]?.incidentId !== incident.id)) {
      changes.resolve(incident, "monitor removed from the configuration");
    }
  }
}

/** The open incidents, then at most 50 resolved within KEEP_RESOLVED_MS, each newest first. */
function keptIncidents(incidents: Map<string, Incident>, nowMs: number): Incident[] {
  const recent = [...incidents.values()]
    .filter((i) => i.status === "open" || (i.resolvedAt !== null && nowMs - Date.parse(i.resolvedAt) < KEEP_RESOLVED_MS))
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || a.id.localeCompare(b.id));
  const open = recent.filter((i) => i.status === "open");
  const resolved = recent.filter((i) => i.status === "resolved").slice(0, MAX_RECENT_RESOLVED);
  return [...open, ...resolved];
}

/** The guide's SEV-1: when every monitor of a group (of two or more) is down with an open incident, a complete outage. */
function raiseGroupOutages(
  config: Config,
  observed: Map<string, Observation>,
  tracks: Record<string, MonitorTrack>,
  changes: IncidentChanges,
) {
  for (const [group, members] of groupsOf(config.monitors)) {
    if (members.length < 2) continue;
    const open = members.map((m) =>
      observed.get(m.id)?.status === "down" ? changes.incidents.get(tracks[m.id]?.incidentId ?? "") : undefined,
    );
    if (open.some((i) => i?.status !== "open")) continue;
    for (const found of open as Incident[]) {
      if (found.severity === "SEV-1" && found.impact === "critical") continue;
      const incident = changes.editable(found);
      incident.severity = "SEV-1";
      incident.impact = "critical";
      changes.emit(incident, "incident.updated", "severity raised", {
        status: "identified",
        message: `Complete outage of ${group}: every monitor is down; raised to SEV-1`,
      });
    }
  }
}

function groupsOf(monitors: readonly Monitor[]): Map<string, Monitor[]> {
  const groups = new Map<string, Monitor[]>();
  for (const m of monitors) {
    if (!m.group) continue;
    const members = groups.get(m.group);
    if (members) members.push(m);
    else groups.set(m.group, [m]);
  }
  return groups;
}
