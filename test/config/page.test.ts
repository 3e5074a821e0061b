import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import { monitorInput } from "../helpers/fixtures";

const withPage = (page: unknown) => parseConfig({ title: "t", monitors: [monitorInput()], page });
const errorsOf = (page: unknown) => {
  const result = withPage(page);
  return result.ok ? [] : result.errors;
};

describe("page settings", () => {
  it("default to UTC, no locale (Accept-Language decides), no links, no logo, accent or footer", () => {
    const result = parseConfig({ title: "t", monitors: [monitorInput()] });
    expect(result.ok && result.config.page).toEqual({ links: [], timezone: "UTC" });
  });

  it("accept a full block: https or inline logo, hex accent, links, footer, an IANA zone and a language", () => {
    const page = {
      logoUrl: "https://cdn.example.com/logo.svg",
      accentColor: "#0969da",
      links: [
        { label: "Website", url: "https://example.com" },
        { label: "Support", url: "mailto:support@example.com" },
      ],
      footer: "Example Inc.",
      timezone: "Europe/Berlin",
      locale: "de",
    };
    const result = withPage(page);
    expect(result.ok && result.config.page).toEqual(page);
    expect(errorsOf({ logoUrl: "data:image/png;base64,iVBORw0KGgo=", accentColor: "#09D" })).toEqual([]);
    expect(errorsOf({ logoUrl: "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'/%3E" })).toEqual([]);
  });

  it("refuses a logo that is not https or an inline image, naming the field", () => {
    for (const logoUrl of [
      "http://cdn.example.com/logo.png",
      "javascript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      'data:image/svg+xml,<svg onload="alert(1)">',
      "https://user:pw@cdn.example.com/logo.png",
      "/logo.png",
    ]) {
      expect(errorsOf({ logoUrl }), logoUrl).toEqual([
        "page.logoUrl: must be an https:// URL (without credentials) or a data:image/... URL",
      ]);
    }
    expect(errorsOf({ logoUrl: `data:image/png;base64,${"A".repeat(9000)}` })[0]).toMatch(/^page\.logoUrl: is too long/);
  });

  it("takes only a strict #rgb or #rrggbb accent: nothing else can reach the stylesheet", () => {
    for (const accentColor of ["red", "#12345", "#1234567", "#0969da;}body{display:none", "rgb(0,0,0)", "#ggg", " #fff"]) {
      expect(errorsOf({ accentColor }), accentColor).toEqual(['page.accentColor: must be a hex colour like "#0969da" or "#09d"']);
    }
  });

  it("checks the time zone with Intl, the language against the tables, links and unknown fields", () => {
    expect(errorsOf({ timezone: "Mars/Olympus_Mons" })).toEqual(["page.timezone: must be an IANA time zone such as Europe/Berlin"]);
    expect(errorsOf({ locale: "fr" })).toEqual(["page.locale: must be one of en, de"]);
    expect(errorsOf({ links: [{ label: "x", url: "javascript:alert(1)" }] })).toEqual([
      "page.links[0].url: must be an http://, https:// or mailto: URL",
    ]);
    expect(errorsOf({ links: [{ label: "", url: "https://example.com" }] })[0]).toMatch(/^page\.links\[0\]\.label: /);
    expect(errorsOf({ colour: "#fff" })[0]).toMatch(/^page: Unrecognized key: "colour"/);
  });
});
