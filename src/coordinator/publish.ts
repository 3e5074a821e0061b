import type { HotState } from "../decide/hot-state";
import { uptimeNow } from "../decide/minute-history";
import type { Config } from "../config/schema";
import { sloSubjects } from "../config/slo";
import { hourKeyOf } from "../history/keys";
import { sloStatus } from "../history/slo-budget";
import type { Incident } from "../incidents/types";
import { latestText } from "../storage/latest-object";
import type { WriterDeps } from "./writer-deps";

/** latest.json from the writer's state: results, uptime and today's counts now, incidents, admin maintenance. */
function latestOf(config: Config, state: HotState, nowMs: number): string {
  const at = state.meta.lastTickAt ? Date.parse(state.meta.lastTickAt) : nowMs;
  const hour = state.hour ?? { h: hourKeyOf(at), ids: [], counts: [] };
  const { uptime, today } = uptimeNow(state.uptime, hour, at);
  const monitors: Record<string, string> = {};
  for (const [id, kept] of Object.entries(state.results)) monitors[id] = kept.json;
  return latestText({
    tickAt: state.meta.lastTickAt ?? new Date(nowMs).toISOString(),
    durationMs: state.meta.durationMs,
    monitors,
    uptime,
    today,
    // Open incidents and those resolved in the last 30 days: the state keeps no more.
    incidents: state.incidents.incidents,
    adminMaintenance: state.meta.adminMaintenance,
    ...(state.warmup ? { warmup: state.warmup } : {}),
    slos: sloSubjects(config).map((subject) => sloStatus(subject, state.slo[subject.key])),
  });
}

/** Writes latest.json; a failure is logged and the next tick writes it again. Returns whether it was written. */
export async function publishLatest(deps: Pick<WriterDeps, "config" | "stores" | "log">, state: HotState, nowMs: number): Promise<boolean> {
  try {
    await deps.stores.latest.writeLatest(latestOf(deps.config, state, nowMs));
    return true;
  } catch (error) {
    deps.log("error", "R2 latest write failed", { error: String(error) });
    return false;
  }
}

/** Writes the incident records that changed (and those an earlier write failed for); returns the ids still unsaved. */
export async function saveIncidents(
  deps: Pick<WriterDeps, "stores" | "log">,
  incidents: readonly Incident[],
  changed: readonly Incident[],
  unsaved: readonly string[],
): Promise<string[]> {
  const toSave = [...changed, ...incidents.filter((i) => unsaved.includes(i.id) && !changed.includes(i))];
  const failed: string[] = [];
  await Promise.all(
    toSave.map((incident) =>
      deps.stores.incidents.putIncident(incident).catch((error) => {
        failed.push(incident.id);
        deps.log("error", "R2 incident write failed", { incident: incident.id, error: String(error) });
      }),
    ),
  );
  return failed;
}
