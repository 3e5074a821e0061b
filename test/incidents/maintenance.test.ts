import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import { isWindowActive, maintenanceNow } from "../../src/incidents/maintenance";

function config(maintenance: unknown[]) {
  const result = parseConfig({
    title: "t",
    monitors: [
      { id: "gw", name: "GW", group: "Platform", type: "http", url: "https://x.test/" },
      { id: "prom", name: "Prom", group: "Monitoring", type: "http", url: "https://y.test/" },
    ],
    maintenance,
  });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

describe("maintenance windows", () => {
  it("covers one-off windows from start (inclusive) to end (exclusive)", () => {
    const c = config([{ id: "db", title: "DB upgrade", monitors: ["gw"], start: "2026-12-01T02:00:00Z", end: "2026-12-01T03:00:00Z" }]);
    expect(maintenanceNow(c, Date.parse("2026-12-01T01:59:59Z")).size).toBe(0);
    expect([...maintenanceNow(c, Date.parse("2026-12-01T02:00:00Z")).keys()]).toEqual(["gw"]);
    expect(maintenanceNow(c, Date.parse("2026-12-01T03:00:00Z")).size).toBe(0);
  });

  it("covers every monitor of a listed group", () => {
    const c = config([
      { id: "mon", title: "Monitoring upgrade", groups: ["Monitoring"], start: "2026-12-01T02:00:00Z", end: "2026-12-01T03:00:00Z" },
    ]);
    expect([...maintenanceNow(c, Date.parse("2026-12-01T02:30:00Z")).keys()]).toEqual(["prom"]);
  });

  it("recurs weekly in its time zone, including windows that cross midnight into the next week", () => {
    const [sunday] = config([
      {
        id: "w",
        title: "Patching",
        monitors: ["gw"],
        weekly: { days: ["sun"], start: "23:30", durationMinutes: 60, timezone: "Europe/Berlin" },
      },
    ]).maintenance;
    // 2026-11-29 is a Sunday; Berlin is UTC+1 in winter.
    expect(isWindowActive(sunday!, Date.parse("2026-11-29T22:29:00Z"))).toBe(false);
    expect(isWindowActive(sunday!, Date.parse("2026-11-29T22:30:00Z"))).toBe(true);
    expect(isWindowActive(sunday!, Date.parse("2026-11-29T23:15:00Z"))).toBe(true); // Monday 00:15 in Berlin
    expect(isWindowActive(sunday!, Date.parse("2026-11-29T23:30:00Z"))).toBe(false);
    expect(isWindowActive(sunday!, Date.parse("2026-11-22T22:45:00Z"))).toBe(true); // the Sunday before
    expect(isWindowActive(sunday!, Date.parse("2026-11-28T22:45:00Z"))).toBe(false); // Saturday
  });
});
