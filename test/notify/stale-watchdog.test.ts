import { resetBindings } from "../helpers/reset";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { envWith, get } from "../helpers/worker";
import { recorded, recorderUrl, uniquePrefix } from "./fixtures";

afterEach(resetBindings);

describe("monitor.stale when the ticks stop", () => {
  it("is sent once by /health when the last tick is older than three minutes", async () => {
    const prefix = uniquePrefix("stale");
    const bindings = envWith(
      { title: "t", monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://gw.example.test/health" }], notifications: { channels: [{ id: "ops", type: "webhook", urlSecret: "HOOK" }] } },
      { HOOK: `${recorderUrl()}${prefix}` },
    );
    const tickAt = new Date(Date.now() - 10 * 60_000).toISOString();
    await env.HISTORY.put(LATEST_KEY, JSON.stringify({ version: 1, tickAt, durationMs: 5, monitors: {}, kv: null }));
    expect((await get(bindings, "/health")).status).toBe(503);
    expect((await get(bindings, "/health")).status).toBe(503);
    const sent = (await recorded(prefix)).map((r) => JSON.parse(r.body) as { event: string; reason: string; monitor: string[] });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ event: "monitor.stale" });
    expect(sent[0]!.reason).toMatch(/^no check has run for 10 min/);
  });

  it("sends nothing while ticks land", async () => {
    const prefix = uniquePrefix("fresh");
    const bindings = envWith(
      { title: "t", monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://gw.example.test/health" }], notifications: { channels: [{ id: "ops", type: "webhook", urlSecret: "HOOK" }] } },
      { HOOK: `${recorderUrl()}${prefix}` },
    );
    await env.HISTORY.put(LATEST_KEY, JSON.stringify({ version: 1, tickAt: new Date(Date.now() - 30_000).toISOString(), durationMs: 5, monitors: {}, kv: null }));
    expect((await get(bindings, "/health")).status).toBe(200);
    expect(await recorded(prefix)).toEqual([]);
  });
});
