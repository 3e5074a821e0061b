import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import { sloSubjects } from "../../src/config/slo";
import { advance, RING_MINUTES, type SloTrack, sloFigures, type Verdict } from "../../src/history/slo-budget";
import { sloStep } from "../../src/notify/slo-alerts";
import { configOf } from "../helpers/writer";
import { monitorInput } from "../helpers/fixtures";

const T0 = Date.parse("2096-03-01T00:00:00Z");
const minute = (n: number) => T0 + n * 60_000;
const SLO = { objective: 99.9, window: "7d" } as const;

function run(verdicts: Verdict[], from = 0, track?: SloTrack): SloTrack {
  let t = track;
  verdicts.forEach((v, i) => {
    t = advance(t, minute(from + i), v, SLO);
  });
  return t!;
}

describe("SLO budgets", () => {
  it("keeps six hours a letter a minute, counting skipped minutes for nothing", () => {
    const t = advance(run(["good", "bad"]), minute(5), "good", SLO);
    expect(t.ring).toBe("gb---g");
    expect(t.days).toEqual([["2096-03-01", 3, 1]]);
    const long = run(Array<Verdict>(400).fill("good"));
    expect(long.ring).toHaveLength(RING_MINUTES);
    expect(advance(long, minute(399), "bad", SLO)).toBe(long);
  });

  it("counts the window by day and forgets the days that left it", () => {
    let t = run(["bad"]);
    for (let d = 1; d <= 7; d++) t = advance(t, minute(d * 1440), "good", SLO);
    expect(t.days.map(([d]) => d)).toEqual([
      "2096-03-02",
      "2096-03-03",
      "2096-03-04",
      "2096-03-05",
      "2096-03-06",
      "2096-03-07",
      "2096-03-08",
    ]);
    expect(sloFigures(t, SLO)).toMatchObject({ attainment: 100, budgetRemaining: 100 });
  });

  it("gives attainment, budget left and burn rates over each window", () => {
    // 59 good minutes and one bad: 1/60 bad is 16.67 × the 0.1 % a 99.9 % objective allows.
    const t = run([...Array<Verdict>(59).fill("good"), "bad"]);
    expect(sloFigures(t, SLO)).toEqual({
      attainment: 98.333,
      budgetRemaining: -1566.7,
      burnRate: { "5m": 200, "30m": 33.33, "1h": 16.67, "6h": 16.67 },
    });
    expect(sloFigures(undefined, SLO)).toEqual({
      attainment: null,
      budgetRemaining: null,
      burnRate: { "5m": null, "30m": null, "1h": null, "6h": null },
    });
  });

  it("counts a minute slower than latencyMs as bad, and a group's minute as bad when any member's is", () => {
    const config = configOf({
      monitors: [
        { id: "gw", name: "GW", type: "http", url: "https://gw.example.test/", group: "Edge", slo: { objective: 99, latencyMs: 5000 } },
        { id: "web", name: "Web", type: "http", url: "https://web.example.test/", group: "Edge" },
      ],
      groups: { Edge: { slo: { objective: 99 } } },
    });
    expect(sloSubjects(config).map((s) => [s.key, s.monitorIds])).toEqual([
      ["gw", ["gw"]],
      ["group:Edge", ["gw", "web"]],
    ]);
    const step = sloStep(
      config,
      {},
      [
        { id: "gw", status: "degraded", latencyMs: 6000 },
        { id: "web", status: "up", latencyMs: 40 },
      ],
      T0,
    );
    expect(step.tracks.gw?.ring).toBe("b");
    expect(step.tracks["group:Edge"]?.ring).toBe("g");
    const maintenance = sloStep(config, step.tracks, [{ id: "gw", status: "maintenance", latencyMs: null }], minute(1));
    expect(maintenance.tracks.gw?.ring).toBe("b-");
  });

  it("is a configuration error outside 50 – 99.999 % or with an unknown window", () => {
    const result = parseConfig({ title: "t", monitors: [monitorInput({ slo: { objective: 100, window: "1y" } })] });
    expect(result.ok ? [] : result.errors.map((e) => e.split(":")[0])).toEqual(["monitors[0].slo.objective", "monitors[0].slo.window"]);
  });
});
