import { resetBindings } from "../helpers/reset";
import { env, reset } from "cloudflare:test";
import { Hono } from "hono";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { coordinatorOf } from "../../src/coordinator/coordinator";
import { DAY_MS, dayKeyOf, HOUR_MS, hourKeyOf, monthObjectKey, rawHourKey } from "../../src/history/keys";
import { exactPercentile } from "../../src/history/rollup";
import type { HistoryCarry, HistoryStatus } from "../../src/history/schemas";
import type { AppEnv } from "../../src/http/app";
import { history } from "../../src/http/history-api";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { failingBucket, resultOf, type Said, storesWith } from "../coordinator/history-fixtures";
import { probeDeps } from "../helpers/monitors";
import { envWith } from "../helpers/worker";
import { configOf, runJobs, storedState, testWriter } from "../helpers/writer";

/**
 * Ticks every 10 minutes from three days ago (at midnight) to a minute ago. gw: mostly up, some down, and in
 * maintenance now and then (a window of one minute around the tick), latencies 20–69 ms; worker: always degraded, no
 * latency.
 */
const NOW = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
const TICKS: number[] = [];
for (let at = Date.parse(`${dayKeyOf(NOW - 3 * DAY_MS)}T00:00:00Z`); at <= NOW - 60_000; at += 10 * 60_000) TICKS.push(at);
const gwSays = (i: number): Said => [i % 7 === 0 ? "down" : "up", 20 + ((i * 37) % 50)];
const gwShows = (i: number): HistoryStatus => (i % 7 === 0 ? "down" : i % 11 === 0 ? "maintenance" : "up");

const config = {
  title: "Status",
  monitors: [
    { id: "gw", name: "Gateway", type: "http", url: "http://127.0.0.1:9/health" },
    { id: "worker", name: "AI worker", type: "http", url: "http://127.0.0.1:9/health" },
  ],
  maintenance: TICKS.flatMap((at, i) =>
    gwShows(i) === "maintenance" ? [{ id: `patch-${i}`, title: "Patching", monitors: ["gw"], start: iso(at), end: iso(at + 60_000) }] : [],
  ),
};
const configText = JSON.stringify(config);
const app = new Hono<AppEnv>().route("/api", history);

interface Tick {
  at: number;
  status: HistoryStatus;
  latencyMs: number | null;
}

/** Waits until the coordinator's alarm has run every archive job. */
async function archived(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await storedState(configOf(config))).meta.jobs.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("archive jobs still queued");
}

/** The ticks from `fromMs` on, through the coordinator over RPC as the cron sends them; its own alarm archives them. */
async function seed(fromMs = TICKS[0]!): Promise<Tick[]> {
  const coordinator = coordinatorOf(env);
  const ticks: Tick[] = [];
  for (const [i, at] of TICKS.entries()) {
    if (at < fromMs) continue;
    ticks.push({ at, status: gwShows(i), latencyMs: gwSays(i)[1] });
    const results = [resultOf("gw", gwSays(i), at), resultOf("worker", ["degraded", null], at)];
    const summary = await coordinator.tick({ scheduledTime: at, startedAt: Date.now(), configText, results });
    if ("errors" in summary) throw new Error(summary.errors.join("; "));
    // As in real time, an hour's archive is done long before the next hour's; the day's prune (which goes by the
    // clock, not by the simulated minute) then finds nothing it should keep.
    if (summary.jobs) await archived();
  }
  return ticks;
}

async function get(path: string, bindings = envWith(config)) {
  const response = await app.request(path, {}, bindings);
  return { response, body: (await response.json()) as Record<string, any> };
}

/** Expected rollup points computed straight from the ticks. */
function rollupsOf(ticks: Tick[], periodOf: (ms: number) => number, fromMs: number, toMs: number) {
  const groups = new Map<number, Tick[]>();
  for (const t of ticks)
    if (periodOf(t.at) >= periodOf(fromMs) && periodOf(t.at) <= toMs)
      groups.set(periodOf(t.at), [...(groups.get(periodOf(t.at)) ?? []), t]);
  return [...groups].map(([at, group]) => {
    const count = (s: HistoryStatus) => group.filter((t) => t.status === s).length;
    const latencies = group.map((t) => t.latencyMs!).sort((a, b) => a - b);
    return {
      at: new Date(at).toISOString(),
      up: count("up"),
      degraded: 0,
      down: count("down"),
      maintenance: count("maintenance"),
      unknown: 0,
      p50: exactPercentile(latencies, 0.5),
      p95: exactPercentile(latencies, 0.95),
      max: latencies.at(-1),
    };
  });
}
const hourOf = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
const dayOf = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

describe("GET /api/monitors/:id/history", () => {
  // Read-only tests share one seeded bucket and coordinator.
  let seeded: Tick[];
  beforeAll(async () => {
    seeded = await seed();
  }, 180_000);
  afterAll(() => reset());

  it("raw: every tick in the range, from hour objects and the coordinator's current hour", async () => {
    const from = seeded.at(-140)!.at - 1;
    const to = seeded.at(-1)!.at;
    const { response, body } = await get(`/api/monitors/gw/history?resolution=raw&from=${iso(from)}&to=${iso(to)}`);
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ monitorId: "gw", resolution: "raw", from: iso(from), to: iso(to), incomplete: false });
    expect(body.points).toEqual(seeded.slice(-140).map((t) => ({ at: iso(t.at), status: t.status, latencyMs: t.latencyMs })));
    expect(response.headers.get("access-control-allow-origin")).toBe("*");

    const worker = await get(`/api/monitors/worker/history?resolution=raw&from=${iso(to - HOUR_MS)}`);
    expect(worker.body.points.every((p: any) => p.status === "degraded" && p.latencyMs === null)).toBe(true);
    expect(worker.body.points.length).toBeGreaterThanOrEqual(6);
  });

  it("raw defaults to the last hour", async () => {
    const { body } = await get("/api/monitors/gw/history?resolution=raw");
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(HOUR_MS);
    expect(body.points.length).toBeGreaterThanOrEqual(5);
    expect(body.points.length).toBeLessThanOrEqual(7);
  });

  it("hour (the default): hourly counts and exact percentiles over the last 24 hours, today's hours from the coordinator", async () => {
    const { response, body } = await get("/api/monitors/gw/history");
    expect(response.status).toBe(200);
    expect(body.resolution).toBe("hour");
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(24 * HOUR_MS);
    const expected = rollupsOf(seeded, hourOf, Date.parse(body.from), Date.parse(body.to));
    expect(body.points.map(({ uptime, ...rest }: any) => rest)).toEqual(expected);
    expect(body.points.length).toBeGreaterThanOrEqual(24);
    const p = body.points[0];
    expect(p.uptime).toBe(Math.round((p.up / (p.up + p.down)) * 100_000) / 1000);
  });

  it("hour over three days reads the finished days' objects", async () => {
    const from = seeded[0]!.at;
    const { body } = await get(`/api/monitors/gw/history?resolution=hour&from=${dayKeyOf(from)}`);
    expect(body.points).toHaveLength(new Set(seeded.map((t) => hourOf(t.at))).size);
    expect(body.points.map(({ uptime, ...rest }: any) => rest)).toEqual(rollupsOf(seeded, hourOf, from, Date.parse(body.to)));
  });

  it("day: daily counts, exact max and p50/p95 within 2%, today from the coordinator", async () => {
    const { response, body } = await get("/api/monitors/gw/history?resolution=day");
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(90 * DAY_MS);
    const expected = rollupsOf(seeded, dayOf, Date.parse(body.from), Date.parse(body.to));
    // Three days and today, but in a day's first minute (the ticks stop a minute ago) today has no tick yet.
    expect(body.points).toHaveLength(new Set(seeded.map((t) => dayOf(t.at))).size);
    body.points.forEach((point: any, i: number) => {
      const { p50, p95, ...exact } = expected[i]!;
      expect(point).toMatchObject(exact);
      expect(Math.abs(point.p50 - p50!)).toBeLessThanOrEqual(p50! * 0.02 + 0.5);
      expect(Math.abs(point.p95 - p95!)).toBeLessThanOrEqual(p95! * 0.02 + 0.5);
    });
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
  });

  it("sends a long max-age for a finished range and a short one for a live one", async () => {
    const past = await get(`/api/monitors/gw/history?resolution=hour&from=${dayKeyOf(seeded[0]!.at)}&to=${iso(seeded[0]!.at + DAY_MS)}`);
    expect(past.response.headers.get("cache-control")).toBe("public, max-age=3600");
    const live = await get("/api/monitors/gw/history?resolution=raw");
    const maxAge = Number(/max-age=(\d+)/.exec(live.response.headers.get("cache-control") ?? "")?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(5);
    expect(maxAge).toBeLessThanOrEqual(60);
  });
});

describe("GET /api/monitors/:id/history when storage is damaged", () => {
  afterEach(resetBindings);

  it("treats corrupt or truncated objects as missing; latest.json plays no part", async () => {
    // From 22:00 yesterday: two finished hours and a finished day (with its month) before today's.
    const seeded = await seed(Date.parse(`${dayKeyOf(NOW - DAY_MS)}T22:00:00Z`));
    const from = seeded[0]!.at;
    await env.HISTORY.put(rawHourKey(hourKeyOf(from)), '{"v":1,"h":"');
    await env.HISTORY.put(monthObjectKey(dayKeyOf(from).slice(0, 7)), "garbage");
    await env.HISTORY.put(LATEST_KEY, '{"v":2,"monitors":');
    const raw = await get(`/api/monitors/gw/history?resolution=raw&from=${iso(from)}&to=${iso(from + 2 * HOUR_MS - 1)}`);
    expect(raw.response.status).toBe(200);
    expect(raw.body.points.map((p: any) => p.at)).toEqual(seeded.filter((t) => hourOf(t.at) === from + HOUR_MS).map((t) => iso(t.at)));
    const day = await get("/api/monitors/gw/history?resolution=day");
    expect(day.response.status).toBe(200);
    expect(day.body.incomplete).toBe(false);
    const current = await get(`/api/monitors/gw/history?resolution=raw&from=${iso(hourOf(seeded.at(-1)!.at))}`);
    expect(current.body.points.at(-1)).toEqual({
      at: iso(seeded.at(-1)!.at),
      status: seeded.at(-1)!.status,
      latencyMs: seeded.at(-1)!.latencyMs,
    });
  }, 120_000);

  it("says incomplete, and is not cached long, when R2 reads fail", async () => {
    const failing = new Proxy(env.HISTORY, {
      get: (target, prop) => (prop === "get" ? () => Promise.reject(new Error("R2 is down")) : Reflect.get(target, prop)),
    });
    const { response, body } = await get("/api/monitors/gw/history?resolution=day", { ...envWith(config), HISTORY: failing });
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ incomplete: true, points: [] });
    expect(response.headers.get("cache-control")).toBe("public, max-age=5");
  });

  it("says incomplete when the coordinator cannot answer, and still serves what R2 holds", async () => {
    await env.HISTORY.put(
      rawHourKey(hourKeyOf(NOW - 2 * HOUR_MS)),
      JSON.stringify({
        v: 1,
        h: hourKeyOf(NOW - 2 * HOUR_MS),
        ids: ["gw"],
        ticks: [[0, "x", [9]]],
        rollup: { gw: [0, 0, 1, 0, 0, 9, 9, 9] },
      }),
    );
    const unreachable = {
      idFromName: () => ({}),
      get: () => ({ liveHistory: () => Promise.reject(new Error("coordinator overloaded")) }),
    } as unknown as DurableObjectNamespace;
    const { response, body } = await get("/api/monitors/gw/history?resolution=raw&from=" + iso(hourOf(NOW - 2 * HOUR_MS)), {
      ...envWith(config),
      COORDINATOR: unreachable,
    } as never);
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ incomplete: true, points: [{ at: iso(hourOf(NOW - 2 * HOUR_MS)), status: "down", latencyMs: 9 }] });
    expect(response.headers.get("cache-control")).toBe("public, max-age=5");
  });

  it("serves an hour whose archive the writer could not write yet, from the coordinator's counts", async () => {
    // The hour and the next in one UTC day: a tick that starts a day queues that day's archive too.
    const hour = hourOf(NOW) - (hourOf(NOW) % DAY_MS === 2 * HOUR_MS ? 4 : 3) * HOUR_MS;
    // Without the shared config's one-minute maintenance windows: whether one covers hour + 1 h depends on the clock.
    const plain = { ...config, maintenance: [] };
    const stores = storesWith(failingBucket(env.HISTORY, { put: (key) => key.startsWith("raw/") }));
    // The writer's clock runs a year ahead, so the alarm it arms does not fire (with working R2) during the test.
    const options = { config: configOf(plain), stores, send: { ...probeDeps(), now: () => Date.now() + 365 * DAY_MS } };
    for (const at of [hour + 60_000, hour + 120_000, hour + HOUR_MS]) {
      const input = { scheduledTime: at, startedAt: at, configText: JSON.stringify(plain), results: [resultOf("gw", ["down", 9], at)] };
      await testWriter(options).tick(input);
    }
    expect(await runJobs(options)).toBe(0);
    expect((await storedState(configOf(plain))).meta.jobs).toEqual([{ kind: "hour", h: hourKeyOf(hour), step: "raw" }]);
    const hourly = await get(`/api/monitors/gw/history?resolution=hour&from=${iso(hour)}`, envWith(plain));
    // From the raw minutes the coordinator still holds for it: counts and exact percentiles, as the archive will have.
    expect(hourly.body.points[0]).toMatchObject({ at: iso(hour), down: 2, uptime: 0, p50: 9, max: 9 });
    expect(hourly.body.points[1]).toMatchObject({ at: iso(hour + HOUR_MS), down: 1, p50: 9, max: 9 });
    const raw = await get(`/api/monitors/gw/history?resolution=raw&from=${iso(hour + HOUR_MS)}`, envWith(plain));
    expect(raw.body.points).toEqual([{ at: iso(hour + HOUR_MS), status: "down", latencyMs: 9 }]);
  });

  for (const [failing, step] of [
    ["days/", "object"],
    ["months/", "month"],
  ] as const)
    it(`serves yesterday at day resolution while its month object is not written (${failing} puts fail)`, async () => {
      const d = dayKeyOf(NOW - 2 * DAY_MS);
      const midnight = dayOf(NOW - DAY_MS);
      const plain = { ...config, maintenance: [] };
      const stores = storesWith(failingBucket(env.HISTORY, { put: (key) => key.startsWith(failing) }));
      // The writer's clock runs a year ahead, so the alarm it arms does not fire (with working R2) during the test.
      const options = { config: configOf(plain), stores, send: { ...probeDeps(), now: () => Date.now() + 365 * DAY_MS } };
      const says: Array<[number, Said]> = [
        [midnight - 20 * 60_000, ["down", 9]],
        [midnight - 10 * 60_000, ["down", 9]],
        [midnight, ["up", 5]],
      ];
      for (const [at, said] of says) {
        const input = { scheduledTime: at, startedAt: at, configText: JSON.stringify(plain), results: [resultOf("gw", said, at)] };
        await testWriter(options).tick(input);
      }
      expect(await runJobs(options)).toBe(step === "object" ? 2 : 3);
      expect((await storedState(configOf(plain))).meta.jobs).toEqual([{ kind: "day", d, step }]);
      const daily = await get(`/api/monitors/gw/history?resolution=day&from=${d}`, envWith(plain));
      expect(daily.body.incomplete).toBe(false);
      expect(daily.body.points).toEqual([
        { at: iso(midnight - DAY_MS), up: 0, degraded: 0, down: 2, maintenance: 0, unknown: 0, uptime: 0, p50: 9, p95: 9, max: 9 },
        { at: iso(midnight), up: 1, degraded: 0, down: 0, maintenance: 0, unknown: 0, uptime: 100, p50: 5, p95: 5, max: 5 },
      ]);
      const hourly = await get(`/api/monitors/gw/history?resolution=hour&from=${iso(midnight - HOUR_MS)}`, envWith(plain));
      expect(hourly.body.points[0]).toMatchObject({ at: iso(midnight - HOUR_MS), down: 2, p50: 9, max: 9 });
    });

  it("serves what a previous version's latest.json held, imported by the coordinator on its first call", async () => {
    const hour = hourOf(NOW) - 2 * HOUR_MS;
    const carry: HistoryCarry = {
      v: 1,
      hour: { h: hourKeyOf(hour + HOUR_MS), ids: ["gw"], ticks: [[60_000, "x", [9]]] },
      hours: [{ h: hourKeyOf(hour), m: { gw: [0, 0, 2, 0, 0, 9, 9, 9] } }],
      today: { d: dayKeyOf(hour + HOUR_MS), m: {} },
      windows: null,
      pending: { hours: [], days: [] },
      pruned: { raw: null, days: null },
    };
    await env.HISTORY.put(
      LATEST_KEY,
      JSON.stringify({ version: 1, tickAt: iso(hour + HOUR_MS + 60_000), durationMs: 1, monitors: {}, kv: null, history: carry }),
    );
    const hourly = await get(`/api/monitors/gw/history?resolution=hour&from=${iso(hour)}`);
    expect(hourly.body.points).toEqual([
      { at: iso(hour), up: 0, degraded: 0, down: 2, maintenance: 0, unknown: 0, uptime: 0, p50: 9, p95: 9, max: 9 },
      { at: iso(hour + HOUR_MS), up: 0, degraded: 0, down: 1, maintenance: 0, unknown: 0, uptime: 0, p50: 9, p95: 9, max: 9 },
    ]);
    const raw = await get(`/api/monitors/gw/history?resolution=raw&from=${iso(hour + HOUR_MS)}`);
    expect(raw.body.points).toEqual([{ at: iso(hour + HOUR_MS + 60_000), status: "down", latencyMs: 9 }]);
  });
});

describe("GET /api/monitors/:id/history: bad requests", () => {
  afterEach(resetBindings);

  it("404 for a monitor that is not configured", async () => {
    const { response, body } = await get("/api/monitors/nope/history");
    expect(response.status).toBe(404);
    expect(body).toEqual({ error: "unknown monitor", parameter: "id" });
  });

  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const cases: Array<[string, string, RegExp]> = [
    ["?from=yesterday", "from", /ISO 8601/],
    ["?to=2026-13-01", "to", /ISO 8601|not a real date/],
    ["?from=2026-02-30", "from", /not a real date/],
    ["?from=2026-02-03T25:00:00Z", "from", /not a real time/],
    ["?resolution=minute", "resolution", /raw, hour or day/],
    [`?from=${iso(now)}&to=${iso(now - HOUR_MS)}`, "from", /after to/],
    [`?resolution=raw&from=${iso(now - 25 * HOUR_MS)}&to=${iso(now)}`, "from", /too large for resolution=raw: at most 24 hours/],
    [`?resolution=hour&from=${iso(now - 32 * DAY_MS)}`, "from", /at most 31 days/],
    [`?resolution=day&from=2024-01-01&to=2026-01-01`, "from", /at most 400 days/],
  ];
  for (const [query, parameter, message] of cases) {
    it(`400 naming ${parameter} for ${query}`, async () => {
      const { response, body } = await get(`/api/monitors/gw/history${query}`);
      expect(response.status).toBe(400);
      expect(body.parameter).toBe(parameter);
      expect(body.error).toMatch(message);
    });
  }

  it("accepts dates, offsets and empty parameters, and answers an empty bucket with no points", async () => {
    const day = await get("/api/monitors/gw/history?resolution=day&from=2026-01-01&to=2026-03-01");
    expect(day.response.status).toBe(200);
    expect(day.body).toMatchObject({ from: "2026-01-01T00:00:00.000Z", to: "2026-03-01T00:00:00.000Z", points: [] });
    const offset = await get("/api/monitors/gw/history?resolution=raw&from=2026-01-01T10:00:00%2B02:00&to=2026-01-01T10:30:00Z&");
    expect(offset.body).toMatchObject({ from: "2026-01-01T08:00:00.000Z", to: "2026-01-01T10:30:00.000Z" });
    const empty = await get("/api/monitors/gw/history?from=&to=&resolution=");
    expect(empty.response.status).toBe(200);
    expect(empty.body.resolution).toBe("hour");
  });
});
