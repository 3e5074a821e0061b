import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import type { Config } from "../../src/config/schema";
import { startOfIncidentId } from "../../src/incidents/incident-id";
import { type IncidentState, type Observation, transition } from "../../src/incidents/transition";

function configOf(monitors: Record<string, unknown>[], extra: Record<string, unknown> = {}): Config {
  const result = parseConfig({
    title: "t",
    monitors: monitors.map((m) => ({ name: String(m.id).toUpperCase(), type: "http", url: "https://x.test/", ...m })),
    ...extra,
  });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

const T0 = Date.parse("2026-11-28T10:00:00Z");
const minute = (n: number) => T0 + n * 60_000;
const obs = (monitorId: string, status: Observation["status"], message = `${status} message`): Observation => ({
  monitorId,
  status,
  message,
  phase: status === "up" ? null : "status",
});

/** Runs one tick per entry of `statuses` for one monitor and collects everything. */
function run(
  config: Config,
  sequence: Observation["status"][],
  monitorId = "gw",
  from: IncidentState = { tracks: {}, incidents: [] },
  firstMinute = 0,
) {
  let state = from;
  const events: { tick: number; type: string; reason: string }[] = [];
  sequence.forEach((status, tick) => {
    const t = transition(state, [obs(monitorId, status)], config, minute(firstMinute + tick));
    state = t.state;
    for (const e of t.events) events.push({ tick, type: e.type, reason: e.reason });
  });
  return { state, events };
}

describe("transition", () => {
  const config = configOf([{ id: "gw" }]);

  it("opens an incident only after failureThreshold failing ticks, started at the first of them", () => {
    const one = run(config, ["up", "down", "up"]);
    expect(one.events).toEqual([]);
    const two = run(config, ["up", "down", "down"]);
    expect(two.events).toEqual([{ tick: 2, type: "incident.opened", reason: "opened" }]);
    const incident = two.state.incidents[0]!;
    expect(incident).toMatchObject({
      id: "gw-20261128T100100Z",
      monitorIds: ["gw"],
      title: "GW is down",
      severity: "SEV-3",
      impact: "major",
      status: "open",
      flapping: false,
      startedAt: new Date(minute(1)).toISOString(),
      resolvedAt: null,
      durationMs: null,
      cause: { message: "down message", phase: "status" },
    });
    expect(incident.updates).toEqual([
      { at: new Date(minute(2)).toISOString(), status: "investigating", message: "GW is down: down message" },
    ]);
    expect(startOfIncidentId(incident.id)).toBe(minute(1));
  });

  it("resolves after successThreshold good ticks, with its duration", () => {
    const { state, events } = run(config, ["down", "down", "up", "down", "up", "up"]);
    expect(events.map((e) => `${e.tick}:${e.type}`)).toEqual(["1:incident.opened", "5:incident.resolved"]);
    expect(state.incidents[0]).toMatchObject({ status: "resolved", resolvedAt: new Date(minute(5)).toISOString(), durationMs: 5 * 60_000 });
    expect(state.incidents[0]!.updates.at(-1)).toMatchObject({ status: "resolved", message: "GW has recovered: up message" });
    expect(state.tracks.gw!.incidentId).toBeNull();
  });

  it("honours per-monitor thresholds", () => {
    const slow = configOf([{ id: "gw", failureThreshold: 3, successThreshold: 1 }]);
    const { events } = run(slow, ["down", "down", "down", "up"]);
    expect(events.map((e) => `${e.tick}:${e.type}`)).toEqual(["2:incident.opened", "3:incident.resolved"]);
  });

  it("opens a minor incident for degraded, and raises its impact when the monitor goes down", () => {
    const { state, events } = run(config, ["degraded", "degraded", "down", "degraded"]);
    expect(events.map((e) => `${e.tick}:${e.reason}`)).toEqual(["1:opened", "2:impact raised"]);
    expect(state.incidents).toHaveLength(1);
    expect(state.incidents[0]).toMatchObject({ impact: "major", title: "GW is down" });
  });

  it("rates a SEV-1 monitor down as critical", () => {
    const { state } = run(configOf([{ id: "gw", severity: "SEV-1" }]), ["down", "down"]);
    expect(state.incidents[0]).toMatchObject({ severity: "SEV-1", impact: "critical" });
  });

  it("keeps one incident open, marked flapping, for a monitor that flips every tick", () => {
    const flips = Array.from({ length: 20 }, (_, i) => (i % 2 ? "down" : "up") as Observation["status"]);
    const { state, events } = run(config, flips);
    expect(events.filter((e) => e.type === "incident.opened")).toHaveLength(1);
    expect(events.filter((e) => e.type === "incident.resolved")).toHaveLength(0);
    expect(state.incidents).toHaveLength(1);
    expect(state.incidents[0]).toMatchObject({ status: "open", flapping: true });
    // Once it is stable for the whole flapping window it resolves, once.
    const calm = run(config, Array(40).fill("up"), "gw", state, 20);
    expect(calm.events.map((e) => e.type)).toEqual(["incident.resolved"]);
    // ...once a whole 30-minute window has passed without a change: the last flip (minute 20) leaves it at 50.
    expect(calm.events[0]!.tick + 20).toBe(50);
  });

  it("opens no incident during maintenance, and its ticks do not break a streak", () => {
    const { events } = run(config, ["down", "maintenance", "maintenance", "up", "up"]);
    expect(events).toEqual([]);
    const streak = run(config, ["down", "maintenance", "down"]);
    expect(streak.events.map((e) => e.type)).toEqual(["incident.opened"]);
  });

  it("raises every incident of a group to SEV-1 when the whole group is down", () => {
    const grouped = configOf([
      { id: "a", group: "Platform", severity: "SEV-2" },
      { id: "b", group: "Platform" },
      { id: "c", group: "Monitoring" },
    ]);
    let state: IncidentState = { tracks: {}, incidents: [] };
    const tick = (n: number, a: Observation["status"], b: Observation["status"]) => {
      const t = transition(state, [obs("a", a), obs("b", b), obs("c", "up")], grouped, minute(n));
      state = t.state;
      return t;
    };
    tick(0, "down", "up");
    tick(1, "down", "down");
    expect(state.incidents.map((i) => i.severity)).toEqual(["SEV-2"]);
    tick(2, "down", "down");
    const all = tick(3, "down", "down");
    expect(state.incidents.map((i) => [i.monitorIds[0], i.severity, i.impact])).toEqual([
      ["b", "SEV-1", "critical"],
      ["a", "SEV-1", "critical"],
    ]);
    expect(all.events).toEqual([]);
  });

  it("gives the same incident id to two ticks computing from the same state (no duplicates)", () => {
    const { state } = run(config, ["down"]);
    const a = transition(state, [obs("gw", "down")], config, minute(1));
    const b = transition(state, [obs("gw", "down")], config, minute(1) + 20_000);
    expect(a.changed.map((i) => i.id)).toEqual(b.changed.map((i) => i.id));
  });

  it("resolves incidents of monitors removed from the config, and keeps resolved ones 30 days (the page shows them), then forgets them", () => {
    const { state } = run(config, ["down", "down"]);
    const other = configOf([{ id: "other" }]);
    const removed = transition(state, [obs("other", "up")], other, minute(3));
    expect(removed.events).toEqual([expect.objectContaining({ type: "incident.resolved", incidentId: "gw-20261128T100000Z" })]);
    expect(removed.state.incidents[0]!.updates.at(-1)!.message).toBe("monitor removed from the configuration");
    const week = transition(removed.state, [obs("other", "up")], other, minute(3) + 7 * 24 * 3600_000);
    expect(week.state.incidents).toHaveLength(1);
    const later = transition(removed.state, [obs("other", "up")], other, minute(3) + 30 * 24 * 3600_000);
    expect(later.state.incidents).toEqual([]);
  });

  it("does not change the state it was given", () => {
    const { state } = run(config, ["down", "down"]);
    const before = JSON.stringify(state);
    transition(state, [obs("gw", "up")], config, minute(5));
    expect(JSON.stringify(state)).toBe(before);
  });
});
