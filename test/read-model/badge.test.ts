import { describe, expect, it } from "vitest";
import { BADGE_PERCENT, badgeFor, badgeSvg, textWidth } from "../../src/read-model/badge";
import { formatPercent } from "../../src/read-model/format";
import { type MonitorView, NO_UPTIME } from "../../src/read-model/status-view";

const monitor = (fields: Partial<MonitorView> = {}): MonitorView => ({
  id: "a",
  name: "A",
  type: "http",
  group: null,
  dependsOn: [],
  affectedBy: null,
  status: "up",
  latencyMs: 10,
  checkedAt: "2026-11-25T10:00:00.000Z",
  since: null,
  message: "",
  details: {},
  uptime: NO_UPTIME,
  ...fields,
});

describe("badges", () => {
  it("formats uptime without ever rounding up to 100%", () => {
    expect(formatPercent(100, BADGE_PERCENT)).toBe("100%");
    expect(formatPercent(99.95, BADGE_PERCENT)).toBe("99.95%");
    expect(formatPercent(99.9996, BADGE_PERCENT)).toBe("99.999%");
    expect(formatPercent(0, BADGE_PERCENT)).toBe("0%");
  });

  it("colours uptime by thresholds", () => {
    const colour = (u: number) => badgeFor(monitor({ uptime: { ...NO_UPTIME, "7d": u } }), "uptime", "7d").color;
    expect([100, 99.9, 99.5, 98, 96, 92, 50].map(colour)).toEqual([
      "brightgreen",
      "brightgreen",
      "green",
      "yellowgreen",
      "yellow",
      "orange",
      "red",
    ]);
    expect(badgeFor(monitor({ uptime: { ...NO_UPTIME, "7d": 99.5 } }), "uptime", "7d")).toEqual({
      label: "uptime 7d",
      message: "99.5%",
      color: "green",
    });
  });

  it("latency: red when down, yellow over the monitor's threshold, grey without a value", () => {
    expect(badgeFor(monitor({ latencyMs: 300 }), "latency", "30d", 200)).toEqual({ label: "latency", message: "300 ms", color: "yellow" });
    expect(badgeFor(monitor({ latencyMs: 300, status: "down" }), "latency", "30d")).toMatchObject({ color: "red" });
    expect(badgeFor(monitor({ latencyMs: 12.6 }), "latency", "30d")).toMatchObject({ message: "13 ms", color: "brightgreen" });
    expect(badgeFor(monitor({ latencyMs: null }), "latency", "30d")).toMatchObject({ message: "n/a", color: "lightgrey" });
  });

  it("estimates widths per character: wide letters wider, wide scripts double", () => {
    expect(textWidth("")).toBe(0);
    expect(textWidth("iiii")).toBeLessThan(textWidth("mmmm"));
    expect(textWidth("WWW")).toBeGreaterThan(textWidth("aaa"));
    expect(textWidth("状态")).toBeGreaterThanOrEqual(22);
    // Escaping does not widen the badge: the width is of the text shown, not of its entities.
    const plain = badgeSvg({ label: "a<b", message: "up", color: "brightgreen" });
    expect(plain).toContain(`width="${textWidth("a<b") + 10 + textWidth("up") + 10}"`);
  });

  it("escapes everything it draws and strips what XML cannot carry", () => {
    const svg = badgeSvg({ label: `<script>"'&\u0001`, message: "]]>", color: "red" });
    expect(svg).toContain("&lt;script&gt;&quot;&apos;&amp;\uFFFD");
    expect(svg).toContain("]]&gt;");
    expect(svg).not.toContain("<script");
  });
});
