import { describe, expect, it } from "vitest";
import { waitAtMost } from "../../src/coordinator/serial";

describe("waitAtMost (the coordinator's wait for the tick before)", () => {
  it("returns as soon as the previous tick ends", async () => {
    const started = Date.now();
    await waitAtMost(new Promise((resolve) => setTimeout(resolve, 20)), 10_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("stops waiting after the cap when the previous tick never ends", async () => {
    const started = Date.now();
    await waitAtMost(new Promise(() => {}), 200);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(2_000);
  });
});
