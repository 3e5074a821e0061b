import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import type { Config } from "../../src/config/schema";
import { addDays, HOUR_MS } from "../../src/history/keys";
import type { Counts, HistorySummary } from "../../src/history/schemas";
import { weeklyOccurrence } from "../../src/incidents/maintenance";
import { formatPercent } from "../../src/read-model/format";
import { localeOf } from "../../src/read-model/locale";
import { maintenanceNotices } from "../../src/read-model/maintenance-notices";
import type { PageCarry } from "../../src/read-model/page-carry";
import { buildPageView, type PageInput } from "../../src/read-model/page-view";
import { sparkline } from "../../src/read-model/sparkline";
import { dayRuns, dayState } from "../../src/read-model/uptime-bar";
import type { LatestView } from "../../src/storage/latest-object";
import type { StoredResult } from "../../src/decide/snapshot";
import { incident, stored } from "../helpers/fixtures";
import { latestView } from "../helpers/monitors";

const NOW = Date.parse("2026-11-28T21:01:17.000Z");
const EN = localeOf("en");
const { dayName, dayRange } = EN;
const TODAY = "2026-11-28";
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const ago = (minutes: number) => iso(NOW - minutes * MIN);

function config(raw: object): Config {
  const parsed = parseConfig({ title: "Status", ...raw });
  if (!parsed.ok) throw new Error(parsed.errors.join("; "));
  return parsed.config;
}

const http = (id: string, name: string, group?: string, extra: object = {}) => ({
  id,
  name,
  type: "http",
  url: `https://${id}.internal.example/health`,
  ...(group ? { group } : {}),
  ...extra,
});

/** A result checked at NOW, unchanged for ten minutes. */
function result(status: StoredResult["status"], fields: Partial<StoredResult> = {}): StoredResult {
  return stored({ status, latencyMs: 50, message: `it is ${status}`, details: {}, since: ago(10), ...fields }, ago(0));
}

function latest(monitors: Record<string, StoredResult>, fields: Record<string, unknown> = {}): LatestView {
  return latestView({ tickAt: ago(0), monitors, ...fields });
}

const input = (fields: Partial<PageInput> & Pick<PageInput, "config">): PageInput => ({
  latest: null,
  carry: null,
  summary: null,
  nowMs: NOW,
  locale: EN,
  ...fields,
});
const up = (n = 1440): Counts => [n, 0, 0, 0, 0];

describe("the 90-day bar", () => {
  it("colours a day by its worst state", () => {
    expect(dayState(null)).toBe("none");
    expect(dayState([0, 0, 0, 0, 5])).toBe("none");
    expect(dayState([10, 0, 0, 0, 5])).toBe("up");
    expect(dayState([10, 0, 0, 3, 0])).toBe("maintenance");
    expect(dayState([10, 2, 0, 3, 0])).toBe("degraded");
    expect(dayState([10, 2, 1, 3, 0])).toBe("down");
  });

  it("merges days alike into runs and keeps every day with a problem on its own, with words for each", () => {
    const days: (Counts | null)[] = new Array(90).fill(null).map((_, i) => (i < 30 ? null : up()));
    days[50] = [1420, 0, 20, 0, 0];
    days[51] = [1400, 40, 0, 0, 0];
    days[60] = [1380, 0, 0, 60, 0];
    days[89] = [1200, 0, 0, 0, 0];
    const first = addDays(TODAY, -89);
    const runs = dayRuns(days, first, TODAY, EN);
    expect(runs.map((r) => [r.start, r.days, r.state, r.uptime, r.label])).toEqual([
      [0, 30, "none", null, "Aug 31 – Sep 29: no data"],
      [30, 20, "up", 100, "Sep 30 – Oct 19: 100%"],
      [50, 1, "down", 98.611, "Oct 20: 98.61%, 20 min down"],
      [51, 1, "degraded", 100, "Oct 21: 100%, 40 min degraded"],
      [52, 8, "up", 100, "Oct 22–29: 100%"],
      [60, 1, "maintenance", 100, "Oct 30: 100%, 1 h maintenance"],
      [61, 29, "up", 100, "Oct 31 – Today: 100%"],
    ]);
    expect(runs.reduce((n, r) => n + r.days, 0)).toBe(90);
  });

  it("names days across a new year with their year", () => {
    expect(dayName("2025-12-30", "2026-01-02")).toBe("Dec 30, 2025");
    expect(dayName("2026-01-02", "2026-01-02")).toBe("Today");
    expect(dayRange("2025-12-03", "2025-12-29", "2026-01-02")).toBe("Dec 3–29, 2025");
    expect(dayRange("2025-12-30", "2026-01-01", "2026-01-02")).toBe("Dec 30, 2025 – Jan 1");
    expect(dayRange("2026-01-01", "2026-01-02", "2026-01-02")).toBe("Jan 1 – Today");
  });

  it("rounds percentages down, so a day with a failure never reads 100%", () => {
    expect(formatPercent(100)).toBe("100%");
    expect(formatPercent(99.999)).toBe("99.99%");
    expect(formatPercent(97.916)).toBe("97.91%");
    expect(formatPercent(0)).toBe("0%");
  });

  it("takes the 89 days before today from summary.json and today from the carry (finished hours and the current hour)", () => {
    const summary = summaryThrough(addDays(TODAY, -1), { gw: (daysAgo) => (daysAgo === 1 ? [1430, 0, 10, 0, 0] : up()) });
    const carry = carryWith({
      today: { d: TODAY, m: { gw: { c: [600, 0, 0, 0, 0] } } },
      hour: {
        h: "2026-11-28T21",
        ids: ["gw"],
        ticks: [
          [0, "x", [null]],
          [60_000, "u", [40]],
        ],
      },
    });
    const view = buildPageView(input({ config: config({ monitors: [http("gw", "Gateway")] }), summary, carry }));
    const runs = view.groups[0]!.monitors[0]!.days;
    expect(runs.at(-2)).toMatchObject({ start: 88, days: 1, state: "down", label: "Nov 27: 99.30%, 10 min down" });
    expect(runs.at(-1)).toMatchObject({ start: 89, days: 1, state: "down", uptime: 99.834, label: "Today: 99.83%, 1 min down" });
    expect(runs[0]).toMatchObject({ start: 0, days: 88, state: "up", label: "Aug 31 – Nov 26: 100%" });
    expect(view.bar).toEqual({ first: "2026-08-31", last: TODAY });
  });

  it("places summary days by their date when summary.json lags, and the carry's day when no tick has run today yet", () => {
    // The summary ends three days ago; the carry still holds yesterday (the day has not rolled over).
    const summary = summaryThrough(addDays(TODAY, -3), { gw: () => up() });
    const carry = carryWith({
      today: { d: addDays(TODAY, -1), m: { gw: { c: [0, 0, 30, 0, 0] } } },
      hour: { h: "2026-11-27T23", ids: ["gw"], ticks: [] },
    });
    const runs = buildPageView(input({ config: config({ monitors: [http("gw", "Gateway")] }), summary, carry })).groups[0]!.monitors[0]!
      .days;
    expect(runs.map((r) => [r.start, r.days, r.state])).toEqual([
      [0, 87, "up"],
      [87, 1, "none"],
      [88, 1, "down"],
      [89, 1, "none"],
    ]);
    expect(runs[1]!.label).toBe("Nov 26: no data");
  });
});

describe("the latency sparkline", () => {
  it("draws the median of each of the last 24 hours and of the current hour, with gaps", () => {
    const hours = [1, 2, 3, 5].map((back) => ({
      h: iso(NOW - back * HOUR_MS).slice(0, 13),
      m: { gw: [60, 0, 0, 0, 0, 100 * back, 0, 0] },
    }));
    // An hour older than 24 hours is left out.
    hours.unshift({ h: iso(NOW - 30 * HOUR_MS).slice(0, 13), m: { gw: [60, 0, 0, 0, 0, 9999, 0, 0] } });
    const carry = carryWith({
      hours,
      hour: {
        h: "2026-11-28T21",
        ids: ["other", "gw"],
        ticks: [
          [0, "uu", [1, 30]],
          [60_000, "uu", [1, 50]],
          [120_000, "uu", [1, 10]],
        ],
      },
    });
    const spark = sparkline(carry, "gw", NOW, EN)!;
    expect(spark.points).toHaveLength(25);
    const ms = spark.points.map((p) => (p === null ? null : Math.round(p * 500 * 1.1)));
    expect(ms.slice(-6)).toEqual([500, null, 300, 200, 100, 30]);
    expect(ms.slice(0, 19).every((v) => v === null)).toBe(true);
    expect(spark).toMatchObject({ lastMs: 30, minMs: 30, maxMs: 500, label: "Response time, 24 h: 30 ms to 500 ms" });
  });

  it("falls back to the current hour's checks one by one while there is less than two hours of history", () => {
    const carry = carryWith({
      hour: {
        h: "2026-11-28T21",
        ids: ["gw"],
        ticks: [
          [0, "u", [40]],
          [60_000, "x", [null]],
          [120_000, "u", [80]],
        ],
      },
    });
    const spark = sparkline(carry, "gw", NOW, EN)!;
    expect(spark.points.map((p) => (p === null ? null : Math.round(p * 88)))).toEqual([40, null, 80]);
    expect(spark.label).toBe("Response time, this hour: 40 ms to 80 ms");
  });

  it("is absent without a carry or without a latency", () => {
    expect(sparkline(null, "gw", NOW, EN)).toBeNull();
    expect(sparkline(carryWith({ hour: { h: "2026-11-28T21", ids: ["gw"], ticks: [[0, "x", [null]]] } }), "gw", NOW, EN)).toBeNull();
    expect(sparkline(carryWith({}), "unknown", NOW, EN)).toBeNull();
  });
});

describe("monitors and groups", () => {
  const cfg = config({
    monitors: [
      http("a", "A", "Platform"),
      http("b", "B"),
      http("c", "C", "Monitoring"),
      http("d", "D", "Platform"),
      http("e", "E", "Empty"),
    ],
  });

  it("groups monitors in the order of the config, ungrouped ones last, each group with its worst state in words", () => {
    const view = buildPageView(
      input({ config: cfg, latest: latest({ a: result("down"), b: result("up"), c: result("up"), d: result("degraded") }) }),
    );
    expect(view.groups.map((g) => [g.name, g.monitors.map((m) => m.id), g.status, g.statusText])).toEqual([
      ["Platform", ["a", "d"], "down", "1 down, 1 degraded"],
      ["Monitoring", ["c"], "up", "Operational"],
      ["Empty", ["e"], "unknown", "No data"],
      [null, ["b"], "up", "Operational"],
    ]);
    expect(view.groups[0]!.monitors[0]).toMatchObject({
      name: "A",
      status: "down",
      statusText: "Down",
      message: "it is down",
      latencyMs: 50,
      target: null,
      tlsDaysLeft: null,
    });
    expect(view.banner).toEqual({ state: "partial_outage", text: "Partial outage" });
  });

  it("says there is no data yet rather than that all is well, before the first tick", () => {
    const view = buildPageView(input({ config: cfg }));
    expect(view.banner).toEqual({ state: "unknown", text: "No data yet" });
    expect(view).toMatchObject({ stale: true, staleMinutes: null, updatedAt: null });
  });

  it("counts the minutes since the last tick when stale", () => {
    const view = buildPageView(input({ config: cfg, latest: latest({ a: result("up") }, { tickAt: ago(17) }) }));
    expect(view).toMatchObject({ stale: true, staleMinutes: 17, updatedAt: ago(17) });
    expect(buildPageView(input({ config: cfg, latest: latest({ a: result("up") }) })).stale).toBe(false);
  });

  it("shows where a monitor points only when it is marked public, without credentials or query values", () => {
    const c = config({
      monitors: [http("pub", "Public", undefined, { url: "https://u:p@www.example.com/health?token=t0k" }), http("priv", "Private")],
    });
    (c.monitors[0] as { public?: boolean }).public = true;
    const tls = { id: "cert", name: "Cert", type: "tls", host: "db.example.com", port: 5432, public: true };
    const hidden = { id: "cert2", name: "Cert 2", type: "tls", host: "secret.example.com", port: 443 };
    c.monitors.push(tls as unknown as Config["monitors"][number], hidden as unknown as Config["monitors"][number]);
    const monitors = buildPageView(
      input({
        config: c,
        latest: latest({
          cert: result("up", { type: "tls", details: { daysLeft: 12.7 } }),
          priv: result("up", { details: { daysLeft: 5 } }),
        }),
      }),
    ).groups[0]!.monitors;
    expect(monitors.map((m) => [m.id, m.target, m.tlsDaysLeft])).toEqual([
      ["pub", "https://www.example.com/health?token=redacted", null],
      ["priv", null, null],
      ["cert", "db.example.com:5432", 12],
      ["cert2", null, null],
    ]);
  });
});

describe("incidents", () => {
  const cfg = config({ monitors: [http("gw", "Gateway"), http("db", "Database")] });

  it("lists open incidents newest first with their updates newest first, naming the monitors still configured", () => {
    const older = incident({
      id: "gw-1",
      monitorIds: ["gw", "removed"],
      title: "T",
      startedAt: ago(50),
      acknowledgedAt: ago(40),
      updates: [
        { at: ago(49), status: "investigating", message: "first" },
        { at: ago(20), status: "identified", message: "second" },
      ],
    });
    const newer = incident({ id: "db-1", monitorIds: ["db"], title: "T", startedAt: ago(5), flapping: true, updates: [] });
    const view = buildPageView(input({ config: cfg, latest: latest({}, { incidents: { tracks: {}, incidents: [older, newer] } }) }));
    expect(view.openIncidents.map((i) => i.id)).toEqual(["db-1", "gw-1"]);
    expect(view.openIncidents[1]).toMatchObject({ monitors: ["Gateway"], acknowledged: true, flapping: false, cause: "HTTP 500" });
    expect(view.openIncidents[1]!.updates.map((u) => u.message)).toEqual(["second", "first"]);
    expect(view.openIncidents[0]!.flapping).toBe(true);
  });

  it("lists the incidents resolved in the last 30 days by the day they started, newest first", () => {
    const resolved = (id: string, startedMinutesAgo: number) =>
      incident({
        id,
        monitorIds: ["gw"],
        title: "T",
        status: "resolved",
        startedAt: ago(startedMinutesAgo),
        resolvedAt: ago(startedMinutesAgo - 10),
        durationMs: 10 * MIN,
        updates: [],
      });
    const incidents = [
      resolved("a", 60),
      resolved("b", 120),
      resolved("c", 3 * 1440),
      resolved("old", 31 * 1440),
      incident({ id: "open", monitorIds: ["gw"], title: "T", startedAt: ago(30), updates: [] }),
    ];
    const view = buildPageView(input({ config: cfg, latest: latest({}, { incidents: { tracks: {}, incidents } }) }));
    expect(view.pastIncidents.map((d) => [d.day, d.incidents.map((i) => i.id)])).toEqual([
      [TODAY, ["a", "b"]],
      [addDays(TODAY, -3), ["c"]],
    ]);
    expect(view.pastMore).toBe(0);
  });

  it("lists at most 15 past incidents, and says how many more there were", () => {
    const incidents = Array.from({ length: 18 }, (_, k) =>
      incident({
        id: `gw-${k}`,
        monitorIds: ["gw"],
        title: "T",
        status: "resolved",
        startedAt: ago(1440 * k + 60),
        resolvedAt: ago(1440 * k + 50),
        durationMs: 10 * MIN,
        updates: [],
      }),
    );
    const view = buildPageView(input({ config: cfg, latest: latest({}, { incidents: { tracks: {}, incidents } }) }));
    expect(view.pastIncidents.flatMap((d) => d.incidents.map((i) => i.id))).toEqual(incidents.slice(0, 15).map((i) => i.id));
    expect(view.pastMore).toBe(3);
  });
});

describe("maintenance notices", () => {
  const monitors = [http("db", "Database", "Data"), http("prom", "Prometheus", "Monitoring")];

  it("lists windows in progress first, then those to come soonest first, with what they affect", () => {
    const cfg = config({
      monitors,
      maintenance: [
        { id: "later", title: "Later", monitors: ["db"], start: iso(NOW + 2 * 86_400_000), end: iso(NOW + 2 * 86_400_000 + HOUR_MS) },
        { id: "now", title: "Now", groups: ["Data"], start: ago(30), end: iso(NOW + 30 * MIN) },
        { id: "past", title: "Past", monitors: ["db"], start: ago(300), end: ago(200) },
        { id: "soon", title: "Soon", monitors: ["prom", "db"], start: iso(NOW + HOUR_MS), end: iso(NOW + 2 * HOUR_MS) },
      ],
    });
    expect(maintenanceNotices(cfg, NOW, EN)).toEqual([
      { id: "now", title: "Now", active: true, startsAt: ago(30), endsAt: iso(NOW + 30 * MIN), recurrence: null, monitors: ["Database"] },
      {
        id: "soon",
        title: "Soon",
        active: false,
        startsAt: iso(NOW + HOUR_MS),
        endsAt: iso(NOW + 2 * HOUR_MS),
        recurrence: null,
        monitors: ["Database", "Prometheus"],
      },
      {
        id: "later",
        title: "Later",
        active: false,
        startsAt: iso(NOW + 2 * 86_400_000),
        endsAt: iso(NOW + 2 * 86_400_000 + HOUR_MS),
        recurrence: null,
        monitors: ["Database"],
      },
    ]);
  });

  it("shows a weekly window's occurrence in progress, or its next one in its own clock across a DST change", () => {
    const weekly = { days: ["sun" as const], start: "23:30", durationMinutes: 60, timezone: "Europe/Berlin" };
    // Wednesday 21 October 2026 (CEST, UTC+2); Sunday the 25th is in CET (UTC+1) after the clocks go back.
    expect(weeklyOccurrence(weekly, Date.parse("2026-10-21T12:00:00Z"))).toEqual({
      start: Date.parse("2026-10-25T22:30:00Z"),
      end: Date.parse("2026-10-25T23:30:00Z"),
    });
    // In progress: Sunday 29 November 2026, 23:45 in Berlin.
    expect(weeklyOccurrence(weekly, Date.parse("2026-11-29T22:45:30Z"))).toEqual({
      start: Date.parse("2026-11-29T22:30:00Z"),
      end: Date.parse("2026-11-29T23:30:00Z"),
    });
    // Several days: the soonest.
    expect(
      weeklyOccurrence({ ...weekly, days: ["mon", "sat"], timezone: "UTC", start: "02:00" }, Date.parse("2026-11-28T21:01:00Z")).start,
    ).toBe(Date.parse("2026-11-30T02:00:00Z"));

    const cfg = config({ monitors, maintenance: [{ id: "patch", title: "Weekly patching", groups: ["Monitoring"], weekly }] });
    expect(maintenanceNotices(cfg, Date.parse("2026-11-29T22:45:30Z"), EN)).toEqual([
      {
        id: "patch",
        title: "Weekly patching",
        active: true,
        startsAt: "2026-11-29T22:30:00.000Z",
        endsAt: "2026-11-29T23:30:00.000Z",
        recurrence: "Weekly on Sun at 23:30 (Europe/Berlin) for 1 h",
        monitors: ["Prometheus"],
      },
    ]);
  });

  it("includes the windows added through the admin API, kept in latest.json", () => {
    const cfg = config({ monitors });
    const admin = [{ id: "adhoc", title: "Emergency fix", monitors: ["db"], start: ago(5), end: iso(NOW + 55 * MIN) }];
    const view = buildPageView(input({ config: cfg, latest: latest({}, { adminMaintenance: admin }) }));
    expect(view.maintenance).toMatchObject([{ id: "adhoc", title: "Emergency fix", active: true, monitors: ["Database"] }]);
  });
});

// ---- fixtures ----

function carryWith(parts: Partial<PageCarry>): PageCarry {
  return { hour: { h: "2026-11-28T21", ids: [], ticks: [] }, hours: [], today: { d: TODAY, m: {} }, ...parts };
}

function summaryThrough(through: string, byId: Record<string, (daysAgo: number) => Counts | null>): HistorySummary {
  const days = Array.from({ length: 90 }, (_, i) => addDays(through, i - 89));
  const monitors: HistorySummary["monitors"] = {};
  for (const [id, counts] of Object.entries(byId)) {
    const list = days.map((day) => counts(Math.round((Date.parse(`${TODAY}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / 86_400_000)));
    monitors[id] = { uptime90d: null, uptime: list.map(() => null), counts: list };
  }
  return { v: 1, through, days, monitors };
}
