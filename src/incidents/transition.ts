import type { Config, Monitor } from "../config/schema";
import type { MonitorStatus } from "../probes/types";
import { incidentId } from "./incident-id";
import type { Impact, Incident, IncidentEvent, MonitorTrack } from "./types";
import { addUpdate } from "./add-update";

/** Resolved incidents /api/status lists. */
export const RECENT_RESOLVED_MS = 7 * 24 * 3600_000;
/** Resolved incidents the live state keeps (at most 50), for the status page's 30-day history; all stay in R2. */
export const KEEP_RESOLVED_MS = 30 * 24 * 3600_000;
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
  const now = new Date(nowMs).toISOString();
  const { flapThreshold, flapWindowMinutes } = config.incidents;
  // Copied on first change only: most ticks change no incident, and copying them all each minute costs CPU.
  const incidents = new Map(previous.incidents.map((i) => [i.id, i]));
  const copied = new Set<string>();
  const editable = (incident: Incident): Incident => {
    if (copied.has(incident.id)) return incident;
    const copy = { ...incident, cause: { ...incident.cause }, updates: [...incident.updates], monitorIds: [...incident.monitorIds] };
    incidents.set(copy.id, copy);
    copied.add(copy.id);
    return copy;
  };
  const tracks: Record<string, MonitorTrack> = {};
  const changed = new Set<string>();
  const events: IncidentEvent[] = [];
  const emit = (
    incident: Incident,
    type: IncidentEvent["type"],
    reason: string,
    update?: { status: Incident["updates"][number]["status"]; message: string },
  ) => {
    if (update) addUpdate(incident, { at: now, ...update });
    changed.add(incident.id);
    events.push({ type, incidentId: incident.id, monitorIds: incident.monitorIds, reason });
  };
  const resolve = (original: Incident, message: string) => {
    const incident = editable(original);
    incident.status = "resolved";
    incident.resolvedAt = now;
    incident.durationMs = nowMs - Date.parse(incident.startedAt);
    emit(incident, "incident.resolved", "resolved", { status: "resolved", message });
  };

  const observed = new Map(observations.map((o) => [o.monitorId, o]));
  for (const monitor of config.monitors) {
    const before = previous.tracks[monitor.id];
    const track: MonitorTrack = before ? { ...before, flips: [...before.flips] } : freshTrack();
    tracks[monitor.id] = track;
    const seen = observed.get(monitor.id);
    const open = track.incidentId ? incidents.get(track.incidentId) : undefined;
    if (open?.status !== "open") track.incidentId = null;
    // Maintenance and unknown ticks neither count for nor against a monitor: its streaks wait.
    if (!seen || seen.status === "maintenance" || seen.status === "unknown") continue;
    const raw = seen.status;
    const failing = raw !== "up";

    if (track.lastRaw !== null && (track.lastRaw !== "up") !== failing) track.flips.push(nowMs);
    track.flips = track.flips.filter((t) => nowMs - t < flapWindowMinutes * 60_000);
    track.lastRaw = raw;
    const flapping = track.flips.length >= flapThreshold;

    // Streaks stop counting at their threshold: past it nothing changes, so a steady monitor's track is not rewritten.
    if (failing) {
      track.failStreak = Math.min(track.failStreak + 1, monitor.failureThreshold);
      track.okStreak = 0;
      track.streakStart ??= now;
      track.worst = track.worst === "down" || raw === "down" ? "down" : "degraded";
    } else {
      track.okStreak = Math.min(track.okStreak + 1, monitor.successThreshold);
      track.failStreak = 0;
    }

    let incident = track.incidentId ? incidents.get(track.incidentId) : undefined;
    if (!incident) {
      if (failing && (track.failStreak >= monitor.failureThreshold || flapping)) {
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
        };
        incidents.set(opened.id, opened);
        copied.add(opened.id);
        track.incidentId = opened.id;
        emit(opened, "incident.opened", "opened", {
          status: "investigating",
          message: `${monitor.name} is ${raw}: ${seen.message}${flapping ? " (flapping)" : ""}`,
        });
      } else if (!failing) {
        track.streakStart = null;
        track.worst = null;
      }
      continue;
    }

    if (flapping && !incident.flapping) {
      incident = editable(incident);
      incident.flapping = true;
      emit(incident, "incident.updated", "flapping", {
        status: "monitoring",
        message: `${monitor.name} is flapping: ${track.flips.length} changes in ${flapWindowMinutes} minutes`,
      });
    }
    if (failing) {
      const impact = impactOf(raw, monitor);
      if (RANK[impact] > RANK[incident.impact]) {
        incident = editable(incident);
        incident.impact = impact;
        incident.title = `${monitor.name} is ${raw}`;
        incident.cause = { message: seen.message, phase: seen.phase ?? raw };
        emit(incident, "incident.updated", "impact raised", {
          status: "identified",
          message: `${monitor.name} is now ${raw}: ${seen.message}`,
        });
      }
    } else if (track.okStreak >= monitor.successThreshold && !flapping && !(incident.flapping && track.flips.length > 0)) {
      // A flapping incident ends only after a whole window without a change. Ending it as soon as the changes in the
      // window dip below the threshold let a target failing at random resolve and open again (paging each time)
      // all day long, sometimes minutes apart (test/tick/flaky-targets.test.ts).
      resolve(incident, `${monitor.name} has recovered: ${seen.message}`);
      track.incidentId = null;
      track.streakStart = null;
      track.worst = null;
    }
  }

  raiseGroupOutages(config, observed, tracks, incidents, editable, emit);

  // A track that came out as it went in is the same object, and when all are, the same record: the writer then knows
  // without serialising them that there is nothing to store.
  let tracksChanged = Object.keys(previous.tracks).length !== config.monitors.length;
  for (const [id, track] of Object.entries(tracks)) {
    const before = previous.tracks[id];
    if (before && sameTrack(before, track)) tracks[id] = before;
    else tracksChanged = true;
  }

  // Incidents of monitors no longer configured would stay open forever.
  for (const incident of incidents.values()) {
    if (
      incident.status === "open" &&
      incident.source === "monitor" &&
      !incident.monitorIds.some((id) => tracks[id]?.incidentId === incident.id)
    ) {
      resolve(incident, "monitor removed from the configuration");
    }
  }

  const recent = [...incidents.values()]
    .filter((i) => i.status === "open" || (i.resolvedAt !== null && nowMs - Date.parse(i.resolvedAt) < KEEP_RESOLVED_MS))
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || a.id.localeCompare(b.id));
  const open = recent.filter((i) => i.status === "open");
  const resolved = recent.filter((i) => i.status === "resolved").slice(0, MAX_RECENT_RESOLVED);
  return {
    state: { tracks: tracksChanged ? tracks : previous.tracks, incidents: [...open, ...resolved] },
    changed: [...changed].map((id) => incidents.get(id)!),
    events,
  };
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

/** The guide's SEV-1: when every monitor of a group (of two or more) is down with an open incident, a complete outage. */
function raiseGroupOutages(
  config: Config,
  observed: Map<string, Observation>,
  tracks: Record<string, MonitorTrack>,
  incidents: Map<string, Incident>,
  editable: (incident: Incident) => Incident,
  emit: (incident: Incident, type: "incident.updated", reason: string, update: { status: "identified"; message: string }) => void,
) {
  const groups = new Map<string, Monitor[]>();
  for (const m of config.monitors) {
    if (!m.group) continue;
    const members = groups.get(m.group);
    if (members) members.push(m);
    else groups.set(m.group, [m]);
  }
  for (const [group, members] of groups) {
    if (members.length < 2) continue;
    const open = members.map((m) => (observed.get(m.id)?.status === "down" ? incidents.get(tracks[m.id]?.incidentId ?? "") : undefined));
    if (open.some((i) => i?.status !== "open")) continue;
    for (const found of open as Incident[]) {
      if (found.severity === "SEV-1" && found.impact === "critical") continue;
      const incident = editable(found);
      incident.severity = "SEV-1";
      incident.impact = "critical";
      emit(incident, "incident.updated", "severity raised", {
        status: "identified",
        message: `Complete outage of ${group}: every monitor is down; raised to SEV-1`,
      });
    }
  }
}
