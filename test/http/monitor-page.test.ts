import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env/deps";
import {
  addDays,
  dayKeyOf,
  dayObjectKey,
  HOUR_MS,
  hourKeyOf,
  hourStartMs,
  monthKeyOf,
  monthObjectKey,
  monthsBetween,
  rawHourKey,
  RECENT_KEY,
  SUMMARY_KEY,
} from "../../src/history/keys";
import type { Counts, DayObject, HistorySummary, HourObject, MonthObject, Rollup } from "../../src/history/schemas";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { clockClearOfHourEnd } from "../helpers/clock";
import { faceGet, seedLatest } from "../helpers/faces-app";
import { incident, minutesAgo, stored } from "../helpers/fixtures";
import { resetBindings } from "../helpers/reset";
import { localPlatformConfig } from "../helpers/targets";
import { envWith, fireCron } from "../helpers/worker";
import { configOf, runJobs } from "../helpers/writer";

afterEach(resetBindings);

// The page reads the clock itself: the hours and days seeded around NOW, and the objects it may read, must be its own.
const NOW = await clockClearOfHourEnd();
const MINUTE = 60_000;
const config = {
  title: "AI Platform status",
  monitors: [
    {
      id: "gw",
      name: "API gateway",
      group: "Platform",
      type: "http",
      url: "https://gw.corp.example/health?token=qs-secret",
      headers: { "X-Api-Key": "hdr-secret" },
      degradedAfterMs: 400,
    },
    { id: "site", name: "Website", type: "http", url: "https://www.example.com/", public: true },
  ],
};

/** A latency that wanders (so the chart's paths are as long as real ones), with a slow stretch every few hours. */
const latencyAt = (ms: number) => 120 + ((Math.floor(ms / MINUTE) * 37) % 90) + (Math.floor(ms / HOUR_MS) % 5 === 0 ? 200 : 0);
const rollupAt = (ms: number): Rollup => [60, 0, 0, 0, 0, latencyAt(ms), latencyAt(ms) + 150, latencyAt(ms) + 300];

/** The archives as the coordinator writes them: every hour's ticks for a day, the days' hours for 8 days, 31 days' rollups. */
async function seedHistory(ids: string[]): Promise<void> {
  const puts: Promise<unknown>[] = [];
  for (let k = 0; k <= 25; k++) {
    const h = hourKeyOf(NOW - k * HOUR_MS);
    const start = hourStartMs(h);
    const ticks: HourObject["ticks"] = Array.from({ length: 60 }, (_, t) => [
      t * MINUTE,
      "u".repeat(ids.length),
      ids.map(() => latencyAt(start + t * MINUTE)),
    ]);
    const object: HourObject = { v: 1, h, ids, ticks, rollup: Object.fromEntries(ids.map((id) => [id, rollupAt(start)])) };
    puts.push(env.HISTORY.put(rawHourKey(h), JSON.stringify(object)));
  }
  const today = dayKeyOf(NOW);
  const months = new Map<string, MonthObject>();
  for (let k = 0; k <= 31; k++) {
    const d = addDays(today, -k);
    const start = Date.parse(`${d}T00:00:00Z`);
    const hours = Array.from({ length: 24 }, (_, h) => ({
      h: hourKeyOf(start + h * HOUR_MS),
      m: Object.fromEntries(ids.map((id) => [id, rollupAt(start + h * HOUR_MS)])),
    }));
    const rollup = Object.fromEntries(ids.map((id) => [id, rollupAt(start + (k % 24) * HOUR_MS)]));
    if (k <= 8) puts.push(env.HISTORY.put(dayObjectKey(d), JSON.stringify({ v: 1, d, rollup, hours } satisfies DayObject)));
    const month = months.get(monthKeyOf(d)) ?? { v: 1, month: monthKeyOf(d), days: {} };
    month.days[d] = rollup;
    months.set(month.month, month);
  }
  for (const month of months.values()) puts.push(env.HISTORY.put(monthObjectKey(month.month), JSON.stringify(month)));
  // summary.json: 90 days, one with a problem every few days, as a long-lived monitor's bar.
  const days = Array.from({ length: 90 }, (_, i) => addDays(today, i - 90));
  const counts = (i: number): Counts => (i % 4 === 0 ? [1400, 20, 20, 0, 0] : [1440, 0, 0, 0, 0]);
  const monitors = Object.fromEntries(
    ids.map((id) => [id, { uptime90d: 99.5, uptime: days.map(() => 99.9), counts: days.map((_, i) => counts(i)) }]),
  );
  puts.push(env.HISTORY.put(SUMMARY_KEY, JSON.stringify({ v: 1, through: days.at(-1)!, days, monitors } satisfies HistorySummary)));
  await Promise.all(puts);
}

/** Ten incidents of the gateway (one open), with long titles and updates: the most the page lists. */
const incidents = Array.from({ length: 10 }, (_, i) =>
  incident({
    id: `gw-2099010${i}T000000Z`,
    monitorIds: ["gw"],
    title: `API gateway answers slowly and then not at all for clients of the inference API (${i})`,
    status: i === 0 ? "open" : "resolved",
    startedAt: minutesAgo(i * 1500 + 90),
    resolvedAt: i === 0 ? null : minutesAgo(i * 1500 + 30),
    durationMs: i === 0 ? null : 60 * MINUTE,
  }),
);

async function seedAll(): Promise<void> {
  await seedHistory(["gw", "site"]);
  await seedLatest(
    {
      gw: stored(
        { status: "degraded", latencyMs: 420, message: "HTTP 200 from 10.0.0.7:8443 in 420 ms; slower than 400 ms" },
        minutesAgo(0),
      ),
      site: stored({ status: "up" }, minutesAgo(0)),
    },
    incidents,
    minutesAgo(0),
    { uptime: { gw: { "24h": 99.93, "7d": 99.95, "30d": 99.9, "90d": 99.5 }, site: { "24h": 100, "7d": 100, "30d": 100, "90d": 100 } } },
  );
}

/** The R2 bucket, counting every key read. */
function countingBucket(reads: string[]): R2Bucket {
  return new Proxy(env.HISTORY, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (prop === "get" || prop === "head" || prop === "list") reads.push(String(args[0]));
        return value.apply(target, args);
      };
    },
  });
}

describe("GET /monitors/:id", () => {
  it("shows a monitor checked by real ticks: state, message, uptime, charts from the coordinator's live hour, links", async () => {
    const bindings = envWith(localPlatformConfig());
    for (const at of [NOW - 2 * HOUR_MS, NOW - HOUR_MS, NOW]) {
      await fireCron(bindings, at);
      await runJobs({ config: configOf(JSON.parse(bindings.EDGEWATCH_CONFIG!)) });
    }
    const home = await (await faceGet(bindings, "/")).text();
    expect(home).toContain('<a class="nm" href="/monitors/ai-worker">AI worker</a>');
    const response = await faceGet(bindings, "/monitors/ai-worker");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=UTF-8");
    const markup = await response.text();
    expect(markup).toContain("<title>AI worker · AI Platform status</title>");
    expect(markup).toContain('<div class="hd mh s-degraded"><h1 class="nm">AI worker</h1><span class="st">Degraded</span></div>');
    expect(markup).toMatch(/<p class="msg">HTTP 200 in \d+ ms; slower than 50 ms<\/p>/);
    // Three ticks: the 24-hour chart has them (two archived hours and the coordinator's current one), and the
    // degraded line at 50 ms is to scale.
    const day = /<section class="ch" aria-labelledby="c24h">([\s\S]*?)<\/section>/.exec(markup)![1]!;
    expect(day).toMatch(/<title>Response time over 24 hours: median \d+ ms, 95th percentile up to \d+ ms<\/title>/);
    expect(day).toMatch(/<path class="p50" d="M\d+ \d+l0 0M\d+ \d+l0 0M\d+ \d+l0 0"><\/path>/);
    expect(day).toContain('<path class="dl" d="M0 ');
    expect(day).toContain('<li class="kdl">Degraded above 50 ms</li>');
    expect(markup).toContain(
      '<a href="/api/monitors/ai-worker/history">History as JSON</a> · <a href="/badge/ai-worker.svg">Status badge (SVG)</a>',
    );
    expect(markup).not.toContain("127.0.0.1");
    expect(markup).not.toMatch(/<script|\sstyle=|\son\w+=/i);
  });

  it("draws 24 hours of ticks, 7 days of hours and 30 days of days, with p50, p95 and the degraded line", async () => {
    await seedAll();
    const markup = await (await faceGet(envWith(config), "/monitors/gw")).text();
    const charts = [...markup.matchAll(/<section class="ch" aria-labelledby="c(\w+)">([\s\S]*?)<\/section>/g)];
    expect(charts.map((c) => c[1])).toEqual(["24h", "7d", "30d"]);
    for (const [, window, chart] of charts) {
      const [, width] = /<svg viewBox="0 0 (\d+) 100" preserveAspectRatio="none" role="img">/.exec(chart!)!;
      expect(Number(width), window).toBe({ "24h": 570, "7d": 668, "30d": 580 }[window!]);
      // One unbroken stretch each: every slot has a point.
      expect(chart!.match(/<path class="p50" d="M[^M"]+"/), window).not.toBeNull();
      expect(chart!.match(/<path class="p95" d="M[^M"]+"/), window).not.toBeNull();
      expect(chart, window).toMatch(/<path class="dl" d="M0 \d+h\d+"><\/path>/);
      expect(chart, window).toContain('<li class="kdl">Degraded above 400 ms</li>');
      expect(chart, window).toMatch(/<span class="yl" aria-hidden="true">\d+ ms<\/span>/);
    }
    expect(markup).toContain('<ul class="kv"><li><b>99.93%</b>24 hours</li><li><b>99.95%</b>7 days</li>');
    expect(markup).toContain('<ol class="bar" aria-label="Uptime, last 90 days">');
    // Its incidents with how long they lasted, the open one first with how long so far.
    const listed = markup.slice(markup.indexOf("Recent incidents"));
    expect(listed.match(/<li><a href="\/incidents\/gw-/g)).toHaveLength(10);
    expect(listed).toMatch(/Ongoing · Major impact · Since [^<]+ UTC · 1 h 3[01] min so far/);
    expect(listed).toMatch(/Resolved · Major impact · [^<]+ UTC \(1 h\)/);
  });

  it("reads latest.json, summary.json, recent.json and the history objects of each window: a bounded number", async () => {
    await seedAll();
    const reads: string[] = [];
    const response = await faceGet({ ...envWith(config), HISTORY: countingBucket(reads) } as Bindings, "/monitors/gw");
    expect(response.status).toBe(200);
    const hours = new Set<string>();
    for (let t = hourStartMs(hourKeyOf(NOW - 24 * HOUR_MS)); t <= NOW; t += HOUR_MS) hours.add(rawHourKey(hourKeyOf(t)));
    const days = Array.from({ length: 8 }, (_, k) => dayObjectKey(addDays(dayKeyOf(NOW), -k)));
    // The 30 days' months: two, but three on Mar 1 of a year that is not a leap year (from Jan 31).
    const months = new Set(monthsBetween(addDays(dayKeyOf(NOW), -29), dayKeyOf(NOW)).map(monthObjectKey));
    const allowed = new Set([LATEST_KEY, SUMMARY_KEY, RECENT_KEY, ...hours, ...days, ...months]);
    for (const key of reads) expect(allowed.has(key), key).toBe(true);
    expect(new Set(reads).size).toBe(reads.length);
    // The coordinator has no live hour here (no tick ran), so every object is read: the most there can be.
    console.log(`page of a monitor, uncached, with no live hour from the coordinator: ${reads.length} R2 reads`);
    expect(reads.length).toBeLessThanOrEqual(36 + months.size);
    expect(reads).toContain(LATEST_KEY);
  });

  it("weighs under 30 KB with full charts, a busy bar and ten incidents, in every language", async () => {
    await seedAll();
    for (const lang of ["en", "de"]) {
      const response = await faceGet(envWith(config), "/monitors/gw", { headers: { "Accept-Language": lang } });
      const markup = await response.text();
      expect(markup).toContain(`<html lang="${lang}">`);
      const bytes = new TextEncoder().encode(markup).length;
      console.log(`monitor page (${lang}) with full charts, 90 days and 10 incidents: ${bytes} bytes`);
      expect(bytes).toBeLessThanOrEqual(30_000);
      expect(markup).not.toMatch(/<script|\sstyle=|\son\w+=/i);
    }
  });

  it("is cached like the other pages: public for a tick at most, per language, with an ETag", async () => {
    await seedAll();
    const bindings = envWith(config);
    const origin = `http://mon-${crypto.randomUUID().slice(0, 8)}.edgewatch.test`;
    const first = await faceGet(bindings, "/monitors/gw?utm=1", { origin });
    expect(first.headers.get("x-edge-cache")).toBe("miss");
    expect(first.headers.get("cache-control")).toMatch(/^public, max-age=(\d+)$/);
    const maxAge = Number(/max-age=(\d+)/.exec(first.headers.get("cache-control")!)![1]);
    expect(maxAge).toBeGreaterThanOrEqual(1);
    expect(maxAge).toBeLessThanOrEqual(60);
    expect(first.headers.get("content-security-policy")).toMatch(/^default-src 'none'; style-src 'sha256-[^']+'; img-src 'self' data:;/);
    const again = await faceGet(bindings, "/monitors/gw?utm=2", { origin });
    expect(again.headers.get("x-edge-cache")).toBe("hit");
    const german = await faceGet(bindings, "/monitors/gw?utm=3", { origin, headers: { "Accept-Language": "de" } });
    expect(german.headers.get("x-edge-cache")).toBe("miss");
    expect(await german.text()).toContain('<h3 id="c24h">Letzte 24 Stunden</h3>');
    const unchanged = await faceGet(bindings, "/monitors/gw?utm=4", { origin, headers: { "If-None-Match": first.headers.get("etag")! } });
    expect(unchanged.status).toBe(304);
  });

  it("answers 404 with a page for an id the config does not have, and reads nothing for it", async () => {
    await seedAll();
    for (const id of ["nope", "GW", "%3Cscript%3E", "gw%2F..%2Fsite"]) {
      const reads: string[] = [];
      const response = await faceGet({ ...envWith(config), HISTORY: countingBucket(reads) } as Bindings, `/monitors/${id}`);
      expect(response.status, id).toBe(404);
      expect(response.headers.get("content-type")).toBe("text/html; charset=UTF-8");
      expect(response.headers.get("cache-control")).toBe("public, max-age=60");
      const markup = await response.text();
      expect(markup).toContain("<h1>Monitor not found</h1>");
      expect(markup).not.toMatch(/<script/i);
      expect(reads).toEqual([]);
    }
  });

  it("shows only what a visitor may see: a private monitor's addresses never, a public one's target", async () => {
    await seedAll();
    const gw = await (await faceGet(envWith(config), "/monitors/gw")).text();
    expect(gw).not.toMatch(/corp\.example|qs-secret|hdr-secret|X-Api-Key|10\.0\.0\.7/);
    expect(gw).toContain("HTTP 200 from (address hidden) in 420 ms; slower than 400 ms");
    const site = await (await faceGet(envWith(config), "/monitors/site")).text();
    expect(site).toContain("<span>https://www.example.com/</span>");
    expect(site).toContain("No incidents in the last 30 days.");
  });

  it("says a window has no response times rather than drawing an empty chart", async () => {
    await seedLatest({ gw: stored({ status: "down", latencyMs: null }, minutesAgo(0)) });
    const markup = await (await faceGet(envWith(config), "/monitors/gw")).text();
    for (const window of ["Last 24 hours", "Last 7 days", "Last 30 days"])
      expect(markup).toContain(`${window}</h3><p class="mu">No response times in this period.</p>`);
    expect(markup).not.toContain('<svg viewBox="0 0 570');
  });
});
