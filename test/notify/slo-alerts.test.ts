import { resetBindings } from "../helpers/reset";
import { afterEach, describe, expect, it } from "vitest";
import { probed } from "../helpers/fixtures";
import { envWith, get } from "../helpers/worker";
import { clockedWriter, configOf } from "../helpers/writer";
import { recorded, recorderUrl, uniquePrefix } from "./fixtures";

afterEach(resetBindings);

// Far ahead of the real clock: no alarm the writer arms fires mid-test.
const T0 = Date.parse("2096-03-01T00:00:00Z");
const minute = (n: number) => T0 + n * 60_000;

/**
 * An API with a 99 % objective (a budget of 1 % of its minutes), and the Workbook's destinations: fast burns page
 * the on-call (PagerDuty), slow burns go to the ticket queue, and a chat takes every other event.
 */
function setup() {
  const prefix = uniquePrefix("slo");
  const raw = {
    title: "t",
    monitors: [{ id: "api", name: "API", type: "http", url: "https://api.example.test/health", slo: { objective: 99, window: "30d" } }],
    notifications: {
      channels: [
        { id: "oncall", type: "pagerduty", routingKeySecret: "PD_KEY", apiUrl: `${recorderUrl()}${prefix}/pd` },
        { id: "tickets", type: "webhook", urlSecret: "TICKETS_URL" },
        { id: "chat", type: "webhook", urlSecret: "CHAT_URL" },
      ],
      routes: [
        { events: ["slo.fast_burn"], channels: ["oncall"] },
        { events: ["slo.slow_burn"], channels: ["tickets"] },
        { channels: ["chat"] },
      ],
    },
  };
  const writer = clockedWriter(configOf(raw), {
    PD_KEY: "R0UT1NGKEY0123456789abcdefABCDEF",
    TICKETS_URL: `${recorderUrl()}${prefix}/tickets`,
    CHAT_URL: `${recorderUrl()}${prefix}/chat`,
  });
  const run = async (from: number, to: number, bad: (m: number) => boolean) => {
    for (let m = from; m < to; m++) await writer.at(minute(m), [probed("api", bad(m) ? "down" : "up", minute(m))]);
  };
  const pages = async () =>
    (await recorded(`${prefix}/pd/`)).map((r) => JSON.parse(r.body) as { dedup_key: string; payload: { summary: string } });
  const hook = async (channel: "tickets" | "chat") =>
    (await recorded(`${prefix}/${channel}`)).map((r) => JSON.parse(r.body) as { event: string; at: string; reason: string });
  return { raw, run, pages, hook };
}

describe("burn-rate alerts", () => {
  it("a fast burn pages once per episode; its slow burn goes only to the ticket route", async () => {
    const { run, pages, hook } = setup();
    // Half an hour good, a 15-minute outage, then good again.
    await run(0, 75, (m) => m >= 30 && m < 45);

    const paged = await pages();
    expect(paged.map((p) => p.dedup_key)).toEqual(["slo:api:slo.fast_burn"]);
    expect(paged[0]?.payload.summary).toMatch(/^\[SLO\] SLO of API: 99% over 30d \(error budget burning 16\.67× over 1h/);
    // Two bad minutes of 32 already burn 6× over the short and long slow windows: the ticket comes first, once.
    const tickets = await hook("tickets");
    expect(tickets.map((e) => [e.event, e.at])).toEqual([["slo.slow_burn", new Date(minute(31)).toISOString()]]);
    expect((await hook("chat")).map((e) => e.event)).toEqual(["incident.opened", "incident.resolved"]);
  });

  it("a slow burn alone goes only to its route, once", async () => {
    const { run, pages, hook } = setup();
    // An hour good, then one bad minute in ten: 10 % of minutes, 10× the sustainable rate, under the fast 14.4×.
    await run(0, 150, (m) => m >= 60 && m % 10 === 0);

    expect(await pages()).toEqual([]);
    const tickets = await hook("tickets");
    expect(tickets.map((e) => [e.event, e.at])).toEqual([["slo.slow_burn", new Date(minute(130)).toISOString()]]);
    expect(tickets[0]?.reason).toMatch(/^error budget burning 6\.11× over 6h \(10× over 30m; alert at 6×\)/);
    // (The chat hears of the flapping incident one bad minute in ten makes, but of no burn.)
    expect((await hook("chat")).filter((e) => e.event.startsWith("slo."))).toEqual([]);
  });

  it("shows attainment, budget left and burn rate in /api/status, /metrics, the Statuspage components and the page", async () => {
    const { raw, run } = setup();
    await run(0, 20, (m) => m === 10);
    const bindings = envWith(raw);
    const status = (await (await get(bindings, "/api/status")).json()) as { slos: unknown[] };
    expect(status.slos).toEqual([
      {
        key: "api",
        name: "API",
        monitorIds: ["api"],
        objective: 99,
        window: "30d",
        latencyMs: null,
        attainment: 95,
        budgetRemaining: -400,
        burnRate: { "5m": 0, "30m": 5, "1h": 5, "6h": 5 },
        burning: null,
      },
    ]);
    const metrics = await (await get(bindings, "/metrics")).text();
    expect(metrics).toContain('edgewatch_slo_objective_ratio{slo="api"} 0.99');
    expect(metrics).toContain('edgewatch_slo_attainment_ratio{slo="api"} 0.95');
    expect(metrics).toContain('edgewatch_slo_error_budget_remaining_ratio{slo="api"} -4');
    expect(metrics).toContain('edgewatch_slo_burn_rate{slo="api",window="1h"} 5');
    const components = (await (await get(bindings, "/api/v2/components.json")).json()) as {
      components: { id: string; description: string }[];
    };
    const text = "99% good minutes over 30d: 95.000% attained, -400.0% of the error budget left, burning 5× over 1 h";
    expect(components.components.find((c) => c.id === "api")?.description).toBe(`SLO: ${text}`);
    const page = await (await get(bindings, "/")).text();
    expect(page).toContain(`<h2 id="slos">Service level objectives</h2>`);
    expect(page).toContain(`<p>${text}</p>`);
  });
});
