import { resetBindings } from "../helpers/reset";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { HOUR_MS } from "../../src/history/keys";
import { readPageData } from "../../src/http/page-data";
import { localeOf } from "../../src/read-model/locale";
import { buildPageView } from "../../src/read-model/page-view";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import type { CollectedResult } from "../../src/probes/probe-batch";
import { probeDeps } from "../helpers/monitors";
import { configOf, runJobs, storedState, testWriter } from "../helpers/writer";

const config = configOf({ monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://gw.example.test/health" }] });
// Far ahead of the real clock, so the alarm the writer arms does not fire on its own during the test.
const T0 = Date.parse("2096-04-01T10:00:00Z");
const send = { ...probeDeps(), now: () => T0 };

const up = (at: number, latencyMs: number): CollectedResult => ({
  type: "http",
  monitorId: "gw",
  status: "up",
  latencyMs,
  checkedAt: new Date(at).toISOString(),
  message: `HTTP 200 in ${latencyMs} ms`,
  details: { statusCode: 200, checks: null },
});

async function tickAt(at: number, latencyMs: number) {
  const summary = await testWriter({ config, send }).tick({
    scheduledTime: at,
    startedAt: at,
    configText: null,
    results: [up(at, latencyMs)],
  });
  if ("errors" in summary) throw new Error(summary.errors.join());
}

afterEach(resetBindings);

describe("a new deployment's sparklines", () => {
  it("draw the last minutes from latest.json until two hours are archived, then the hours' medians", async () => {
    for (const [i, ms] of [40, 60, 50].entries()) await tickAt(T0 + i * 60_000, ms);
    const early = JSON.parse(await (await env.HISTORY.get(LATEST_KEY))!.text());
    expect(early.warmup).toEqual({ gw: [40, 60, 50] });
    const data = await readPageData(env);
    const spark = buildPageView({ config, ...data, nowMs: T0 + 2 * 60_000, locale: localeOf("en") }).groups[0]!.monitors[0]!.spark;
    expect(spark).toMatchObject({ minMs: 40, maxMs: 60, lastMs: 50, label: "Response time, this hour: 40 ms to 60 ms" });

    // Two hours closed and archived: the medians draw the line, and latest.json stops carrying the minutes.
    await tickAt(T0 + HOUR_MS, 70);
    await tickAt(T0 + 2 * HOUR_MS, 80);
    await runJobs({ config, send });
    await tickAt(T0 + 2 * HOUR_MS + 60_000, 90);
    expect((await storedState(config)).meta.sparkReady).toBe(true);
    const later = JSON.parse(await (await env.HISTORY.get(LATEST_KEY))!.text());
    expect(later.warmup).toBeUndefined();
    const view = buildPageView({ config, ...(await readPageData(env)), nowMs: T0 + 2 * HOUR_MS + 60_000, locale: localeOf("en") });
    expect(view.groups[0]!.monitors[0]!.spark).toMatchObject({ label: "Response time, 24 h: 50 ms to 70 ms" });
  });
});
