import { describe, expect, it } from "vitest";
import { addDays } from "../../src/history/keys";
import { MAX_PRUNE_DAYS, pruneKeys } from "../../src/history/prune-keys";

describe("pruneKeys", () => {
  it("on a normal day: the 24 raw hours of the day leaving retention, and the day object leaving 400 days", () => {
    // On 2026-06-09 with 7 days of raw: 06-02 … 06-08 and today stay; 06-01 goes. Day objects: 400 complete days stay.
    const lastDay = addDays("2026-06-09", -401);
    expect(lastDay).toBe("2025-05-04");
    const { keys, pruned } = pruneKeys({ raw: "2026-05-31", days: "2025-05-03" }, "2026-06-09", 7);
    expect(keys).toEqual([
      ...Array.from({ length: 24 }, (_, h) => `raw/2026-06-01/${String(h).padStart(2, "0")}.json`),
      "days/2025-05-04.json",
    ]);
    expect(pruned).toEqual({ raw: "2026-06-01", days: "2025-05-04" });
  });

  it("deletes a month once its last day is pruned", () => {
    const today = addDays("2025-04-30", 401);
    const { keys } = pruneKeys({ raw: addDays(today, -8), days: "2025-04-29" }, today, 7);
    expect(keys).toEqual(["days/2025-04-30.json", "months/2025-04.json"]);
  });

  it("catches up after a gap, at most MAX_PRUNE_DAYS days at once, and does nothing twice", () => {
    const { keys, pruned } = pruneKeys({ raw: "2026-01-01", days: "2025-01-01" }, "2026-06-09", 7);
    expect(keys.filter((k) => k.startsWith("raw/"))).toHaveLength(24 * MAX_PRUNE_DAYS);
    expect(keys.filter((k) => k.startsWith("days/"))).toHaveLength(MAX_PRUNE_DAYS);
    expect(keys.length).toBeLessThanOrEqual(1_000);
    expect(pruneKeys(pruned, "2026-06-09", 7).keys).toEqual([]);
  });

  it("on a fresh carry: the cutoff day and a week before it", () => {
    const { keys, pruned } = pruneKeys({ raw: null, days: null }, "2026-06-09", 3);
    const rawDays = new Set(keys.filter((k) => k.startsWith("raw/")).map((k) => k.slice(4, 14)));
    expect([...rawDays].sort()).toEqual([
      "2026-05-29",
      "2026-05-30",
      "2026-05-31",
      "2026-06-01",
      "2026-06-02",
      "2026-06-03",
      "2026-06-04",
      "2026-06-05",
    ]);
    expect(pruned.raw).toBe("2026-06-05");
  });

  it("keeps the record when a longer retention leaves nothing to delete", () => {
    expect(pruneKeys({ raw: "2026-06-05", days: "2025-05-05" }, "2026-06-09", 30)).toEqual({
      keys: [],
      pruned: { raw: "2026-06-05", days: "2025-05-05" },
    });
  });
});
