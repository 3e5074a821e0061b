import { describe, expect, it } from "vitest";
import { mapPool } from "../../src/net/pool";

describe("mapPool", () => {
  it("never runs more than the limit at once and keeps the order of the input", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapPool([50, 10, 30, 5, 20, 1, 15, 25, 5, 40], 3, async (ms, index) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return index;
    });
    expect(peak).toBe(3);
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("copes with fewer items than the limit, and with none", async () => {
    expect(await mapPool([1, 2], 6, async (n) => n * 2)).toEqual([2, 4]);
    expect(await mapPool([], 6, async (n) => n)).toEqual([]);
  });
});
