import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import type { Config } from "../../src/config/schema";
import { HOUR_MS } from "../../src/history/keys";
import type { RawPoint, RollupPoint } from "../../src/history/points";
import { CHART_SLOTS, latencyChart, rawSlots, rollupSlots } from "../../src/read-model/latency-chart";
import { localeOf } from "../../src/read-model/locale";
import { buildMonitorPageView, type MonitorPageInput } from "../../src/read-model/monitor-page";
import { incident, stored } from "../helpers/fixtures";
import { latestView } from "../helpers/monitors";

const NOW = Date.parse("2096-03-10T12:07:30Z");
const EN = localeOf("en");
const iso = (ms: number) => new Date(ms).toISOString();
const raw = (ms: number, latencyMs: number | null): RawPoint => ({ at: iso(ms), status: latencyMs === null ? "down" : "up", latencyMs });
const rollup = (ms: number, p50: number | null, p95: number | null): RollupPoint => ({
  at: iso(ms),
  up: 60,
  degraded: 0,
  down: 0,
  maintenance: 0,
  unknown: 0,
  uptime: 100,
  p50,
  p95,
  max: p95,
});

function config(raw: object): Config {
  const parsed = parseConfig({ title: "Status", ...raw });
  if (!parsed.ok) throw new Error(parsed.errors.join("; "));
  return parsed.config;
}

describe("the response-time charts", () => {
  it("put every tick of 24 hours in 15-minute slots, the last holding now, each with its p50 and p95", () => {
    const first = CHART_SLOTS["24h"].firstMs(NOW);
    expect(iso(first)).toBe("2096-03-09T12:15:00.000Z");
    const points = [
      ...Array.from({ length: 20 }, (_, i) => raw(first + i * 30_000, 10 + i)), // slot 0: 10..29
      raw(NOW - 60_000, 500), // the last slot
      raw(NOW - 61_000, null), // no response time: no point
      raw(first - 1, 9999), // before the window
    ];
    const { slots, all } = rawSlots(points, NOW);
    expect(slots).toHaveLength(96);
    expect(slots[0]).toEqual({ p50: 19, p95: 28 });
    expect(slots[1]).toEqual({ p50: null, p95: null });
    expect(slots[95]).toEqual({ p50: 500, p95: 500 });
    expect(all).toHaveLength(21);
  });

  it("place hourly and daily rollups by the start of their period", () => {
    const hours = rollupSlots(
      "7d",
      [rollup(Date.parse("2096-03-10T12:00:00Z"), 40, 90), rollup(Date.parse("2096-03-03T13:00:00Z"), 41, 91)],
      NOW,
    );
    expect(hours).toHaveLength(168);
    expect([hours[0], hours[167], hours[100]]).toEqual([
      { p50: 41, p95: 91 },
      { p50: 40, p95: 90 },
      { p50: null, p95: null },
    ]);
    const days = rollupSlots(
      "30d",
      [rollup(Date.parse("2096-02-10T00:00:00Z"), 50, 80), rollup(Date.parse("2096-02-09T00:00:00Z"), 1, 1)],
      NOW,
    );
    expect(days).toHaveLength(30);
    expect(days[0]).toEqual({ p50: 50, p95: 80 });
  });

  it("scale from zero to a round number above the highest point, with the degraded line when it is to scale", () => {
    const slots = [
      { p50: 40, p95: 70 },
      { p50: null, p95: null },
      { p50: 60, p95: 88 },
    ];
    const plain = latencyChart("7d", slots, null, null, EN);
    expect(plain.topMs).toBe(100);
    expect(plain.p50).toEqual([0.4, null, 0.6]);
    expect(plain.p95).toEqual([0.7, null, 0.88]);
    expect(plain.threshold).toBeNull();
    expect(plain.thresholdText).toBeNull();
    expect(plain.summary).toBe("Response time over 7 days: median 40 ms, 95th percentile up to 88 ms");

    const degraded = latencyChart("24h", slots, 55, 150, EN);
    expect(degraded.topMs).toBe(200);
    expect(degraded.threshold).toBe(0.75);
    expect(degraded.thresholdText).toBe("Degraded above 150 ms");
    expect(degraded.summary).toBe("Response time over 24 hours: median 55 ms, 95th percentile up to 88 ms");

    // Far above every point, the line would flatten the chart: it is named, not drawn.
    const far = latencyChart("30d", slots, null, 2000, localeOf("de"));
    expect(far.topMs).toBe(100);
    expect(far.threshold).toBeNull();
    expect(far.thresholdText).toBe("Eingeschränkt ab 2000 ms (oberhalb des Diagramms)");
    expect(far.summary).toBe("Antwortzeit über 30 Tage: Median 40 ms, 95. Perzentil bis 88 ms");

    const empty = latencyChart("24h", [{ p50: null, p95: null }], null, 150, EN);
    expect(empty.topMs).toBeNull();
    expect(empty.summary).toBe("Last 24 hours: No response times in this period.");
  });
});

describe("the page of one monitor", () => {
  const cfg = config({
    monitors: [
      { id: "gw", name: "Gateway", group: "Platform", type: "http", url: "https://gw.internal.example/health", degradedAfterMs: 300 },
      { id: "site", name: "Website", type: "http", url: "https://user:pw@www.example.com/?key=k", public: true },
    ],
  });
  const input = (fields: Partial<MonitorPageInput>): MonitorPageInput => ({
    config: cfg,
    latest: null,
    carry: null,
    summary: null,
    points: { raw: [], hour: [], day: [] },
    id: "gw",
    nowMs: NOW,
    locale: EN,
    ...fields,
  });

  it("is null for a monitor the config does not have", () => {
    expect(buildMonitorPageView(input({ id: "nope" }))).toBeNull();
  });

  it("shows the monitor's state, its uptime over four windows, and its charts with the degraded line", () => {
    const latest = latestView({
      tickAt: iso(NOW),
      monitors: { gw: stored({ status: "degraded", message: "HTTP 200 in 420 ms; slower than 300 ms" }, iso(NOW)) },
      uptime: { gw: { "24h": 100, "7d": 99.5, "30d": null, "90d": 99.979 } },
    });
    const hour = [rollup(Date.parse("2096-03-10T11:00:00Z"), 200, 420)];
    const view = buildMonitorPageView(input({ latest, points: { raw: [raw(NOW - 60_000, 420)], hour, day: [] } }))!;
    expect(view.monitor).toMatchObject({ id: "gw", name: "Gateway", status: "degraded", statusText: "Degraded", target: null });
    expect(view.group).toBe("Platform");
    expect(view.uptime).toEqual([
      { window: "24h", text: "100%" },
      { window: "7d", text: "99.50%" },
      { window: "30d", text: "no data" },
      { window: "90d", text: "99.97%" },
    ]);
    expect(view.charts.map((c) => [c.window, c.topMs, c.threshold, c.thresholdText])).toEqual([
      ["24h", 500, 0.6, "Degraded above 300 ms"],
      ["7d", 500, 0.6, "Degraded above 300 ms"],
      ["30d", null, null, "Degraded above 300 ms"],
    ]);
    expect(view.monitor.days).toHaveLength(1);
  });

  it("shows a public monitor's target without credentials or query values, and a private one's not at all", () => {
    const site = buildMonitorPageView(input({ id: "site" }))!;
    expect(site.monitor.target).toBe("https://www.example.com/?key=redacted");
    expect(buildMonitorPageView(input({ id: "gw" }))!.monitor.target).toBeNull();
  });

  it("lists the monitor's own incidents, open first, then the newest, at most ten", () => {
    const mine = Array.from({ length: 12 }, (_, i) =>
      incident({
        id: `gw-2096030${i % 9}T00000${i % 10}Z`,
        monitorIds: ["gw"],
        title: `Gateway incident ${i}`,
        status: "resolved",
        startedAt: iso(NOW - (i + 2) * HOUR_MS),
        resolvedAt: iso(NOW - (i + 1) * HOUR_MS),
        durationMs: HOUR_MS,
      }),
    );
    const open = incident({ id: "gw-20960310T000000Z", monitorIds: ["gw"], title: "Gateway is down", startedAt: iso(NOW - 20 * HOUR_MS) });
    const other = incident({ id: "site-20960310T000000Z", monitorIds: ["site"], title: "Website is down", startedAt: iso(NOW - 60_000) });
    const latest = latestView({ tickAt: iso(NOW), incidents: { tracks: {}, incidents: [...mine, open, other] } });
    const view = buildMonitorPageView(input({ latest }))!;
    expect(view.incidents.map((i) => i.title)).toEqual(["Gateway is down", ...mine.slice(0, 9).map((i) => i.title)]);
  });
});
