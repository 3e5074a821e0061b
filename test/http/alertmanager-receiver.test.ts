import { resetBindings } from "../helpers/reset";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, inject, it } from "vitest";
import worker from "../../src/index";
import type { Bindings } from "../../src/env/deps";
import { envWith, fireCron, get } from "../helpers/worker";

const base = `http://127.0.0.1:${inject("httpPort")}`;
const TOKEN = "am-hook-token-42";
const config = {
  title: "t",
  monitors: [
    { id: "api-gateway", name: "API gateway", type: "http", url: `${base}/ok` },
    { id: "grafana", name: "Grafana", type: "http", url: `${base}/grafana/api/health` },
  ],
};

afterEach(resetBindings);

async function post(bindings: Bindings, body: unknown, token: string | null = TOKEN): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request("http://edgewatch.test/api/alertmanager/webhook", { method: "POST", headers, body: JSON.stringify(body) }),
    bindings,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

const alert = (status: "firing" | "resolved", labels: Record<string, string>, fingerprint = "a1b2c3d4e5f60718") => ({
  status,
  labels: { alertname: "HighLatency", severity: "critical", ...labels },
  annotations: { summary: "p95 latency above 5 s at the gateway" },
  startsAt: "2026-11-28T20:00:00Z",
  endsAt: status === "resolved" ? "2026-11-28T20:30:00Z" : "0001-01-01T00:00:00Z",
  generatorURL: "http://prometheus.example.test/graph",
  fingerprint,
});
const payload = (status: "firing" | "resolved", alerts: unknown[]) => ({
  version: "4",
  status,
  receiver: "edgewatch",
  groupKey: '{}:{alertname="HighLatency"}',
  externalURL: "http://am.example.test",
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  truncatedAlerts: 0,
  alerts,
});

describe("POST /api/alertmanager/webhook", () => {
  it("turns a firing alert into an incident on the monitor its label names, once, and resolves it", async () => {
    const bindings = envWith(config, { ALERTMANAGER_TOKEN: TOKEN });
    await fireCron(bindings);
    const firing = payload("firing", [
      alert("firing", { service: "api-gateway" }),
      alert("firing", { service: "unknown-svc" }, "ffff0000ffff0000"),
    ]);
    const first = await post(bindings, firing);
    expect(first.status).toBe(200);
    const id = "api-gateway-am-a1b2c3d4-20261128T200000Z";
    expect(await first.json()).toEqual({ changed: [{ id, status: "open" }], ignored: 1 });
    expect(await (await post(bindings, firing)).json()).toEqual({ changed: [], ignored: 1 });

    await fireCron(bindings, Date.now() + 60_000);
    const open = await (await get(bindings, "/api/status")).json<{ incidents: Record<string, unknown>[] }>();
    expect(open.incidents).toEqual([
      expect.objectContaining({
        id,
        status: "open",
        source: "alertmanager",
        severity: "SEV-2",
        impact: "major",
        title: "API gateway: HighLatency",
        monitorIds: ["api-gateway"],
      }),
    ]);

    const resolved = await post(bindings, payload("resolved", [alert("resolved", { service: "api-gateway" })]));
    expect(await resolved.json()).toEqual({ changed: [{ id, status: "resolved" }], ignored: 0 });
    expect(await (await get(bindings, `/api/incidents/${id}`)).json()).toMatchObject({ status: "resolved" });
  });

  it("takes a fingerprint in either case as the same alert, and stores its incident", async () => {
    const bindings = envWith(config, { ALERTMANAGER_TOKEN: TOKEN });
    await fireCron(bindings);
    const id = "api-gateway-am-abcdef01-20261128T200000Z";
    const upper = await post(bindings, payload("firing", [alert("firing", { service: "api-gateway" }, "ABCDEF0123456789")]));
    expect(await upper.json()).toEqual({ changed: [{ id, status: "open" }], ignored: 0 });
    // Its record was written (an uppercase id was no valid key, so the write threw), and the page can link to it.
    expect(await (await get(bindings, `/api/incidents/${id}`)).json()).toMatchObject({ id, status: "open" });
    expect(
      await (await post(bindings, payload("firing", [alert("firing", { service: "api-gateway" }, "abcdef0123456789")]))).json(),
    ).toEqual({ changed: [], ignored: 0 });
    const resolved = await post(bindings, payload("resolved", [alert("resolved", { service: "api-gateway" }, "abcdef0123456789")]));
    expect(await resolved.json()).toEqual({ changed: [{ id, status: "resolved" }], ignored: 0 });
    expect(await (await get(bindings, `/api/incidents/${id}`)).json()).toMatchObject({ status: "resolved" });
  });

  it("requires the token (ALERTMANAGER_TOKEN, else ADMIN_TOKEN) and is shut when neither is set", async () => {
    const body = payload("firing", [alert("firing", { service: "api-gateway" })]);
    expect((await post(envWith(config, { ALERTMANAGER_TOKEN: TOKEN }), body, null)).status).toBe(401);
    expect((await post(envWith(config, { ALERTMANAGER_TOKEN: TOKEN }), body, "wrong")).status).toBe(403);
    expect((await post(envWith(config, { ADMIN_TOKEN: TOKEN }), body)).status).not.toBe(403);
    expect((await post(envWith(config), body)).status).toBe(503);
  });

  it("answers 400 naming the field of a payload that is not Alertmanager's version 4", async () => {
    const bindings = envWith(config, { ALERTMANAGER_TOKEN: TOKEN });
    const response = await post(bindings, { ...payload("firing", []), version: "3" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ field: "version" });
    const bad = await post(bindings, payload("firing", [{ ...alert("firing", {}), fingerprint: "zz" }]));
    expect(await bad.json()).toMatchObject({ field: "alerts[0].fingerprint" });
  });
});
