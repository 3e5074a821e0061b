import { describe, expect, it } from "vitest";
import { maxAgeOf } from "../../src/http/history-api";

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe("maxAgeOf (history)", () => {
  it("caches a range an hour once its last period's last tick has landed, whatever minute it is now", () => {
    // 30 s into a new hour: a range that ended two hours ago is long finished.
    expect(maxAgeOf("hour", at("2026-11-28T20:30:00Z"), at("2026-11-28T23:00:00Z"), false, at("2026-11-28T23:00:30Z"))).toBe(3600);
    expect(maxAgeOf("day", at("2026-11-26T12:00:00Z"), at("2026-11-28T00:00:00Z"), false, at("2026-11-28T00:00:30Z"))).toBe(3600);
  });

  it("keeps a range short-lived while its last period may still get a tick", () => {
    // The previous hour's last tick (at :59) lands within 65 s after the hour.
    const now = at("2026-11-28T23:00:30Z");
    expect(maxAgeOf("hour", at("2026-11-28T22:30:00Z"), now - 30_000, false, now)).toBeLessThan(3600);
    expect(maxAgeOf("raw", now - HOUR / 2, now - 30_000, false, now)).toBeLessThanOrEqual(60);
    expect(maxAgeOf("day", now - HOUR, now - 30_000, false, now)).toBe(300);
    expect(maxAgeOf("hour", at("2026-11-28T20:30:00Z"), now, true, now)).toBe(5);
  });
});
