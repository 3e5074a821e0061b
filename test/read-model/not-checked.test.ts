import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { localeOf } from "../../src/read-model/locale";
import { buildPageView } from "../../src/read-model/page-view";
import { statusOf } from "../../src/read-model/statuspage";
import { buildStatusView } from "../../src/read-model/status-view";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { latestView } from "../helpers/monitors";
import { resetBindings } from "../helpers/reset";
import { envWith, get } from "../helpers/worker";
import { configOf } from "../helpers/writer";

afterEach(resetBindings);

const raw = { monitors: ["a", "b", "c"].map((id) => ({ id, name: id.toUpperCase(), type: "http", url: `https://${id}.example.test/` })) };
const config = configOf(raw);
const now = Date.now();
const at = new Date(now - 20_000).toISOString();
const result = (status: string, message: string) => ({
  type: "http",
  status,
  latencyMs: status === "up" ? 5 : null,
  checkedAt: at,
  message,
  details: {},
  since: at,
});
const notRun = "not probed this tick: probe shard any/0 failed";

describe("monitors a tick could not check", () => {
  it("never leave the overall status operational, nor Statuspage's indicator none, and the page says how many", () => {
    const latest = latestView({
      tickAt: at,
      monitors: { a: result("up", "HTTP 200 in 5 ms"), b: result("up", "HTTP 200 in 5 ms"), c: result("unknown", notRun) },
    });
    const view = buildStatusView(config, { latest, state: null }, now);
    expect(view).toMatchObject({ status: "degraded", notChecked: 1 });
    expect(statusOf(view.status).indicator).toBe("minor");
    expect(buildPageView({ config, latest, carry: null, summary: null, nowMs: now, locale: localeOf("en") })).toMatchObject({
      banner: { state: "degraded" },
      notChecked: 1,
    });
  });

  it("a monitor not checked yet (a new one waiting for its first minute) is not one of them", () => {
    const latest = latestView({ tickAt: at, monitors: { a: result("up", "HTTP 200 in 5 ms"), b: result("up", "HTTP 200 in 5 ms") } });
    expect(buildStatusView(config, { latest, state: null }, now)).toMatchObject({ status: "operational", notChecked: 0 });
  });

  it("make /health unhealthy when they are most of the monitors", async () => {
    const bindings = envWith({ title: "t", ...raw });
    const seed = (c: string, b: string) =>
      env.HISTORY.put(
        LATEST_KEY,
        JSON.stringify({
          version: 1,
          tickAt: at,
          durationMs: 5,
          kv: null,
          monitors: { a: result("up", "HTTP 200 in 5 ms"), b: result(b, notRun), c: result(c, notRun) },
        }),
      );
    await seed("unknown", "up");
    expect((await get(bindings, "/health")).status).toBe(200);
    await seed("unknown", "unknown");
    const health = await get(bindings, "/health");
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ problems: ["2 of 3 monitors could not be checked"] });
  });
});
