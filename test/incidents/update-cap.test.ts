import { describe, expect, it } from "vitest";
import { MAX_UPDATES } from "../../src/incidents/add-update";
import { openManual, postUpdate, resolveByHand } from "../../src/incidents/admin-actions";
import type { IncidentState } from "../../src/incidents/transition";
import { configOf } from "../helpers/writer";

const config = configOf({ monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://gw.example.test/health" }] });
const T0 = Date.parse("2096-01-01T00:00:00Z");

describe("incident updates are capped", () => {
  it(`keeps the opening update and the latest ${MAX_UPDATES - 1}, however many are posted`, () => {
    const opened = openManual(
      { tracks: {}, incidents: [] },
      config,
      { monitorIds: ["gw"], title: "Slow", message: "looking", impact: "minor", by: "ops" },
      T0,
    );
    if (!opened.ok) throw new Error(opened.error);
    let state: IncidentState = opened.state;
    for (let i = 1; i <= 200; i++) {
      const posted = postUpdate(state, opened.incident.id, "monitoring", `update ${i}`, T0 + i * 1000);
      if (!posted.ok) throw new Error(posted.error);
      state = posted.state;
    }
    const resolved = resolveByHand(state, opened.incident.id, "ops", "fixed", T0 + 201_000);
    if (!resolved.ok) throw new Error(resolved.error);
    const updates = resolved.incident.updates;
    expect(updates).toHaveLength(MAX_UPDATES);
    expect(updates[0]!.message).toBe("looking");
    expect(updates.at(-1)).toMatchObject({ status: "resolved", message: "fixed" });
    expect(updates.at(-2)!.message).toBe("update 200");
    expect(updates[1]!.message).toBe(`update ${200 - (MAX_UPDATES - 3)}`);
    // In time order still.
    expect(updates.map((u) => Date.parse(u.at))).toEqual([...updates.map((u) => Date.parse(u.at))].sort((a, b) => a - b));
  });
});

describe("the cap holds for Alertmanager's own updates", () => {
  it("an incident already at the cap that expires keeps 50 updates, its resolution last", async () => {
    const { expireAlerts } = await import("../../src/incidents/alertmanager-expiry");
    const { incident } = await import("../helpers/fixtures");
    const at = (n: number) => new Date(T0 + n * 1000).toISOString();
    const full = incident({
      id: "gw-am-a1b2c3d4-20960101T000000Z",
      monitorIds: ["gw"],
      source: "alertmanager",
      startedAt: at(0),
      alertSeenAt: at(0),
      updates: Array.from({ length: MAX_UPDATES }, (_, i) => ({ at: at(i), status: "monitoring" as const, message: `u${i}` })),
    });
    const expired = expireAlerts({ tracks: {}, incidents: [full] }, T0 + 10 * 3_600_000, 300 * 60_000);
    const updates = expired.changed[0]!.updates;
    expect(updates).toHaveLength(MAX_UPDATES);
    expect(updates[0]!.message).toBe("u0");
    expect(updates.at(-1)!.status).toBe("resolved");
  });
});
