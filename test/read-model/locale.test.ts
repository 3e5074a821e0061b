import { describe, expect, it } from "vitest";
import { cutPercent, localeOf } from "../../src/read-model/locale";
import { pageIncidents } from "../../src/read-model/page-incidents";
import { languageFromHeader, stringsOf } from "../../src/read-model/strings";
import { incident } from "../helpers/fixtures";

const NOW = Date.parse("2096-01-15T12:00:00Z");

describe("a page's locale", () => {
  it("writes times in the page's zone, with the zone's name, and days as they fall there", () => {
    const utc = localeOf("en");
    const berlin = localeOf("en", "Europe/Berlin");
    const deBerlin = localeOf("de", "Europe/Berlin");
    expect(utc.dateTime("2096-01-15T23:30:00Z", NOW)).toBe("Jan 15, 23:30 UTC");
    expect(berlin.dateTime("2096-01-15T23:30:00Z", NOW)).toBe("Jan 16, 00:30 GMT+1");
    expect(deBerlin.dateTime("2096-01-15T23:30:00Z", NOW)).toBe("16. Jan., 00:30 MEZ");
    // Summer time, and the year when it is not the current one.
    expect(deBerlin.dateTime("2095-07-01T10:00:00Z", NOW)).toBe("1. Juli 2095, 12:00 MESZ");
    expect(utc.dateTime("2095-07-01T10:00:00Z", NOW)).toBe("Jul 1 2095, 10:00 UTC");
    expect(localeOf("en", "America/New_York").time("2096-01-15T23:30:00Z")).toBe("18:30 EST");
    expect(berlin.dayOf(Date.parse("2096-01-15T23:30:00Z"))).toBe("2096-01-16");
    expect(utc.dayOf(Date.parse("2096-01-15T23:30:00Z"))).toBe("2096-01-15");
  });

  it("writes a span within a day with one date, across days with two, in the zone's days", () => {
    expect(localeOf("en").span("2096-01-15T21:01:00Z", "2096-01-15T21:31:00Z", NOW)).toBe("Jan 15, 21:01 to 21:31 UTC");
    // The same span crosses midnight in Berlin.
    expect(localeOf("en", "Europe/Berlin").span("2096-01-15T22:50:00Z", "2096-01-15T23:10:00Z", NOW)).toBe(
      "Jan 15, 23:50 GMT+1 to Jan 16, 00:10 GMT+1",
    );
    expect(localeOf("de").span("2096-01-15T21:01:00Z", "2096-01-15T21:31:00Z", NOW)).toBe("15. Jan., 21:01 bis 21:31 UTC");
  });

  it("formats numbers, percentages, durations and days per language", () => {
    const en = localeOf("en");
    const de = localeOf("de");
    expect([en.percent(99.979), de.percent(99.979), de.percent(100), de.percent(0)]).toEqual([
      "99.97%",
      "99,97\u00a0%",
      "100\u00a0%",
      "0\u00a0%",
    ]);
    expect([en.ms(88), en.ms(12_345), de.ms(12_345)]).toEqual(["88 ms", "12.3 s", "12,3 s"]);
    expect([en.minutes(30), en.minutes(65), de.minutes(65), de.minutes(120)]).toEqual(["30 min", "1 h 5 min", "1 Std. 5 Min.", "2 Std."]);
    expect([
      de.dayName("2096-01-03", "2096-01-15"),
      de.dayName("2095-12-30", "2096-01-15"),
      de.dayName("2096-01-15", "2096-01-15"),
    ]).toEqual(["3. Jan.", "30. Dez. 2095", "Heute"]);
    expect([de.dayRange("2096-01-03", "2096-01-09", "2096-01-15"), de.dayRange("2095-12-30", "2096-01-15", "2096-01-15")]).toEqual([
      "3.–9. Jan.",
      "30. Dez. 2095 – Heute",
    ]);
    expect([en.longDay("2096-01-15"), de.longDay("2096-01-15")]).toEqual(["Sunday, Jan 15, 2096", "Sonntag, 15. Jan. 2096"]);
    expect(cutPercent(99.9999, 2)).toBe(99.99);
  });

  it("groups past incidents by the day they started in the page's zone", () => {
    const late = incident({
      id: "gw-20960114T233000Z",
      monitorIds: ["gw"],
      status: "resolved",
      startedAt: "2096-01-14T23:30:00.000Z",
      resolvedAt: "2096-01-14T23:50:00.000Z",
      durationMs: 20 * 60_000,
    });
    const names = new Map([["gw", "Gateway"]]);
    expect(pageIncidents([late], names, NOW, localeOf("en").dayOf).pastIncidents.map((d) => d.day)).toEqual(["2096-01-14"]);
    expect(pageIncidents([late], names, NOW, localeOf("en", "Asia/Tokyo").dayOf).pastIncidents.map((d) => d.day)).toEqual(["2096-01-15"]);
  });
});

describe("Accept-Language", () => {
  it("picks the language the page has with the highest weight, by primary subtag; English otherwise", () => {
    const cases: [string | null, string][] = [
      [null, "en"],
      ["", "en"],
      ["de", "de"],
      ["de-AT,de;q=0.9,en;q=0.8", "de"],
      ["fr-FR,fr;q=0.9,de;q=0.8,en;q=0.7", "de"],
      ["fr-FR,fr;q=0.9,en;q=0.8,de;q=0.7", "en"],
      ["en;q=0.5, DE;q=0.6", "de"],
      ["de;q=0, en", "en"],
      ["*", "en"],
      ["fr", "en"],
      ["de;q=0.5, en;q=0.5", "de"],
      ["garbage;;;,,,=", "en"],
    ];
    for (const [header, lang] of cases) expect(languageFromHeader(header), String(header)).toBe(lang);
  });

  it("has a table for each language with every string filled in", () => {
    const empty = (table: object, path = ""): string[] =>
      Object.entries(table).flatMap(([key, value]) =>
        typeof value === "string"
          ? value.trim() === ""
            ? [`${path}${key}`]
            : []
          : value && typeof value === "object"
            ? empty(value, `${path}${key}.`)
            : [],
      );
    for (const lang of ["en", "de"] as const) {
      expect(stringsOf(lang).lang).toBe(lang);
      expect(empty(stringsOf(lang)), lang).toEqual([]);
    }
  });
});
