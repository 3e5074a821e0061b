import { describe, expect, it } from "vitest";
import { freshFor } from "../../src/http/fresh-for";

describe("freshFor", () => {
  const tickAt = Date.parse("2026-11-28T10:00:00Z");
  it("keeps an answer until the next tick's results are due, within 5..60 s", () => {
    expect(freshFor(new Date(tickAt).toISOString(), false, tickAt + 10_000)).toBe(55);
    expect(freshFor(new Date(tickAt).toISOString(), false, tickAt + 64_000)).toBe(5);
    expect(freshFor(new Date(tickAt).toISOString(), true, tickAt)).toBe(5);
    expect(freshFor(null, false, tickAt)).toBe(5);
  });

  it("never caches longer than one tick when the cron runs faster (npm start --interval 2)", () => {
    expect(freshFor(new Date(tickAt).toISOString(), false, tickAt + 500, 2_000)).toBe(2);
    expect(freshFor(new Date(tickAt).toISOString(), true, tickAt, 2_000)).toBe(2);
    expect(freshFor(new Date(tickAt).toISOString(), false, tickAt, 3_600_000)).toBe(60);
  });
});
