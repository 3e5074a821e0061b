import { describe, expect, it } from "vitest";
import { escapeLabelValue, gauge } from "../../src/read-model/prometheus-format";

describe("the text format", () => {
  it("escapes label values as the format says: backslash, double quote, line feed", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(gauge("x", "a\\b\nc", [[{ g: 'G "1"\\\n2' }, 1]])).toBe('# HELP x a\\\\b\\nc\n# TYPE x gauge\nx{g="G \\"1\\"\\\\\\n2"} 1');
  });

  it("writes special values as the format spells them", () => {
    expect(
      gauge("x", "h", [
        [{}, NaN],
        [{}, Infinity],
        [{}, -Infinity],
        [{}, 0.5],
      ])
        .split("\n")
        .slice(2),
    ).toEqual(["x NaN", "x +Inf", "x -Inf", "x 0.5"]);
  });
});
