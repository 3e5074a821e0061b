import { resetBindings } from "../helpers/reset";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { ProbeDeps } from "../../src/probes/types";
import type { CollectedResult } from "../../src/probes/probe-batch";
import fixture from "../fixtures/v1-state.json";
import { probeDeps } from "../helpers/monitors";
import { configOf, runJobs, storedState, testWriter } from "../helpers/writer";

// State as the previous version (the one users have deployed) wrote it: see test/fixtures/v1-state.md.
const config = configOf(fixture.config);
const INCIDENT = "gateway-20261128T104000Z";
const at = (hhmm: string) => Date.parse(`2026-11-28T${hhmm}:00Z`);

async function seedPreviousVersion() {
  for (const [key, { text, customMetadata }] of Object.entries(fixture.r2))
    await env.HISTORY.put(key, text, customMetadata ? { customMetadata } : {});
  for (const [key, value] of Object.entries(fixture.kv)) await env.STATE.put(key, value);
}

const result = (id: string, status: "up" | "down", now: number): CollectedResult => ({
  type: "http",
  monitorId: id,
  status,
  latencyMs: status === "up" ? 41 : 12,
  checkedAt: new Date(now).toISOString(),
  message: status === "up" ? "HTTP 200 in 41 ms" : "HTTP 503 in 12 ms (expected 200-299)",
  details: { statusCode: status === "up" ? 200 : 503, checks: null },
  ...(status === "down" ? { error: { phase: "status", detail: "GET https://api.example.test/health: HTTP 503" } } : {}),
});

afterEach(resetBindings);

describe("the first ticks after an upgrade from the previous version", () => {
  it("carry on with every incident, pending and delivered notification, escalation level and minute of history", async () => {
    await seedPreviousVersion();
    let now = 0;
    const sent: string[] = [];
    const send: ProbeDeps = {
      ...probeDeps({ HOOK_OPS: "https://hooks.example.test/ops" }),
      now: () => now,
      fetch: async (_input, init) => {
        sent.push((JSON.parse(String(init?.body)) as { id: string }).id);
        return new Response("ok");
      },
    };
    const writer = testWriter({ config, send });
    const events: string[] = [];
    // 11:06 to 12:01: the gateway still down until 11:30, then up.
    for (let t = at("11:06"); t <= at("12:01"); t += 60_000) {
      now = t;
      const gateway = t < at("11:30") ? "down" : "up";
      const summary = await writer.tick({
        scheduledTime: t,
        startedAt: t,
        configText: null,
        results: [result("gateway", gateway, t), result("worker", "up", t)],
      });
      if ("errors" in summary) throw new Error(summary.errors.join());
      events.push(...summary.events.map((e) => `${new Date(t).toISOString().slice(11, 16)} ${e.type}`));
      if (t === at("11:06")) {
        const state = await storedState(config);
        // Imported: the open incident with its tracks, the outbox entry with its attempts, the escalation level.
        expect(state.incidents.incidents.map((i) => [i.id, i.status])).toEqual([[INCIDENT, "open"]]);
        expect(state.incidents.tracks.gateway).toMatchObject({ incidentId: INCIDENT });
        expect(state.delivery.outbox).toEqual([
          expect.objectContaining({ key: `${INCIDENT}:escalated:1@ops`, attempts: 4, nextAttemptAt: "2026-11-28T11:11:00.000Z" }),
        ]);
        expect(state.delivery.escalation).toEqual({ [INCIDENT]: 1 });
        expect(Object.keys(state.delivery.done)).toEqual([`${INCIDENT}:opened@ops`]);
      }
      await runJobs({ config, send });
    }
    // The escalation that kept failing is retried when it was due, once; the opening, delivered before, is not sent
    // again; level 1 is not escalated again; the same incident resolves.
    expect(sent).toEqual([`${INCIDENT}:escalated:1`, `${INCIDENT}:resolved`]);
    expect(events).toEqual(["11:31 incident.resolved"]);
    const stored = JSON.parse(await (await env.HISTORY.get(`incidents/8204137599999-${INCIDENT}.json`))!.text());
    expect(stored).toMatchObject({ id: INCIDENT, status: "resolved", startedAt: "2026-11-28T10:40:00.000Z" });

    // History: the hour the previous version could not archive is written now, and hour 11 holds every minute, the
    // six the previous version ticked included.
    const hour10 = JSON.parse(await (await env.HISTORY.get("raw/2026-11-28/10.json"))!.text());
    expect(hour10.ticks.map(([offset]: [number]) => offset / 60_000)).toEqual(Array.from({ length: 20 }, (_, i) => 40 + i));
    const hour11 = JSON.parse(await (await env.HISTORY.get("raw/2026-11-28/11.json"))!.text());
    expect(hour11.ticks).toHaveLength(60);
    expect(hour11.rollup.gateway.slice(0, 5)).toEqual([30, 0, 30, 0, 0]);
    // Uptime counts the previous version's minutes: 20 down in hour 10, 30 down and 30 up in hour 11, 2 up now.
    const latest = JSON.parse(await (await env.HISTORY.get("latest.json"))!.text());
    expect(latest.v).toBe(3);
    expect(latest.uptime.gateway[0]).toBeCloseTo((32 / 82) * 100, 2);
  });

  it("with latest.json unreadable, keeps the open incident from the KV copy", async () => {
    await seedPreviousVersion();
    await env.HISTORY.put("latest.json", '{"version":1,"tickAt":"2026');
    const writer = testWriter({
      config,
      send: { ...probeDeps({ HOOK_OPS: "https://hooks.example.test/ops" }), fetch: async () => new Response("ok") },
    });
    const t = at("11:06");
    const summary = await writer.tick({
      scheduledTime: t,
      startedAt: t,
      configText: null,
      results: [result("gateway", "down", t), result("worker", "up", t)],
    });
    if ("errors" in summary) throw new Error(summary.errors.join());
    expect(summary.events).toEqual([]);
    const state = await storedState(config);
    expect(state.incidents.incidents.map((i) => [i.id, i.status])).toEqual([[INCIDENT, "open"]]);
  });
});
