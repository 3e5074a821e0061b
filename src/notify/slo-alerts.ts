import type { Config } from "../config/schema";
import { type SloSubject, sloSubjects } from "../config/slo";
import { advance, type BurnWindow, type SloFigures, type SloTrack, type SloTracks, sloFigures, type Verdict } from "../history/slo-budget";
import type { NotificationEvent } from "./event";
import { groupOf, runbookOf } from "./plan";
import { routeChannels } from "./route";

type Delivery = { event: NotificationEvent; channelIds: string[] };

/** One minute of one monitor, as the tick records it for history. */
interface Minute {
  id: string;
  status: string;
  latencyMs: number | null;
}

/**
 * The SRE Workbook's multi-window, multi-burn-rate alerts: a fast burn (14.4× the sustainable rate over 1 h, still
 * so over the last 5 min: 2 % of a 30-day budget in an hour) pages; a slow burn (6× over 6 h, confirmed over 30 min:
 * 5 % in six hours) is for a ticket. The short window ends an alert soon after the burning stops.
 */
const BURNS = {
  fast: { type: "slo.fast_burn", threshold: 14.4, long: "1h", short: "5m" },
  slow: { type: "slo.slow_burn", threshold: 6, long: "6h", short: "30m" },
} as const satisfies Record<string, { type: NotificationEvent["type"]; threshold: number; long: BurnWindow; short: BurnWindow }>;

/** A monitor's minute for an SLO: down, or slower than `latencyMs`, is bad; maintenance and unknown count for nothing. */
function verdictOf(minute: Minute | undefined, latencyMs: number | undefined): Verdict {
  if (!minute || (minute.status !== "up" && minute.status !== "degraded" && minute.status !== "down")) return null;
  if (minute.status === "down") return "bad";
  return latencyMs !== undefined && minute.latencyMs !== null && minute.latencyMs > latencyMs ? "bad" : "good";
}

/** A group's minute is bad when any member's is, good when any member's counted and none was bad. */
function subjectVerdict(subject: SloSubject, byId: ReadonlyMap<string, Minute>): Verdict {
  const verdicts = subject.monitorIds.map((id) => verdictOf(byId.get(id), subject.slo.latencyMs));
  return verdicts.includes("bad") ? "bad" : verdicts.includes("good") ? "good" : null;
}

/**
 * This minute's SLO step (pure): every SLO's track moved on by the minute, and the burn alerts that start an episode.
 * An episode lasts until neither window burns at its threshold any more, and is announced once; a slow burn is not
 * announced while a fast one is (the page already says it). Subjects no longer configured are dropped.
 */
export function sloStep(
  config: Config,
  before: SloTracks,
  minute: readonly Minute[],
  nowMs: number,
): { tracks: SloTracks; deliveries: Delivery[] } {
  const subjects = sloSubjects(config);
  if (subjects.length === 0) return { tracks: Object.keys(before).length ? {} : before, deliveries: [] };
  const byId = new Map(minute.map((m) => [m.id, m]));
  const tracks: SloTracks = {};
  const deliveries: Delivery[] = [];
  for (const subject of subjects) {
    const track = { ...advance(before[subject.key], nowMs, subjectVerdict(subject, byId), subject.slo) };
    const figures = sloFigures(track, subject.slo);
    for (const kind of ["fast", "slow"] as const) {
      const burn = BURNS[kind];
      const long = figures.burnRate[burn.long] ?? 0;
      const short = figures.burnRate[burn.short] ?? 0;
      // It ends only once both windows are under the threshold: a rate hovering at the line is one episode, not many.
      if (track[kind] !== null && long < burn.threshold && short < burn.threshold) track[kind] = null;
      else if (track[kind] === null && long >= burn.threshold && short >= burn.threshold) {
        track[kind] = new Date(nowMs).toISOString();
        if (kind === "fast" || track.fast === null) deliveries.push(burnAlert(config, subject, kind, track, figures, nowMs));
      }
    }
    tracks[subject.key] = track;
  }
  return { tracks, deliveries: deliveries.filter((d) => d.channelIds.length > 0) };
}

function burnAlert(
  config: Config,
  subject: SloSubject,
  kind: "fast" | "slow",
  track: SloTrack,
  figures: SloFigures,
  nowMs: number,
): Delivery {
  const burn = BURNS[kind];
  const long = figures.burnRate[burn.long] ?? 0;
  const short = figures.burnRate[burn.short] ?? 0;
  const left = figures.budgetRemaining === null ? "" : `; ${figures.budgetRemaining}% of the ${subject.slo.window} error budget left`;
  const group = groupOf(config, subject.monitorIds);
  const runbook = runbookOf(config, subject.monitorIds);
  const event: NotificationEvent = {
    type: burn.type,
    id: `slo:${subject.key}:${kind}:${track[kind]}`,
    at: new Date(nowMs).toISOString(),
    monitorIds: subject.monitorIds,
    reason: `error budget burning ${long}× over ${burn.long} (${short}× over ${burn.short}; alert at ${burn.threshold}×)${left}`,
    slo: {
      key: subject.key,
      name: subject.name,
      objective: subject.slo.objective,
      window: subject.slo.window,
      burnRate: { long, short, longWindow: burn.long, shortWindow: burn.short, threshold: burn.threshold },
      budgetRemaining: figures.budgetRemaining,
    },
    ...(group ? { group } : {}),
    ...(runbook ? { runbook } : {}),
    ...(config.publicUrl ? { statusPageUrl: config.publicUrl } : {}),
  };
  return { event, channelIds: routeChannels(config.notifications, event, config.monitors) };
}
