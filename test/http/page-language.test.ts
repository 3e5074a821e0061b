import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { addDays, dayKeyOf, SUMMARY_KEY } from "../../src/history/keys";
import type { Counts, HistorySummary } from "../../src/history/schemas";
import { seedLatest } from "../helpers/faces-app";
import { incident, minutesAgo, monitorInput, stored } from "../helpers/fixtures";
import { resetBindings } from "../helpers/reset";
import { envWith, get } from "../helpers/worker";

afterEach(resetBindings);

const config = {
  title: "Plattform",
  monitors: [monitorInput({ id: "gw", name: "Gateway" }), monitorInput({ id: "db", name: "Datenbank" })],
};
const GERMAN = { "Accept-Language": "de-DE,de;q=0.9,en;q=0.8" };
const ENGLISH = { "Accept-Language": "en-GB,en;q=0.9" };

/** gw down for 20 minutes three days ago; an incident resolved yesterday. */
async function seed(): Promise<void> {
  const today = dayKeyOf(Date.now());
  const days = Array.from({ length: 90 }, (_, i) => addDays(today, i - 90));
  const counts = (id: string) => days.map((_, i): Counts => (id === "gw" && i === 87 ? [1420, 0, 20, 0, 0] : [1440, 0, 0, 0, 0]));
  const monitors = Object.fromEntries(
    ["gw", "db"].map((id) => [id, { uptime90d: 99.99, uptime: days.map(() => 100), counts: counts(id) }]),
  );
  const summary: HistorySummary = { v: 1, through: days.at(-1)!, days, monitors };
  await env.HISTORY.put(SUMMARY_KEY, JSON.stringify(summary));
  const past = incident({
    id: "gw-20990101T000000Z",
    monitorIds: ["gw"],
    title: "Gateway is down",
    status: "resolved",
    startedAt: minutesAgo(1500),
    resolvedAt: minutesAgo(1470),
    durationMs: 30 * 60_000,
    updates: [{ at: minutesAgo(1470), status: "resolved", message: "Gateway is up again" }],
  });
  await seedLatest(
    { gw: stored({ status: "up" }, minutesAgo(0)), db: stored({ status: "degraded" }, minutesAgo(0)) },
    [past],
    minutesAgo(0),
    {
      uptime: { gw: { "24h": 100, "7d": 99.5, "30d": 99.95, "90d": 99.984 }, db: { "24h": 100, "7d": 100, "30d": 100, "90d": 100 } },
    },
  );
}

const text = (markup: string) =>
  markup
    .replace(/<style[\s\S]*?<\/style>/, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/[ \t\r\n]+/g, " ");

describe("the page in the reader's language", () => {
  it("answers a German Accept-Language in German: words, numbers and dates", async () => {
    await seed();
    const response = await get(envWith(config), "/", GERMAN);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-language")).toBe("de");
    expect(response.headers.get("vary")).toBe("Accept-Language");
    const markup = await response.text();
    expect(markup.startsWith('<!doctype html><html lang="de">')).toBe(true);
    const words = text(markup);
    expect(words).toContain("Eingeschränkte Leistung");
    expect(words).toMatch(/Aktualisiert \d+\. [A-ZÄa-zä.]+, \d\d:\d\d UTC/);
    expect(words).toContain("Gateway Betriebsbereit");
    expect(words).toContain("Datenbank Eingeschränkt");
    expect(words).toContain("99,98\u00a0% verfügbar");
    // Three days ago is last year's on Jan 1-3: the day is then named with its year (`29. Dez. 2025`).
    expect(words).toMatch(/\d+\. [A-Za-zä.]+( \d{4})?: 98,61\u00a0%, 20 Min\. Ausfall/);
    expect(words).toContain("Vergangene Störungen");
    expect(words).toContain("Erhebliche Auswirkung · SEV-3 ·");
    expect(words).toContain("(30 Min.) · Betrifft Gateway Behoben – Gateway is up again");
    expect(words).toContain("Zeiten in UTC. Diese Seite aktualisiert sich jede Minute ( anhalten ).");
    expect(markup).toContain('<ol class="bar" aria-label="Verfügbarkeit, 90 Tage">');
    expect(markup).toContain('.ax::before{content:"vor 90 Tagen"/""}.ax::after{content:"Heute"/""}');
    // No English left on the page but what the probes and incidents wrote.
    expect(words).not.toMatch(/\b(Operational|uptime|Updated|Services|Past incidents|Today)\b/);
  });

  it("writes the page in the config's language whatever the reader asks, and then does not vary", async () => {
    await seed();
    const bindings = envWith({ ...config, page: { locale: "de" } });
    for (const headers of [ENGLISH, {}]) {
      const response = await get(bindings, "/", headers);
      expect(response.headers.get("vary")).toBeNull();
      expect(response.headers.get("content-language")).toBe("de");
      expect(text(await response.text())).toContain("Eingeschränkte Leistung");
    }
  });

  it("serves an English request after a German one in English, through the front cache (same URL)", async () => {
    await seed();
    const bindings = envWith(config);
    const origin = `http://lang-front-${crypto.randomUUID().slice(0, 8)}.edgewatch.test`;
    const german = await get(bindings, "/", GERMAN, origin);
    expect(text(await german.text())).toContain("Eingeschränkte Leistung");
    const english = await get(bindings, "/", ENGLISH, origin);
    expect(english.headers.get("content-language")).toBe("en");
    expect(text(await english.text())).toContain("Degraded performance");
    // Each language is still kept: the same German reader again is a hit, as is another German spelling.
    const again = await get(bindings, "/", { "Accept-Language": "de-AT" }, origin);
    expect(again.headers.get("x-edge-cache")).toBe("hit");
    expect(text(await again.text())).toContain("Eingeschränkte Leistung");
    const englishAgain = await get(bindings, "/", {}, origin);
    expect(englishAgain.headers.get("x-edge-cache")).toBe("hit");
    expect(text(await englishAgain.text())).toContain("Degraded performance");
  });

  it("serves an English request after a German one in English, through the edge cache (a URL the front cache has not seen)", async () => {
    await seed();
    const bindings = envWith(config);
    const origin = `http://lang-edge-${crypto.randomUUID().slice(0, 8)}.edgewatch.test`;
    const german = await get(bindings, "/?utm=1", GERMAN, origin);
    expect(german.headers.get("x-edge-cache")).toBe("miss");
    // Another URL: the front cache has nothing for it, so the edge cache answers, keyed by the resolved language.
    const english = await get(bindings, "/?utm=2", ENGLISH, origin);
    expect(english.headers.get("x-edge-cache")).toBe("miss");
    expect(text(await english.text())).toContain("Degraded performance");
    const germanHit = await get(bindings, "/?utm=3", { "Accept-Language": "de" }, origin);
    expect(germanHit.headers.get("x-edge-cache")).toBe("hit");
    expect(text(await germanHit.text())).toContain("Eingeschränkte Leistung");
    const englishHit = await get(bindings, "/?utm=4", { "Accept-Language": "fr, en;q=0.5" }, origin);
    expect(englishHit.headers.get("x-edge-cache")).toBe("hit");
    expect(text(await englishHit.text())).toContain("Degraded performance");
  });

  it("writes the 404 and incident pages in the reader's language too", async () => {
    await seed();
    const missing = await get(envWith(config), "/incidents/nope-20990101T000000Z", GERMAN);
    expect(missing.status).toBe(404);
    expect(text(await missing.text())).toContain("Störung nicht gefunden");
    const found = await get(envWith(config), "/incidents/gw-20990101T000000Z", GERMAN);
    expect(text(await found.text())).toContain("Gateway is down Behoben Erhebliche Auswirkung · SEV-3 ·");
  });
});
