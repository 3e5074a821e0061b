import { addUpdate } from "./add-update";
import type { Incident, IncidentEvent } from "./types";

type Update = { status: Incident["updates"][number]["status"]; message: string };

/** The incidents one tick of the state machine works on, and the record of what it changed in them. */
export class IncidentChanges {
  readonly now: string;
  readonly incidents: Map<string, Incident>;
  /** Incidents created or changed, in order of first change. */
  readonly changed = new Set<string>();
  readonly events: IncidentEvent[] = [];
  private readonly copied = new Set<string>();

  constructor(
    previous: readonly Incident[],
    readonly nowMs: number,
  ) {
    this.now = new Date(nowMs).toISOString();
    this.incidents = new Map(previous.map((i) => [i.id, i]));
  }

  /** Copied on first change only: most ticks change no incident, and copying them all each minute costs CPU. */
  editable(incident: Incident): Incident {
    if (this.copied.has(incident.id)) return incident;
    const copy = { ...incident, cause: { ...incident.cause }, updates: [...incident.updates], monitorIds: [...incident.monitorIds] };
    this.incidents.set(copy.id, copy);
    this.copied.add(copy.id);
    return copy;
  }

  /** A new incident, this tick's own: already editable. */
  add(incident: Incident): void {
    this.incidents.set(incident.id, incident);
    this.copied.add(incident.id);
  }

  emit(incident: Incident, type: IncidentEvent["type"], reason: string, update?: Update): void {
    if (update) addUpdate(incident, { at: this.now, ...update });
    this.changed.add(incident.id);
    this.events.push({ type, incidentId: incident.id, monitorIds: incident.monitorIds, reason });
  }

  /** An update on the incident's timeline that notifies nobody (a dependant joining or leaving it). */
  note(incident: Incident, update: Update): void {
    addUpdate(incident, { at: this.now, ...update });
    this.changed.add(incident.id);
  }

  resolve(original: Incident, message: string): void {
    const incident = this.editable(original);
    incident.status = "resolved";
    incident.resolvedAt = this.now;
    incident.durationMs = this.nowMs - Date.parse(incident.startedAt);
    this.emit(incident, "incident.resolved", "resolved", { status: "resolved", message });
  }

  /** The changed incidents as they now stand: what to write to R2. */
  changedIncidents(): Incident[] {
    return [...this.changed].map((id) => this.incidents.get(id)!);
  }
}
