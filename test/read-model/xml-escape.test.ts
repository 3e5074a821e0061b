import { describe, expect, it } from "vitest";
import { htmlEscape, xmlEscape } from "../../src/read-model/xml-escape";

describe("xmlEscape", () => {
  it("escapes the five special characters", () => {
    expect(xmlEscape(`<a href="x" title='y'>&amp;</a>`)).toBe("&lt;a href=&quot;x&quot; title=&apos;y&apos;&gt;&amp;amp;&lt;/a&gt;");
    expect(xmlEscape("]]>")).toBe("]]&gt;");
  });

  it("replaces characters XML 1.0 cannot carry, keeps tab, newlines and astral characters", () => {
    expect(xmlEscape("a\u0000b\u0008c\u001Fd\uFFFEe\uFFFF")).toBe("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFD");
    expect(xmlEscape("lone \uD800 surrogate")).toBe("lone \uFFFD surrogate");
    expect(xmlEscape("\t\n\r 😀 ü")).toBe("\t\n\r 😀 ü");
  });

  it("htmlEscape for HTML text", () => {
    expect(htmlEscape(`<b>"it's" & more</b>`)).toBe("&lt;b&gt;&quot;it&#39;s&quot; &amp; more&lt;/b&gt;");
  });
});
