import { resetBindings } from "../helpers/reset";
import { env } from "cloudflare:test";
import { jsx } from "hono/jsx";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import type { Config } from "../../src/config/schema";
import type { Bindings } from "../../src/env/deps";
import { addDays, dayKeyOf, HOUR_MS, hourKeyOf, RECENT_KEY, SUMMARY_KEY } from "../../src/history/keys";
import type { Counts, HistorySummary } from "../../src/history/schemas";
import { readPageData } from "../../src/http/page-data";
import { contentSecurityPolicy } from "../../src/http/page-response";
import { BASE_CSS } from "../../src/http/views/layout";
import { StatusPage } from "../../src/http/views/status-page";
import type { Incident } from "../../src/incidents/types";
import type { PageCarry } from "../../src/read-model/page-carry";
import { localeOf } from "../../src/read-model/locale";
import { pageChrome } from "../../src/read-model/page-chrome";
import { buildPageView } from "../../src/read-model/page-view";
import { r2IncidentStore } from "../../src/storage/r2-incident-store";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import type { StoredResult } from "../../src/decide/snapshot";
import { clockClearOfHourEnd } from "../helpers/clock";
import { faceGet } from "../helpers/faces-app";
import { incident, minutesAgo, stored } from "../helpers/fixtures";
import { latestView } from "../helpers/monitors";
import { localPlatformConfig } from "../helpers/targets";
import { envWith, fireCron } from "../helpers/worker";
import { configOf, runJobs } from "../helpers/writer";

// ---- the Worker's own app (through faceGet), where the page is mounted next to the API ----

async function html(bindings: Bindings, path = "/"): Promise<string> {
  const response = await faceGet(bindings, path);
  expect(response.status).toBe(200);
  return response.text();
}

/** The text of the page without tags, spaces folded: what a reader sees. */
const textOf = (markup: string) =>
  markup
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ");

afterEach(resetBindings);

// ---- fixtures: latest.json (with its history carry) and summary.json as the tick writes them ----

// The page reads the clock itself: this file's hours and days (the carry's, the bars') must still be its own.
const NOW = await clockClearOfHourEnd();
const EN = localeOf("en");
const MINUTE = 60_000;
const TODAY = dayKeyOf(NOW);
const at = (minutes: number) => minutesAgo(minutes, NOW);

/** What a monitor's 503 looks like to the probe: the cause of this file's incidents, the message of its down results. */
const CAUSE_503 = { message: "HTTP 503 in 12 ms (expected 200-299)", phase: "status" };

/** A result checked now, unchanged for 30 minutes; a down one answered 503 in 12 ms. */
function result(status: StoredResult["status"], fields: Partial<StoredResult> = {}): StoredResult {
  const latencyMs = status === "down" ? null : 80;
  const message = status === "down" ? CAUSE_503.message : `HTTP 200 in ${latencyMs} ms`;
  return stored({ status, latencyMs, message, since: at(30), ...fields }, at(0));
}

/** The carry's parts the page reads: 24 finished hours (p50 rising from 40 ms) and 30 ticks of the current hour. */
function carryOf(
  ids: string[],
  latency = (id: string, hour: number) => 40 + hour * 2 + ids.indexOf(id),
): PageCarry & Record<string, unknown> {
  const currentHour = hourKeyOf(NOW);
  const hours = Array.from({ length: 24 }, (_, k) => {
    const h = hourKeyOf(NOW - (24 - k) * HOUR_MS);
    return { h, m: Object.fromEntries(ids.map((id) => [id, [60, 0, 0, 0, 0, latency(id, k), latency(id, k) * 2, latency(id, k) * 3]])) };
  });
  const finishedToday = hours.filter((h) => h.h.startsWith(TODAY)).length;
  const ticks: PageCarry["hour"]["ticks"] = Array.from({ length: 30 }, (_, t) => [
    t * MINUTE,
    "u".repeat(ids.length),
    ids.map((id) => latency(id, 24)),
  ]);
  return {
    v: 1,
    hour: { h: currentHour, ids, ticks },
    hours,
    today: { d: TODAY, m: Object.fromEntries(ids.map((id) => [id, { c: [60 * finishedToday, 0, 0, 0, 0], max: 100, b: [] }])) },
    windows: null,
    pending: { hours: [], days: [] },
    pruned: { raw: null, days: null },
  };
}

/** summary.json through yesterday: every day fully up, but where `problem` says otherwise. */
function summaryOf(ids: string[], problem: (id: string, daysAgo: number) => Counts | null = () => null): HistorySummary {
  const through = addDays(TODAY, -1);
  const days = Array.from({ length: 90 }, (_, i) => addDays(through, i - 89));
  const monitors: HistorySummary["monitors"] = {};
  for (const id of ids) {
    const counts = days.map((_, i): Counts => problem(id, 90 - i) ?? [1440, 0, 0, 0, 0]);
    const up = (c: Counts) => c[0] + c[1];
    const pct = (c: Counts) => (up(c) + c[2] === 0 ? null : Math.round((up(c) / (up(c) + c[2])) * 100_000) / 1000);
    const total = counts.reduce<Counts>((s, c) => s.map((v, k) => v + c[k]!) as Counts, [0, 0, 0, 0, 0]);
    monitors[id] = { uptime90d: pct(total), uptime: counts.map(pct), counts };
  }
  return { v: 1, through, days, monitors };
}

async function seed(options: {
  monitors: Record<string, StoredResult>;
  incidents?: Incident[];
  tickAt?: string;
  carry?: unknown;
  summary?: HistorySummary | string | null;
  uptime?: Record<string, Record<"24h" | "7d" | "30d" | "90d", number | null>>;
}): Promise<void> {
  const snapshot = {
    version: 1,
    tickAt: options.tickAt ?? at(0),
    durationMs: 120,
    kv: null,
    incidents: { tracks: {}, incidents: options.incidents ?? [] },
    unsavedIncidents: [],
    monitors: options.monitors,
    uptime: options.uptime ?? {},
    ...(options.carry === undefined ? {} : { history: options.carry }),
  };
  await env.HISTORY.put(LATEST_KEY, JSON.stringify(snapshot));
  if (options.summary)
    await env.HISTORY.put(SUMMARY_KEY, typeof options.summary === "string" ? options.summary : JSON.stringify(options.summary));
}

function parsedConfig(raw: unknown): Config {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error(parsed.errors.join("; "));
  return parsed.config;
}

// ---- a realistic page: 20 monitors in four groups, 90 days, incidents ----

const GROUPS = ["Platform", "Inference", "Data", "Monitoring"];
const NAMES = [
  "API gateway",
  "AI worker",
  "Auth service",
  "Billing API",
  "Web app",
  "Inference API",
  "Embeddings",
  "Model registry",
  "GPU scheduler",
  "Batch jobs",
  "Postgres primary",
  "Postgres replica",
  "Redis cache",
  "Object storage",
  "Search index",
  "Prometheus",
  "Alertmanager",
  "Grafana",
  "Log pipeline",
  "Tracing",
];
const BIG_IDS = NAMES.map((n) => n.toLowerCase().replace(/\s+/g, "-"));
const bigConfig = {
  title: "AI Platform status",
  monitors: NAMES.map((name, i) => ({
    id: BIG_IDS[i],
    name,
    group: GROUPS[Math.floor(i / 5)],
    type: "http",
    url: `https://internal-${i}.corp.example/health?token=qs-secret-${i}`,
    headers: { "X-Api-Key": `hdr-secret-${i}` },
    severity: i === 0 ? "SEV-1" : "SEV-3",
  })),
};
const bigIncidents = [
  incident({
    id: "billing-api-20990101T000000Z",
    monitorIds: ["billing-api"],
    title: "Billing API is down",
    severity: "SEV-2",
    startedAt: at(42),
    cause: CAUSE_503,
    updates: [
      { at: at(40), status: "investigating", message: "Billing API is down: HTTP 503 in 12 ms (expected 200-299)" },
      { at: at(25), status: "identified", message: "A bad deploy of the billing service; rolling back." },
      { at: at(10), status: "monitoring", message: "Rolled back; watching error rates." },
    ],
  }),
  incident({
    id: "embeddings-20990101T000000Z",
    monitorIds: ["embeddings"],
    title: "Embeddings is degraded",
    impact: "minor",
    flapping: true,
    startedAt: at(15),
    cause: CAUSE_503,
    updates: [{ at: at(14), status: "investigating", message: "Embeddings is degraded: HTTP 200 in 2400 ms; slower than 2000 ms" }],
  }),
  ...[1, 2, 4, 6].map((daysAgo, k) =>
    incident({
      id: `${BIG_IDS[k * 3]}-2099010${k}T000000Z`,
      monitorIds: [BIG_IDS[k * 3]!],
      title: `${NAMES[k * 3]} is down`,
      status: "resolved",
      startedAt: at(daysAgo * 1440 + 30),
      resolvedAt: at(daysAgo * 1440),
      durationMs: 30 * MINUTE,
      updates: [
        { at: at(daysAgo * 1440 + 29), status: "investigating", message: `${NAMES[k * 3]} is down: timeout after 10000 ms` },
        { at: at(daysAgo * 1440), status: "resolved", message: `${NAMES[k * 3]} is up again` },
      ],
      cause: CAUSE_503,
    }),
  ),
];

async function seedBig(): Promise<void> {
  const monitors = Object.fromEntries(
    BIG_IDS.map((id) => [id, result(id === "billing-api" ? "down" : id === "embeddings" ? "degraded" : "up")]),
  );
  const uptime = Object.fromEntries(BIG_IDS.map((id, i) => [id, { "24h": 100, "7d": 100, "30d": 99.9, "90d": 99.9 - i / 100 }]));
  // Every monitor has a few bad days: some down, some degraded, one in maintenance.
  const summary = summaryOf(BIG_IDS, (id, daysAgo) => {
    const i = BIG_IDS.indexOf(id);
    if (daysAgo === 3 + i || daysAgo === 40 + i) return [1410, 0, 30, 0, 0];
    if (daysAgo === 20 + (i % 7)) return [1380, 60, 0, 0, 0];
    if (daysAgo === 70 && i % 4 === 0) return [1380, 0, 0, 60, 0];
    return null;
  });
  await seed({ monitors, incidents: bigIncidents, carry: carryOf(BIG_IDS), summary, uptime });
}

const STATES: Record<string, string> = { u: "up", g: "degraded", x: "down", m: "maintenance", n: "none" };
const CELLS = /<li class="([ugxmn])(?: w(\d+))?(?: r)?"><i>([^<]*)<\/i><\/li>/g;
function barsOf(markup: string): { state: string; days: number; label: string }[][] {
  return [...markup.matchAll(/<ol class="bar"[^>]*>([\s\S]*?)<\/ol>/g)].map(([, inner]) =>
    [...inner!.matchAll(CELLS)].map(([, state, span, label]) => ({ state: STATES[state!]!, days: span ? Number(span) : 1, label: label! })),
  );
}

describe("GET / (status page)", () => {
  it("renders a real tick against the local servers: banner, groups, states, messages, sparklines, bars", async () => {
    const bindings = envWith(localPlatformConfig());
    // Two finished hours and this one: the sparklines draw from the hours' medians (recent.json, written by the
    // coordinator's archive jobs), so a new deployment shows its first one once two hours have passed.
    for (const at of [NOW - 2 * HOUR_MS, NOW - HOUR_MS, NOW]) {
      await fireCron(bindings, at);
      await runJobs({ config: configOf(JSON.parse(bindings.EDGEWATCH_CONFIG!)) });
    }
    const response = await faceGet(bindings, "/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=UTF-8");
    const markup = await response.text();
    const text = textOf(markup);

    expect(markup.startsWith('<!doctype html><html lang="en">')).toBe(true);
    expect(markup).toContain('<meta http-equiv="refresh" content="60"/>');
    expect(markup).toContain('<link rel="alternate" type="application/atom+xml" href="/feed.atom" title="Incidents (Atom)"/>');
    expect(markup).toContain('<section class="ban b-partial_outage" aria-label="Overall status">');
    expect(text).toContain("Partial outage");
    expect(text).toMatch(new RegExp(`Updated \\w{3} \\d+, ${new Date(NOW).toISOString().slice(11, 16)} UTC`));
    // Groups in config order, ungrouped monitors last.
    expect([...markup.matchAll(/<h3 class="gh s-(\w+)">([^<]+)<span class="st">([^<]+)<\/span>/g)].map((m) => [m[2], m[1], m[3]])).toEqual([
      ["Platform", "degraded", "1 degraded"],
      ["Monitoring", "up", "Operational"],
      ["Other services", "down", "1 down"],
    ]);
    expect(text).toMatch(/API gateway .*Operational HTTP 200 in \d+ ms/);
    expect(text).toMatch(/AI worker .*Degraded HTTP 200 in \d+ ms; slower than 50 ms/);
    expect(text).toContain("Broken Down connection refused or lost");
    // Sparklines for the monitors with latencies: the two finished hours' medians.
    expect(markup.match(/<span class="lat"><svg/g)).toHaveLength(3);
    expect(markup).toMatch(/<title>Response time, 24 h: \d+ ms( to \d+ ms)?<\/title><path d="M\d+ \d+l[\d -]+"><\/path>/);
    // Four bars of 90 days, today's cell from the carry.
    const bars = barsOf(markup);
    expect(bars).toHaveLength(4);
    for (const bar of bars) expect(bar.reduce((n, c) => n + c.days, 0)).toBe(90);
    // (Three ticks today; fewer, should they straddle midnight UTC: then yesterday is archived, and fully up, it
    // runs into today's cell.)
    const firstDay = dayKeyOf(NOW - 2 * HOUR_MS);
    expect(bars[0]!.at(-1)).toEqual(
      firstDay === TODAY
        ? { state: "up", days: 1, label: "Today: 100%" }
        : { state: "up", days: 2, label: `${EN.dayRange(firstDay, TODAY, TODAY)}: 100%` },
    );
    expect(bars[1]!.at(-1)).toEqual({
      state: "degraded",
      days: 1,
      label: expect.stringMatching(/^Today: 100%, [123] min degraded$/),
    });
    expect(bars[3]!.at(-1)).toEqual({ state: "down", days: 1, label: expect.stringMatching(/^Today: 0%, [123] min down$/) });
    expect(bars[0]![0]).toMatchObject({
      state: "none",
      days: expect.toSatisfy((n: number) => n >= 88),
      label: expect.stringMatching(/: no data$/),
    });
    // The probes' targets appear nowhere.
    expect(markup).not.toContain("127.0.0.1");
    expect(markup).not.toContain("/gateway/health");
  });

  it("shows every overall state in the banner", async () => {
    const config = {
      title: "t",
      monitors: [
        { id: "core", name: "Core", type: "http", url: "https://core.internal.example/", severity: "SEV-1" },
        { id: "a", name: "A", type: "http", url: "https://a.internal.example/" },
        { id: "b", name: "B", type: "http", url: "https://b.internal.example/" },
      ],
    };
    const cases: [Record<string, StoredResult["status"]>, string, string][] = [
      [{ core: "up", a: "up", b: "up" }, "operational", "All systems operational"],
      [{ core: "up", a: "degraded", b: "up" }, "degraded", "Degraded performance"],
      [{ core: "up", a: "down", b: "up" }, "partial_outage", "Partial outage"],
      [{ core: "down", a: "up", b: "up" }, "major_outage", "Major outage"],
      [{ core: "up", a: "maintenance", b: "up" }, "maintenance", "Maintenance in progress"],
    ];
    for (const [statuses, state, words] of cases) {
      await seed({ monitors: Object.fromEntries(Object.entries(statuses).map(([id, s]) => [id, result(s)])) });
      const markup = await html(envWith(config));
      expect(markup).toContain(`<section class="ban b-${state}" aria-label="Overall status">`);
      expect(markup).toContain(`<strong>${words}</strong>`);
      expect(markup).toContain(`<title>${words} · t</title>`);
    }
    await env.HISTORY.delete(LATEST_KEY);
    const none = await html(envWith(config));
    expect(none).toContain('<section class="ban b-unknown" aria-label="Overall status"><svg');
    expect(textOf(none)).toContain("No data yet Not checked yet");
  });

  it("draws 90 days per monitor, each day (or run of days alike) with its date and uptime for hover and screen readers", async () => {
    const ids = ["gw"];
    const summary = summaryOf(ids, (_, daysAgo) =>
      daysAgo === 10
        ? [1420, 0, 20, 0, 0]
        : daysAgo === 9
          ? [1400, 40, 0, 0, 0]
          : daysAgo === 5
            ? [1380, 0, 0, 60, 0]
            : daysAgo > 60
              ? null
              : null,
    );
    // No data before 60 days ago: as a new monitor's summary has.
    for (let i = 0; i <= 30; i++) {
      summary.monitors.gw!.counts[i] = null;
      summary.monitors.gw!.uptime[i] = null;
    }
    await seed({
      monitors: { gw: result("up") },
      carry: carryOf(ids),
      summary,
      uptime: { gw: { "24h": 100, "7d": 100, "30d": 99.958, "90d": 99.979 } },
    });
    const markup = await html(
      envWith({ title: "t", monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://gw.internal.example/" }] }),
    );
    const [bar] = barsOf(markup);
    const day = (daysAgo: number) => {
      const d = addDays(TODAY, -daysAgo);
      const name = `${["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][Number(d.slice(5, 7)) - 1]} ${Number(d.slice(8, 10))}`;
      return d.slice(0, 4) === TODAY.slice(0, 4) ? name : `${name}, ${d.slice(0, 4)}`;
    };
    // A run's label: `Aug 31 – Sep 29` across months, `Nov 9–24` within one, `Dec 24–26, 2025` within one of another
    // year (exact words in page-view.test.ts).
    const range = (from: number, to: number, words: string) => {
      const within = to !== 0 && addDays(TODAY, -from).slice(0, 7) === addDays(TODAY, -to).slice(0, 7);
      const last = Number(addDays(TODAY, -to).slice(8, 10));
      return `${within ? day(from).replace(/^\w{3} \d+/, (first) => `${first}–${last}`) : `${day(from)} – ${to === 0 ? "Today" : day(to)}`}: ${words}`;
    };
    expect(bar).toEqual([
      { state: "none", days: 30, label: range(89, 60, "no data") },
      { state: "up", days: 49, label: range(59, 11, "100%") },
      { state: "down", days: 1, label: `${day(10)}: 98.61%, 20 min down` },
      { state: "degraded", days: 1, label: `${day(9)}: 100%, 40 min degraded` },
      { state: "up", days: 3, label: range(8, 6, "100%") },
      { state: "maintenance", days: 1, label: `${day(5)}: 100%, 1 h maintenance` },
      { state: "up", days: 5, label: range(4, 0, "100%") },
    ]);
    expect(markup).toContain('<ol class="bar" aria-label="Uptime, last 90 days">');
    // Runs span their days in the grid; cells in the right half open their tooltip to the left.
    expect(markup).toContain(".w30{grid-column:span 30}");
    expect(markup).toContain(".w49{grid-column:span 49}");
    expect(markup).toContain('<li class="x r"><i>');
    expect(markup).toContain('<p class="ax">99.97% uptime</p>');
  });

  it("draws a 24-hour latency sparkline as inline SVG, its numbers in words", async () => {
    await seed({ monitors: { gw: result("up") }, carry: carryOf(["gw"]) });
    const markup = await html(
      envWith({ title: "t", monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://gw.internal.example/" }] }),
    );
    const svg =
      /<span class="lat"><svg viewBox="0 0 200 48" role="img"><title>([^<]+)<\/title><path d="([^"]+)"><\/path><\/svg>(\d+) ms<\/span>/.exec(
        markup,
      );
    expect(svg).not.toBeNull();
    const [, title, d, lastMs] = svg!;
    expect(title).toBe("Response time, 24 h: 40 ms to 88 ms");
    // 25 hourly points (24 finished hours and the current one), 8 apart, rising left to right: one move, 24 lines.
    expect(d).toMatch(/^M4 \d+l8[ -]\d+( 8[ -]\d+){23}$/);
    const [, y0] = /^M4 (\d+)/.exec(d!)!;
    const moves = d!
      .slice(d!.indexOf("l") + 1)
      .match(/-?\d+/g)!
      .map(Number);
    expect(moves.filter((_, i) => i % 2 === 0)).toEqual(new Array(24).fill(8));
    const rise = moves.filter((_, i) => i % 2 === 1).reduce((sum, dy) => sum + dy, 0);
    expect(rise).toBeLessThan(0);
    expect(Number(y0) + rise).toBeGreaterThanOrEqual(4);
    expect(lastMs).toBe("88");
  });

  it("shows open incidents with their timeline, newest update first, and the last 30 days' incidents by day", async () => {
    await seedBig();
    const markup = await html(envWith(bigConfig));
    const text = textOf(markup);
    const open = text.slice(text.indexOf("Active incidents"), text.indexOf("Services"));
    expect(open).toContain("Billing API is down Ongoing Major impact · SEV-2 · Since");
    expect(open).toContain("Affects Billing API");
    expect(open.indexOf("Monitoring – Rolled back")).toBeLessThan(open.indexOf("Identified – A bad deploy"));
    expect(open.indexOf("Identified – A bad deploy")).toBeLessThan(open.indexOf("Investigating – Billing API is down"));
    expect(open).toContain("Embeddings is degraded Ongoing Flapping Minor impact");
    expect(markup).toContain('<a href="/incidents/billing-api-20990101T000000Z">Billing API is down</a>');
    expect(markup.match(/<article class="inc i-/g)).toHaveLength(2);

    const past = text.slice(text.indexOf("Past incidents"));
    for (const [k, daysAgo] of [1, 2, 4, 6].entries()) {
      expect(past).toContain(`${NAMES[k * 3]} is down`);
      expect(past).toContain(`(30 min) · Affects ${NAMES[k * 3]} Resolved – ${NAMES[k * 3]} is up again`);
      // The year of the day it is listed under, the day it started: half an hour before NOW's time of day, so in a
      // day's first half hour the day before.
      expect(past).toContain(at(daysAgo * 1440 + 30).slice(0, 4));
    }
    expect(past.indexOf(`${NAMES[0]} is down`)).toBeLessThan(past.indexOf(`${NAMES[9]} is down`));
    expect(markup.match(/<h3 class="day">/g)!.length).toBeGreaterThanOrEqual(4);
  });

  it("leaves out incidents resolved more than 30 days ago, and says when there were none", async () => {
    const old = incident({
      id: "gw-20990101T000000Z",
      monitorIds: ["gw"],
      title: "Old one",
      status: "resolved",
      startedAt: at(31 * 1440 + 60),
      resolvedAt: at(31 * 1440),
      durationMs: 60 * MINUTE,
      cause: CAUSE_503,
      updates: [{ at: at(19), status: "investigating", message: "Something is down: HTTP 503" }],
    });
    await seed({ monitors: { gw: result("up") }, incidents: [old] });
    const text = textOf(
      await html(envWith({ title: "t", monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://gw.internal.example/" }] })),
    );
    expect(text).not.toContain("Old one");
    expect(text).not.toContain("Active incidents");
    expect(text).toContain("Past incidents No incidents in the last 30 days.");
  });

  it("shows certificate days left for tls monitors", async () => {
    // The config schema does not know tls monitors yet: the view is built from a config as it will parse.
    const config = {
      ...parsedConfig({ title: "t", monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://gw.internal.example/" }] }),
    };
    config.monitors = [
      ...config.monitors,
      {
        id: "cert",
        name: "status.example.com certificate",
        type: "tls",
        host: "status.example.com",
        port: 443,
      } as unknown as Config["monitors"][number],
      {
        id: "old",
        name: "old.example.com certificate",
        type: "tls",
        host: "old.example.com",
        port: 443,
      } as unknown as Config["monitors"][number],
    ];
    const latest = latestView({
      version: 1,
      tickAt: at(0),
      durationMs: 1,
      kv: null,
      monitors: {
        gw: result("up", { details: { daysLeft: 3 } }),
        cert: result("up", {
          type: "tls",
          message: "certificate valid, TLSv1.3",
          details: { daysLeft: 23, notAfter: "2099-01-01T00:00:00Z" },
        }),
        old: result("down", { type: "tls", message: "certificate expired", details: { daysLeft: -2 } }),
      },
    });
    const view = buildPageView({ config, latest, carry: null, summary: null, nowMs: NOW, locale: EN });
    const markup = await jsx(StatusPage, { view, chrome: pageChrome(config, EN), css: BASE_CSS, nowMs: NOW }).toString();
    const text = textOf(markup);
    expect(text).toContain("status.example.com certificate Operational certificate valid, TLSv1.3 · certificate expires in 23 days");
    expect(text).toContain("old.example.com certificate Down certificate expired · certificate expired 2 days ago");
    // Only tls monitors: an http monitor's details say nothing about certificates.
    expect(text).not.toMatch(/\b3 days/);
  });

  it("shows maintenance in progress and to come, from the config's windows", async () => {
    // The weekly window's day three days on: never in progress while the page reads the clock, as a fixed day's is for
    // an hour a week (Sunday at 23:30 in Berlin was 22:30-23:30 UTC on Sundays in winter).
    const weekday = (["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const)[new Date(NOW + 3 * 86_400_000).getUTCDay()]!;
    const config = {
      title: "t",
      monitors: [
        { id: "db", name: "Database", group: "Data", type: "http", url: "https://db.internal.example/" },
        { id: "prom", name: "Prometheus", group: "Monitoring", type: "http", url: "https://prom.internal.example/" },
      ],
      maintenance: [
        { id: "db-upgrade", title: "Database upgrade", monitors: ["db"], start: at(30), end: new Date(NOW + 30 * MINUTE).toISOString() },
        {
          id: "later",
          title: "Storage migration",
          monitors: ["db"],
          start: new Date(NOW + 2 * 86_400_000).toISOString(),
          end: new Date(NOW + 2 * 86_400_000 + HOUR_MS).toISOString(),
        },
        { id: "done", title: "Finished work", monitors: ["db"], start: at(300), end: at(200) },
        {
          id: "patching",
          title: "Weekly patching",
          groups: ["Monitoring"],
          weekly: { days: [weekday], start: "23:30", durationMinutes: 60, timezone: "Europe/Berlin" },
        },
      ],
    };
    await seed({
      monitors: { db: result("maintenance", { message: "maintenance (Database upgrade): HTTP 200 in 5 ms" }), prom: result("up") },
    });
    const text = textOf(await html(envWith(config)));
    expect(text).toContain("Maintenance in progress: Database upgrade Until");
    expect(text).toContain("Affects Database");
    // Two days on is next year's on Dec 30 and 31: a date and time names it `Jan 1 2027, 10:00 UTC`.
    expect(text).toMatch(/Scheduled maintenance: Storage migration \w{3} \d+( \d{4})?, \d\d:\d\d UTC to/);
    expect(text).toMatch(
      new RegExp(
        `Scheduled maintenance: Weekly patching .* · Weekly on ${EN.t.weekdaysShort[weekday]} at 23:30 \\(Europe/Berlin\\) for 1 h · Affects Prometheus`,
      ),
    );
    expect(text).not.toContain("Finished work");
    expect(text.indexOf("Database upgrade")).toBeLessThan(text.indexOf("Storage migration"));
  });

  it("warns when the results are stale, and not otherwise", async () => {
    const bindings = envWith({ title: "t", monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://gw.internal.example/" }] });
    await seed({ monitors: { gw: result("up") }, tickAt: at(0) });
    expect(await html(bindings)).not.toContain("out of date");
    // Ten minutes before the page reads the clock: at(10) is on NOW's minute, and with NOW's seconds and the file's
    // time since, the page may count eleven.
    await seed({ monitors: { gw: result("up") }, tickAt: new Date(Date.now() - 10 * MINUTE).toISOString() });
    const text = textOf(await html(bindings));
    expect(text).toContain("These results may be out of date. The last check ran 10 minutes ago; checks normally run every minute.");
    await env.HISTORY.delete(LATEST_KEY);
    expect(textOf(await html(bindings))).toContain("No check has completed yet, or the latest results could not be read.");
  });

  it("renders hostile names, messages and incident texts inert", async () => {
    const XSS = "<img src=x onerror=alert(1)>";
    const HOSTILE = "]]><script>alert('x')</script></style><style>body{display:none}</style> & \"q\"";
    const config = {
      title: `Status <script>alert(1)</script>`,
      monitors: [{ id: "evil", name: XSS, group: `</h3><script>alert(2)</script>`, type: "http", url: "https://evil.internal.example/" }],
      maintenance: [
        {
          id: "m",
          title: `${XSS} maintenance`,
          monitors: ["evil"],
          start: new Date(NOW + HOUR_MS).toISOString(),
          end: new Date(NOW + 2 * HOUR_MS).toISOString(),
        },
      ],
    };
    const open = incident({
      id: "evil-20990101T000000Z",
      monitorIds: ["evil"],
      title: `${XSS} is down`,
      startedAt: at(20),
      cause: { message: HOSTILE, phase: "status" },
      updates: [{ at: at(5), status: "investigating", message: `${XSS} is down: ${HOSTILE}` }],
    });
    await seed({ monitors: { evil: result("down", { message: HOSTILE }) }, incidents: [open], carry: carryOf(["evil"]) });
    for (const path of ["/", "/incidents/evil-20990101T000000Z"]) {
      const markup = await html(envWith(config), path);
      expect(markup).not.toMatch(/<img/i);
      expect(markup).not.toMatch(/<script/i);
      expect(markup.match(/<style/g)).toHaveLength(1);
      expect(markup.match(/<\/style>/g)).toHaveLength(1);
      expect(markup).toContain("&lt;img src=x onerror=alert(1)&gt;");
      expect(markup).toContain("]]&gt;&lt;script&gt;");
      expect(textOf(markup)).toContain(`${XSS} is down`);
    }
  });

  it("never shows a monitor's URL, host, query or header values", async () => {
    await seedBig();
    const markup = await html(envWith(bigConfig));
    expect(markup).not.toMatch(/corp\.example|internal-\d|qs-secret|hdr-secret|X-Api-Key/);
    // No link or resource leaves the page's host.
    expect(markup).not.toMatch(/\s(src|srcset|action)=/);
    for (const [, href] of markup.matchAll(/\shref="([^"]*)"/g)) expect(href).toMatch(/^(\/|data:image\/svg\+xml,)/);
  });

  it("shows the target of a monitor marked public, without credentials or query values", async () => {
    const config = parsedConfig({
      title: "t",
      monitors: [
        { id: "site", name: "Website", type: "http", url: "https://user:pw@www.example.com/health?key=k-secret", public: true },
        {
          id: "private",
          name: "Private",
          type: "http",
          url: "https://private.internal.example/health",
          headers: { Authorization: "Bearer b-secret" },
        },
      ],
    });
    const view = buildPageView({ config, latest: null, carry: null, summary: null, nowMs: NOW, locale: EN });
    const markup = await jsx(StatusPage, { view, chrome: pageChrome(config, EN), css: BASE_CSS, nowMs: NOW }).toString();
    expect(markup).toContain("https://www.example.com/health?key=redacted");
    expect(markup).not.toMatch(/user:pw|k-secret|private\.internal|b-secret|Authorization/);
  });

  it("sends a strict CSP (no script; the one stylesheet by hash), nosniff, a referrer policy, caching and an ETag", async () => {
    await seedBig();
    const bindings = envWith(bigConfig);
    const response = await faceGet(bindings, "/");
    const markup = await response.text();
    const css = /<style>([\s\S]*?)<\/style>/.exec(markup)![1]!;
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(css)));
    const hash = btoa(String.fromCharCode(...digest));
    expect(response.headers.get("content-security-policy")).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(response.headers.get("content-security-policy")).not.toContain("unsafe");
    expect(markup).not.toMatch(/<script|\sstyle=|\son\w+=/i);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("cache-control")).toMatch(/^public, max-age=(\d+)$/);
    const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get("cache-control")!)![1]);
    expect(maxAge).toBeGreaterThanOrEqual(5);
    expect(maxAge).toBeLessThanOrEqual(60);
    const tag = response.headers.get("etag");
    expect(tag).toMatch(/^"[0-9a-f]+"$/);
    const origin = "http://etag.status.test";
    const first = await faceGet(bindings, "/", { origin });
    const again = await faceGet(bindings, "/", { headers: { "If-None-Match": first.headers.get("etag")! }, origin });
    expect(again.status).toBe(304);
    // Mounted at `/`, the page adds none of its headers to the API.
    const apiResponse = await faceGet(bindings, "/api/status");
    expect(apiResponse.status).toBe(200);
    expect(apiResponse.headers.get("content-security-policy")).toBeNull();
    expect(apiResponse.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await contentSecurityPolicy(css)).toBe(response.headers.get("content-security-policy"));
  });

  it("weighs at most 30 KB for 20 monitors with 90 days of history and incidents, in every language", async () => {
    await seedBig();
    for (const lang of ["en", "de"]) {
      const response = await faceGet(envWith(bigConfig), "/", { headers: { "Accept-Language": lang } });
      const markup = await response.text();
      expect(markup).toContain(`<html lang="${lang}">`);
      const bytes = new TextEncoder().encode(markup).length;
      const css = new TextEncoder().encode(/<style>([\s\S]*?)<\/style>/.exec(markup)![1]!).length;
      const bars = barsOf(markup);
      console.log(
        `status page (${lang}) for 20 monitors, 90 days, 6 incidents: ${bytes} bytes (CSS ${css}, ${bars.flat().length} bar cells)`,
      );
      expect(bars).toHaveLength(20);
      for (const bar of bars) expect(bar.reduce((n, c) => n + c.days, 0)).toBe(90);
      expect(markup.match(/<span class="lat"><svg/g)).toHaveLength(20);
      expect(bytes).toBeLessThanOrEqual(30_000);
    }
  });

  it("reads latest.json and summary.json and nothing else", async () => {
    await seedBig();
    const keys: string[] = [];
    const bucket = new Proxy(env.HISTORY, {
      get(target, prop) {
        const value = Reflect.get(target, prop);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          keys.push(`${String(prop)} ${typeof args[0] === "string" ? args[0] : ""}`);
          return value.apply(target, args);
        };
      },
    });
    const kvCalls: string[] = [];
    const kv = new Proxy(env.STATE, { get: (target, prop) => (kvCalls.push(String(prop)), Reflect.get(target, prop)) });
    const data = await readPageData({ HISTORY: bucket });
    expect(keys.sort()).toEqual([`get ${LATEST_KEY}`, `get ${RECENT_KEY}`, `get ${SUMMARY_KEY}`]);
    expect(data.latest?.monitors["billing-api"]?.status).toBe("down");
    expect(data.carry?.hours).toHaveLength(24);
    expect(data.summary?.days).toHaveLength(90);
    keys.length = 0;
    const response = await faceGet({ ...envWith(bigConfig), HISTORY: bucket, STATE: kv } as Bindings, "/");
    expect(response.status).toBe(200);
    expect(keys.filter((k) => k.startsWith("get") || k.startsWith("list") || k.startsWith("head")).sort()).toEqual([
      `get ${LATEST_KEY}`,
      `get ${RECENT_KEY}`,
      `get ${SUMMARY_KEY}`,
    ]);
    expect(kvCalls).toEqual([]);
  });

  it("survives a corrupt summary and a corrupt carry: no bars' history, no sparklines, the rest as usual", async () => {
    await seed({ monitors: { gw: result("up") }, carry: { v: 1, hour: "nonsense" }, summary: '{"v":1,"through":' });
    const markup = await html(
      envWith({ title: "t", monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://gw.internal.example/" }] }),
    );
    expect(textOf(markup)).toContain("All systems operational");
    expect(markup).not.toContain('<span class="lat">');
    expect(barsOf(markup)[0]).toEqual([
      { state: "none", days: 90, label: expect.stringMatching(/^\w{3} \d+(, \d{4})? – Today: no data$/) },
    ]);
  });

  it("refreshes itself every minute without script, and stops when asked to (?refresh=off)", async () => {
    await seed({ monitors: { gw: result("up") } });
    const bindings = envWith({ title: "t", monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://gw.internal.example/" }] });
    const on = await html(bindings);
    expect(on).toContain('<meta http-equiv="refresh" content="60"/>');
    expect(on).toContain('This page refreshes every minute (<a href="/?refresh=off">stop</a>).');
    const off = await html(bindings, "/?refresh=off");
    expect(off).not.toContain('http-equiv="refresh"');
    expect(off).toContain('Automatic refresh is off (<a href="/">turn it on</a>).');
  });

  it("answers 500, as a page that names no problem, for an invalid config", async () => {
    const response = await faceGet(envWith({ title: "t", monitors: [{ id: "a", name: "A", type: "http", url: "nope" }] }), "/");
    expect(response.status).toBe(500);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = textOf(await response.text());
    expect(text).toContain("Status unavailable");
    expect(text).not.toContain("monitors[0]");
  });
});

describe("GET /incidents/:id", () => {
  const config = {
    title: "AI Platform status",
    monitors: [{ id: "gw", name: "API gateway", type: "http", url: "https://gw.internal.example/" }],
  };

  it("shows an open incident from latest.json with its whole timeline", async () => {
    const open = incident({
      id: "gw-20990101T000000Z",
      monitorIds: ["gw"],
      title: "API gateway is down",
      severity: "SEV-1",
      impact: "critical",
      startedAt: at(30),
      acknowledgedAt: at(20),
      acknowledgedBy: "oncall@example.com",
      cause: CAUSE_503,
      updates: [
        { at: at(29), status: "investigating", message: "API gateway is down: HTTP 503" },
        { at: at(20), status: "identified", message: "Database failover in progress" },
      ],
    });
    await seed({ monitors: { gw: result("down") }, incidents: [open] });
    const response = await faceGet(envWith(config), "/incidents/gw-20990101T000000Z");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect(response.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    const markup = await response.text();
    const text = textOf(markup);
    expect(markup).toContain("<title>API gateway is down · AI Platform status</title>");
    expect(markup).toContain('<a class="site" href="/">AI Platform status</a>');
    expect(markup).toContain("<h1>API gateway is down</h1>");
    expect(text).toContain("Ongoing Acknowledged Critical impact · SEV-1 · Since");
    expect(text).toContain("Affects API gateway");
    expect(text.indexOf("Identified – Database failover in progress")).toBeLessThan(
      text.indexOf("Investigating – API gateway is down: HTTP 503"),
    );
    expect(text).toContain("First seen: HTTP 503 in 12 ms (expected 200-299)");
    // Who acknowledged stays private.
    expect(markup).not.toContain("oncall@example.com");
  });

  it("shows an older incident from its own object in R2", async () => {
    const old = incident({
      id: "gw-20200105T101500Z",
      monitorIds: ["gw"],
      title: "API gateway is down",
      status: "resolved",
      startedAt: "2020-01-05T10:15:00.000Z",
      resolvedAt: "2020-01-05T10:45:00.000Z",
      durationMs: 30 * MINUTE,
      updates: [
        { at: "2020-01-05T10:16:00.000Z", status: "investigating", message: "API gateway is down: timeout after 10000 ms" },
        { at: "2020-01-05T10:45:00.000Z", status: "resolved", message: "API gateway is up again" },
      ],
      cause: CAUSE_503,
    });
    await r2IncidentStore(env.HISTORY).putIncident(old);
    await seed({ monitors: { gw: result("up") } });
    const response = await faceGet(envWith(config), "/incidents/gw-20200105T101500Z");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    const text = textOf(await response.text());
    expect(text).toContain("API gateway is down Resolved Major impact · SEV-3 · Jan 5 2020, 10:15 to 10:45 UTC (30 min)");
    expect(text).toContain("Resolved – API gateway is up again Jan 5 2020, 10:45 UTC");
  });

  it("answers 404 with a page for an unknown or malformed id", async () => {
    await seed({ monitors: { gw: result("up") } });
    for (const id of ["gw-20990101T000000Z", "not-an-id", "%3Cscript%3E"]) {
      const response = await faceGet(envWith(config), `/incidents/${id}`);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toBe("text/html; charset=UTF-8");
      expect(response.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
      const markup = await response.text();
      expect(textOf(markup)).toContain("Incident not found");
      expect(markup).not.toMatch(/<script/i);
    }
  });
});
