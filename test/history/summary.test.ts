import { describe, expect, it } from "vitest";
import { addDays } from "../../src/history/keys";
import type { Rollups } from "../../src/history/schemas";
import { buildSummary, windowsOf } from "../../src/history/summary";

describe("summary and complete-day sums", () => {
  const through = "2026-06-09";
  // 120 days, each with 10 up and `age` down ticks for monitor a (age 0 = through); b only on the last 3 days.
  const daily = new Map<string, Rollups>();
  for (let age = 0; age < 120; age++) {
    const rollups: Rollups = { a: [10, 0, age, 1, 0, 5, 9, 12] };
    if (age < 3) rollups.b = [1, 0, 0, 0, 0, null, null, null];
    daily.set(addDays(through, -age), rollups);
  }

  it("builds 90 bars per monitor, oldest first, null where a monitor has no day", () => {
    const summary = buildSummary(daily, through);
    expect(summary.days).toHaveLength(90);
    expect(summary.days[0]).toBe("2026-03-12");
    expect(summary.days.at(-1)).toBe(through);
    expect(summary.monitors.a!.counts.at(-1)).toEqual([10, 0, 0, 1, 0]);
    expect(summary.monitors.a!.uptime.at(-2)).toBe(90.909);
    expect(summary.monitors.b!.counts.filter(Boolean)).toHaveLength(3);
    expect(summary.monitors.b!.uptime.slice(0, 87).every((u) => u === null)).toBe(true);
    const down = Array.from({ length: 90 }, (_, age) => age).reduce((a, b) => a + b, 0);
    expect(summary.monitors.a!.uptime90d).toBe(Math.round((900 / (900 + down)) * 100_000) / 1000);
  });

  it("sums 6, 29 and 89 complete days for the 7d, 30d and 90d windows", () => {
    const windows = windowsOf(daily, through);
    const downOver = (days: number) => Array.from({ length: days }, (_, age) => age).reduce((a, b) => a + b, 0);
    expect(windows.through).toBe(through);
    expect(windows.d7.a).toEqual([60, 0, downOver(6), 6, 0]);
    expect(windows.d30.a).toEqual([290, 0, downOver(29), 29, 0]);
    expect(windows.d90.a).toEqual([890, 0, downOver(89), 89, 0]);
    expect(windows.d7.b).toEqual([3, 0, 0, 0, 0]);
  });
});
