import { describe, expect, it } from "vitest";
import { checkExpiryTier, expiryTier } from "../../src/tls/expiry-tiers";

describe("expiry tiers", () => {
  it("puts days left in the most urgent tier at or above them", () => {
    expect(expiryTier(90)).toBeNull();
    expect(expiryTier(31)).toBeNull();
    expect(expiryTier(30)).toBe(30);
    expect(expiryTier(15)).toBe(30);
    expect(expiryTier(14)).toBe(14);
    expect(expiryTier(8)).toBe(14);
    expect(expiryTier(7)).toBe(7);
    expect(expiryTier(2)).toBe(7);
    expect(expiryTier(1)).toBe(1);
    expect(expiryTier(0)).toBe(1);
    expect(expiryTier(-5)).toBe(1);
    expect(expiryTier(Number.NaN)).toBeNull();
  });

  it("reports a tier once, when it is first reached", () => {
    expect(checkExpiryTier(null, 45)).toEqual({ tier: null, crossed: null });
    expect(checkExpiryTier(null, 30)).toEqual({ tier: 30, crossed: 30 });
    expect(checkExpiryTier(30, 29)).toEqual({ tier: 30, crossed: null });
    expect(checkExpiryTier(30, 14)).toEqual({ tier: 14, crossed: 14 });
    expect(checkExpiryTier(14, 13)).toEqual({ tier: 14, crossed: null });
    expect(checkExpiryTier(14, 7)).toEqual({ tier: 7, crossed: 7 });
    expect(checkExpiryTier(7, 1)).toEqual({ tier: 1, crossed: 1 });
    expect(checkExpiryTier(1, -3)).toEqual({ tier: 1, crossed: null });
  });

  it("treats no record (undefined) like none (null)", () => {
    expect(checkExpiryTier(undefined, 20)).toEqual({ tier: 30, crossed: 30 });
  });

  it("gives only the most urgent tier when several are skipped at once", () => {
    expect(checkExpiryTier(null, 5)).toEqual({ tier: 7, crossed: 7 });
    expect(checkExpiryTier(30, 0)).toEqual({ tier: 1, crossed: 1 });
  });

  it("lowers the recorded tier after a renewal, so the next expiry warns again", () => {
    const renewed = checkExpiryTier(7, 89);
    expect(renewed).toEqual({ tier: null, crossed: null });
    expect(checkExpiryTier(renewed.tier, 30)).toEqual({ tier: 30, crossed: 30 });
    expect(checkExpiryTier(7, 20)).toEqual({ tier: 30, crossed: null });
  });
});
