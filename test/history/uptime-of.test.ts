import { describe, expect, it } from "vitest";
import { advanceHistory } from "../../src/history/advance-history";
import { DAY_MS, HOUR_MS } from "../../src/history/keys";
import type { HistoryCarry, HistoryStatus } from "../../src/history/schemas";
import { uptimeOf } from "../../src/history/uptime-of";

const D = Date.parse("2026-06-01T00:00:00Z");

/** A carry from ticks every 10 minutes, status chosen per tick time. */
function carryFrom(startMs: number, endMs: number, statusAt: (ms: number) => Record<string, HistoryStatus>): HistoryCarry {
  let carry: HistoryCarry | null = null;
  for (let t = startMs; t <= endMs; t += 10 * 60_000) {
    const monitors = Object.fromEntries(Object.entries(statusAt(t)).map(([id, status]) => [id, { status, latencyMs: 10 }]));
    carry = advanceHistory(carry, { tickAt: new Date(t).toISOString(), monitors }).carry;
  }
  return carry!;
}

describe("uptimeOf", () => {
  it("has nothing to say without a carry", () => {
    expect(uptimeOf(null, D)).toEqual({});
  });

  it("24h: the current hour and the finished hours overlapping the last 24 hours", () => {
    const end = D + 29 * HOUR_MS + 50 * 60_000; // day 2, 05:50
    const carry = carryFrom(D, end, (t) => ({ a: t < D + 6 * HOUR_MS ? "down" : "up" }));
    // Hours 05 (6 down ticks) through 29 (24 hours of 6 up ticks) overlap [now − 24h, now].
    expect(uptimeOf(carry, end)["a"]!["24h"]).toBe(Math.round((144 / 150) * 100_000) / 1000);
    // An hour later the down hour has left the window.
    expect(uptimeOf(carry, end + HOUR_MS)["a"]!["24h"]).toBe(100);
    // Two days later nothing is left in it.
    expect(uptimeOf(carry, end + 2 * DAY_MS)["a"]!["24h"]).toBeNull();
  });

  it("excludes maintenance and unknown ticks, and is null when only those exist", () => {
    const end = D + 3 * HOUR_MS;
    const carry = carryFrom(D, end, (t) => {
      const i = Math.round((t - D) / 600_000); // 0..18
      return { a: i % 3 === 0 ? "maintenance" : i % 3 === 1 ? "up" : "down", b: "maintenance", c: i % 2 ? "unknown" : "degraded" };
    });
    const uptime = uptimeOf(carry, end);
    expect(uptime["a"]!["24h"]).toBe(50);
    expect(uptime["a"]!["90d"]).toBe(50);
    expect(uptime["b"]).toEqual({ "24h": null, "7d": null, "30d": null, "90d": null });
    expect(uptime["c"]).toEqual({ "24h": 100, "7d": 100, "30d": 100, "90d": 100 });
  });

  it("7d/30d/90d: today plus the complete-day sums refreshed at the day rollover", () => {
    const end = D + 2 * HOUR_MS; // today: 13 up ticks
    const carry: HistoryCarry = {
      ...carryFrom(D, end, () => ({ a: "up" })),
      windows: {
        through: "2026-05-31",
        d7: { a: [87, 0, 0, 0, 0] },
        d30: { a: [287, 0, 100, 50, 0] },
        d90: { a: [287, 100, 500, 0, 0] },
      },
    };
    expect(uptimeOf(carry, end)["a"]).toEqual({ "24h": 100, "7d": 100, "30d": 75, "90d": 44.444 });
  });

  it("a carry from an earlier day: the day windows end at its day and drop out once it is older than them", () => {
    const carry: HistoryCarry = {
      ...carryFrom(D, D + HOUR_MS, () => ({ a: "up" })),
      windows: { through: "2026-05-31", d7: { a: [0, 0, 7, 0, 0] }, d30: { a: [0, 0, 7, 0, 0] }, d90: { a: [0, 0, 7, 0, 0] } },
    };
    // 7 up ticks today, 7 down days before.
    expect(uptimeOf(carry, D + 3 * DAY_MS)["a"]).toEqual({ "24h": null, "7d": 50, "30d": 50, "90d": 50 });
    expect(uptimeOf(carry, D + 7 * DAY_MS)["a"]).toEqual({ "24h": null, "7d": null, "30d": 50, "90d": 50 });
    expect(uptimeOf(carry, D + 95 * DAY_MS)).toEqual({});
  });

  it("uses sums whose last day is still in the window, and ignores them beyond it", () => {
    const carry: HistoryCarry = {
      ...carryFrom(D, D + HOUR_MS, () => ({ a: "up" })),
      // Sums not refreshed for ten days (a failing bucket): still inside 30d, outside 7d.
      windows: { through: "2026-05-21", d7: { a: [0, 0, 7, 0, 0] }, d30: { a: [0, 0, 7, 0, 0] }, d90: { a: [0, 0, 7, 0, 0] } },
    };
    expect(uptimeOf(carry, D + HOUR_MS)["a"]).toEqual({ "24h": 100, "7d": 100, "30d": 50, "90d": 50 });
  });
});
