import { env, reset } from "cloudflare:test";
import { Hono } from "hono";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { advanceHistory } from "../../src/history/advance-history";
import { r2HistoryStore } from "../../src/history/history-store";
import { DAY_MS, dayKeyOf, HOUR_MS, hourKeyOf, monthObjectKey, rawHourKey } from "../../src/history/keys";
import { persistHistory } from "../../src/history/persist-history";
import { exactPercentile } from "../../src/history/rollup";
import type { HistoryCarry, HistoryStatus } from "../../src/history/schemas";
import type { AppEnv } from "../../src/http/app";
import { history } from "../../src/http/history-api";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { envWith } from "../helpers/worker";

const config = {
  title: "Status",
  monitors: [
    { id: "gw", name: "Gateway", type: "http", url: "http://127.0.0.1:9/health" },
    { id: "worker", name: "AI worker", type: "http", url: "http://127.0.0.1:9/health" },
  ],
};
const app = new Hono<AppEnv>().route("/api", history);
const quiet = () => {};

interface Tick {
  at: number;
  status: HistoryStatus;
  latencyMs: number | null;
}

/** gw: mostly up, some down and maintenance, latencies 20–69 ms; worker: always degraded, no latency. */
function gwAt(i: number): Omit<Tick, "at"> {
  return { status: i % 7 === 0 ? "down" : i % 11 === 0 ? "maintenance" : "up", latencyMs: 20 + ((i * 37) % 50) };
}

/** Ticks every 10 minutes from three days ago (at midnight) to a minute ago, through the tick's history step. */
async function seed(): Promise<{ ticks: Tick[]; carry: HistoryCarry }> {
  const store = r2HistoryStore(env.HISTORY);
  const now = Date.now();
  const start = Date.parse(`${dayKeyOf(now - 3 * DAY_MS)}T00:00:00Z`);
  const ticks: Tick[] = [];
  let carry: HistoryCarry | null = null;
  for (let at = start, i = 0; at <= now - 60_000; at += 10 * 60_000, i++) {
    const gw = gwAt(i);
    ticks.push({ at, ...gw });
    carry = advanceHistory(carry, { tickAt: new Date(at).toISOString(), monitors: { gw, worker: { status: "degraded", latencyMs: null } } }).carry;
    carry = await persistHistory(store, carry!, { log: quiet });
  }
  await env.HISTORY.put(LATEST_KEY, JSON.stringify({ version: 1, tickAt: new Date(ticks.at(-1)!.at).toISOString(), durationMs: 1, monitors: {}, kv: null, history: carry }));
  return { ticks, carry: carry! };
}

async function get(path: string, bindings = envWith(config)) {
  const response = await app.request(path, {}, bindings);
  return { response, body: (await response.json()) as Record<string, any> };
}

/** Expected rollup points computed straight from the ticks. */
function rollupsOf(ticks: Tick[], periodOf: (ms: number) => number, fromMs: number, toMs: number) {
  const groups = new Map<number, Tick[]>();
  for (const t of ticks) if (periodOf(t.at) >= periodOf(fromMs) && periodOf(t.at) <= toMs) groups.set(periodOf(t.at), [...(groups.get(periodOf(t.at)) ?? []), t]);
  return [...groups].map(([at, group]) => {
    const count = (s: HistoryStatus) => group.filter((t) => t.status === s).length;
    const latencies = group.map((t) => t.latencyMs!).sort((a, b) => a - b);
    return { at: new Date(at).toISOString(), up: count("up"), degraded: 0, down: count("down"), maintenance: count("maintenance"), unknown: 0, p50: exactPercentile(latencies, 0.5), p95: exactPercentile(latencies, 0.95), max: latencies.at(-1) };
  });
}
const hourOf = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
const dayOf = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

describe("GET /api/monitors/:id/history", () => {
  // Read-only tests share one seeded bucket.
  let seeded: { ticks: Tick[]; carry: HistoryCarry };
  beforeAll(async () => {
    seeded = await seed();
  });
  afterAll(() => reset());

  it("raw: every tick in the range, from hour objects and the carry's current hour", async () => {
    const { ticks } = seeded;
    const from = ticks.at(-140)!.at - 1;
    const to = ticks.at(-1)!.at;
    const { response, body } = await get(`/api/monitors/gw/history?resolution=raw&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`);
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ monitorId: "gw", resolution: "raw", from: new Date(from).toISOString(), to: new Date(to).toISOString(), incomplete: false });
    expect(body.points).toEqual(ticks.slice(-140).map((t) => ({ at: new Date(t.at).toISOString(), status: t.status, latencyMs: t.latencyMs })));
    expect(response.headers.get("access-control-allow-origin")).toBe("*");

    const worker = await get(`/api/monitors/worker/history?resolution=raw&from=${new Date(to - HOUR_MS).toISOString()}`);
    expect(worker.body.points.every((p: any) => p.status === "degraded" && p.latencyMs === null)).toBe(true);
    expect(worker.body.points.length).toBeGreaterThanOrEqual(6);
  });

  it("raw defaults to the last hour", async () => {
    const { body } = await get("/api/monitors/gw/history?resolution=raw");
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(HOUR_MS);
    expect(body.points.length).toBeGreaterThanOrEqual(5);
    expect(body.points.length).toBeLessThanOrEqual(7);
  });

  it("hour (the default): hourly counts and exact percentiles over the last 24 hours, today's hours from the carry", async () => {
    const { response, body } = await get("/api/monitors/gw/history");
    expect(response.status).toBe(200);
    expect(body.resolution).toBe("hour");
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(24 * HOUR_MS);
    const expected = rollupsOf(seeded.ticks, hourOf, Date.parse(body.from), Date.parse(body.to));
    expect(body.points.map(({ uptime, ...rest }: any) => rest)).toEqual(expected);
    expect(body.points.length).toBeGreaterThanOrEqual(24);
    const p = body.points[0];
    expect(p.uptime).toBe(Math.round((p.up / (p.up + p.down)) * 100_000) / 1000);
  });

  it("hour over three days reads the finished days' objects", async () => {
    const from = seeded.ticks[0]!.at;
    const { body } = await get(`/api/monitors/gw/history?resolution=hour&from=${dayKeyOf(from)}`);
    expect(body.points).toHaveLength(new Set(seeded.ticks.map((t) => hourOf(t.at))).size);
    expect(body.points.map(({ uptime, ...rest }: any) => rest)).toEqual(rollupsOf(seeded.ticks, hourOf, from, Date.parse(body.to)));
  });

  it("day: daily counts, exact max and p50/p95 within 2%, today from the carry", async () => {
    const { response, body } = await get("/api/monitors/gw/history?resolution=day");
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(90 * DAY_MS);
    const expected = rollupsOf(seeded.ticks, dayOf, Date.parse(body.from), Date.parse(body.to));
    expect(body.points).toHaveLength(4);
    body.points.forEach((point: any, i: number) => {
      const { p50, p95, ...exact } = expected[i]!;
      expect(point).toMatchObject(exact);
      expect(Math.abs(point.p50 - p50!)).toBeLessThanOrEqual(p50! * 0.02 + 0.5);
      expect(Math.abs(point.p95 - p95!)).toBeLessThanOrEqual(p95! * 0.02 + 0.5);
    });
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
  });

  it("sends a long max-age for a finished range and a short one for a live one", async () => {
    const past = await get(`/api/monitors/gw/history?resolution=hour&from=${dayKeyOf(seeded.ticks[0]!.at)}&to=${new Date(seeded.ticks[0]!.at + DAY_MS).toISOString()}`);
    expect(past.response.headers.get("cache-control")).toBe("public, max-age=3600");
    const live = await get("/api/monitors/gw/history?resolution=raw");
    const maxAge = Number(/max-age=(\d+)/.exec(live.response.headers.get("cache-control") ?? "")?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(5);
    expect(maxAge).toBeLessThanOrEqual(60);
  });

});

describe("GET /api/monitors/:id/history when storage is damaged", () => {
  afterEach(() => reset());

  it("treats corrupt or truncated objects as missing, and a corrupt latest.json as no current hour", async () => {
    const seeded = await seed();
    const from = seeded.ticks[0]!.at;
    const firstHour = hourKeyOf(from);
    await env.HISTORY.put(rawHourKey(firstHour), '{"v":1,"h":"');
    await env.HISTORY.put(monthObjectKey(dayKeyOf(from).slice(0, 7)), "garbage");
    await env.HISTORY.put(LATEST_KEY, '{"version":1,"history":{"v":1,"hour":');
    const raw = await get(`/api/monitors/gw/history?resolution=raw&from=${new Date(from).toISOString()}&to=${new Date(from + 2 * HOUR_MS - 1).toISOString()}`);
    expect(raw.response.status).toBe(200);
    expect(raw.body.points.map((p: any) => p.at)).toEqual(seeded.ticks.filter((t) => hourOf(t.at) === from + HOUR_MS).map((t) => new Date(t.at).toISOString()));
    const day = await get("/api/monitors/gw/history?resolution=day");
    expect(day.response.status).toBe(200);
    expect(day.body.incomplete).toBe(false);
  });

  it("says incomplete, and is not cached long, when R2 reads fail", async () => {
    const failing = new Proxy(env.HISTORY, {
      get: (target, prop) => (prop === "get" ? () => Promise.reject(new Error("R2 is down")) : Reflect.get(target, prop)),
    });
    const { response, body } = await get("/api/monitors/gw/history?resolution=day", { ...envWith(config), HISTORY: failing });
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ incomplete: true, points: [] });
    expect(response.headers.get("cache-control")).toBe("public, max-age=5");
  });

  it("serves hours the tick could not write yet from the carry's queue", async () => {
    const hour = hourOf(Date.now()) - 3 * HOUR_MS;
    let carry: HistoryCarry | null = null;
    for (const at of [hour + 60_000, hour + 120_000, hour + HOUR_MS]) {
      carry = advanceHistory(carry, { tickAt: new Date(at).toISOString(), monitors: { gw: { status: "down", latencyMs: 9 } } }).carry;
    }
    expect(carry!.pending.hours).toHaveLength(1);
    await env.HISTORY.put(LATEST_KEY, JSON.stringify({ history: carry }));
    const raw = await get(`/api/monitors/gw/history?resolution=raw&from=${new Date(hour).toISOString()}&to=${new Date(hour + HOUR_MS).toISOString()}`);
    expect(raw.body.points).toEqual([
      { at: new Date(hour + 60_000).toISOString(), status: "down", latencyMs: 9 },
      { at: new Date(hour + 120_000).toISOString(), status: "down", latencyMs: 9 },
      { at: new Date(hour + HOUR_MS).toISOString(), status: "down", latencyMs: 9 },
    ]);
    const hourly = await get(`/api/monitors/gw/history?resolution=hour&from=${new Date(hour).toISOString()}`);
    expect(hourly.body.points[0]).toMatchObject({ at: new Date(hour).toISOString(), down: 2, uptime: 0, p50: 9, max: 9 });
  });
});

describe("GET /api/monitors/:id/history: bad requests", () => {
  afterEach(() => reset());

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
