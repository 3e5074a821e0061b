import { resetBindings } from "../helpers/reset";
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { Bindings } from "../../src/env/deps";
import { incidentId } from "../../src/incidents/incident-id";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import { recorded, recorderUrl, uniquePrefix } from "../notify/fixtures";
import { probeDeps } from "../helpers/monitors";
import { envWith, fireCron, get } from "../helpers/worker";
import { configOf, tick } from "../helpers/writer";
import { setSwitch, targetsBase } from "../helpers/targets";

const base = targetsBase();
const TOKEN = "adm-7c1e0f3b9a";
// Ticks around the real clock: admin actions are stamped with it, and later ticks must come after them.
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
const ID = incidentId("gw", new Date(T0).toISOString());
const minute = (n: number) => T0 + n * 60_000;

afterEach(resetBindings);

async function call(bindings: Bindings, method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`http://edgewatch.test${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    }),
    bindings,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

function setup(options: { escalation?: boolean } = {}) {
  const key = `adm-${crypto.randomUUID()}`;
  const prefix = uniquePrefix("admin");
  const config = {
    title: "t",
    monitors: [
      { id: "gw", name: "Gateway", group: "Platform", type: "http", url: `${base}/switch/${key}` },
      { id: "ok", name: "Fine", group: "Platform", type: "http", url: `${base}/ok` },
    ],
    notifications: {
      channels: [
        { id: "ops", type: "webhook", urlSecret: "HOOK_OPS" },
        { id: "lead", type: "webhook", urlSecret: "HOOK_LEAD" },
      ],
      routes: [{ channels: ["ops"] }],
      // A policy that stops at the acknowledgement (the default escalates until resolved: severity-escalation.test.ts).
      ...(options.escalation
        ? { escalation: [{ escalateUntil: "acknowledged", levels: [{ afterMinutes: 15, channels: ["lead"] }] }] }
        : {}),
    },
  };
  const secrets = { HOOK_OPS: `${recorderUrl()}${prefix}/ops`, HOOK_LEAD: `${recorderUrl()}${prefix}/lead` };
  const bindings = envWith(config, { ADMIN_TOKEN: TOKEN, ...secrets });
  const fail = (status: number) => setSwitch(key, status);
  const sent = async (channel: string) =>
    (await recorded(`${prefix}/${channel}`)).map((r) => JSON.parse(r.body) as { event: string; reason: string });
  // Ticks run in the coordinator with the test's secrets (the object's own bindings are the test pool's, without them).
  const runTick = (at: number) => tick({ config: configOf(config), probe: probeDeps(secrets) }, at);
  return { bindings, fail, sent, runTick };
}

describe("admin API authorisation", () => {
  it("answers 401 without a token, 403 with a wrong one, and works with the right one", async () => {
    const { bindings } = setup();
    await fireCron(bindings, minute(0));
    expect((await call(bindings, "POST", "/api/admin/monitors/ok/run", undefined, null)).status).toBe(401);
    expect((await call(bindings, "POST", "/api/admin/monitors/ok/run", undefined, "nope")).status).toBe(403);
    expect((await call(bindings, "POST", "/api/admin/monitors/ok/run", undefined, `${TOKEN}x`)).status).toBe(403);
    const ok = await call(bindings, "POST", "/api/admin/monitors/ok/run");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ type: "http", monitorId: "ok", status: "up" });
  });

  it("keeps every admin route shut when ADMIN_TOKEN is unset, even for a request with a token", async () => {
    const { bindings } = setup();
    const unset = { ...bindings, ADMIN_TOKEN: undefined } as unknown as Bindings;
    for (const [method, path] of [
      ["POST", "/api/admin/monitors/ok/run"],
      ["POST", "/api/admin/incidents"],
      ["DELETE", "/api/admin/maintenance/x"],
    ]) {
      const response = await call(unset, method!, path!, {}, "");
      expect(response.status, path).toBe(503);
    }
  });
});

describe("admin API actions", () => {
  it('acknowledging an incident stops an escalateUntil: "acknowledged" policy, and is sent to the channels', async () => {
    const { bindings, fail, sent, runTick } = setup({ escalation: true });
    await fail(500);
    await runTick(minute(0));
    await runTick(minute(1));
    const id = ID;
    const acked = await call(bindings, "POST", `/api/admin/incidents/${id}/acknowledge`, { by: "alice" });
    expect(acked.status).toBe(200);
    expect(await acked.json()).toMatchObject({ id, acknowledgedBy: "alice", acknowledgedAt: expect.any(String) });
    for (const m of [2, 16, 30]) await runTick(minute(m));
    expect(await sent("lead")).toEqual([]);
    expect((await sent("ops")).map((e) => [e.event, e.reason])).toEqual([
      ["incident.opened", "opened"],
      ["incident.updated", "acknowledged by alice"],
    ]);
    expect((await call(bindings, "POST", `/api/admin/incidents/${id}/acknowledge`, {})).status).toBe(409);
  });

  it("posts updates and resolves by hand; a monitor still failing opens a new incident later", async () => {
    const { bindings, fail, sent, runTick } = setup();
    await fail(500);
    await runTick(minute(0));
    await runTick(minute(1));
    const id = ID;
    const update = await call(bindings, "POST", `/api/admin/incidents/${id}/updates`, {
      status: "identified",
      message: "Database failover in progress",
    });
    expect((await update.json<{ updates: { message: string }[] }>()).updates.at(-1)!.message).toBe("Database failover in progress");
    const resolved = await call(bindings, "POST", `/api/admin/incidents/${id}/resolve`, { by: "bob", message: "Failed over" });
    expect(await resolved.json()).toMatchObject({ status: "resolved", durationMs: expect.any(Number) });
    await runTick(minute(2));
    await runTick(minute(3));
    const status = await (await get(bindings, "/api/status")).json<{ incidents: { id: string; status: string }[] }>();
    expect(status.incidents.map((i) => [i.id, i.status])).toEqual([
      [incidentId("gw", new Date(minute(2)).toISOString()), "open"],
      [id, "resolved"],
    ]);
    expect((await sent("ops")).map((e) => e.event)).toEqual([
      "incident.opened",
      "incident.updated",
      "incident.resolved",
      "incident.opened",
    ]);
  });

  it("opens a manual incident that the tick keeps open and /api/status shows", async () => {
    const { bindings } = setup();
    await fireCron(bindings, minute(0));
    const created = await call(bindings, "POST", "/api/admin/incidents", {
      monitorIds: ["ok"],
      title: "Degraded inference quality",
      message: "Investigating reports",
      impact: "minor",
    });
    expect(created.status).toBe(201);
    const incident = await created.json<{ id: string; source: string }>();
    expect(incident.source).toBe("manual");
    await fireCron(bindings, minute(1));
    await fireCron(bindings, minute(2));
    const status = await (await get(bindings, "/api/status")).json<{ incidents: { id: string; status: string; title: string }[] }>();
    expect(status.incidents).toEqual([expect.objectContaining({ id: incident.id, status: "open", title: "Degraded inference quality" })]);
  });

  it("lists a window opened through the admin API in the Statuspage API's scheduled maintenances", async () => {
    const { bindings } = setup();
    await fireCron(bindings, minute(0));
    const start = new Date(minute(24 * 60)).toISOString();
    const window = { id: "upgrade", title: "Postgres upgrade", monitors: ["gw"], start, end: new Date(minute(25 * 60)).toISOString() };
    expect((await call(bindings, "POST", "/api/admin/maintenance", window)).status).toBe(201);
    const upcoming = await (await get(bindings, "/api/v2/scheduled-maintenances/upcoming.json")).json<{
      scheduled_maintenances: { name: string; status: string; scheduled_for: string; components: { id: string }[] }[];
    }>();
    expect(upcoming.scheduled_maintenances).toEqual([
      expect.objectContaining({ name: "Postgres upgrade", status: "scheduled", scheduled_for: start }),
    ]);
    expect(upcoming.scheduled_maintenances[0]!.components.map((c) => c.id)).toEqual(["gw"]);
  });

  it("creates and deletes maintenance windows that the tick honours", async () => {
    const { bindings, fail } = setup();
    await fail(500);
    await fireCron(bindings, minute(0));
    const window = {
      id: "failover",
      title: "DB failover",
      monitors: ["gw"],
      start: new Date(minute(0)).toISOString(),
      end: new Date(minute(60)).toISOString(),
    };
    expect((await call(bindings, "POST", "/api/admin/maintenance", window)).status).toBe(201);
    expect((await call(bindings, "POST", "/api/admin/maintenance", window)).status).toBe(409);
    await fireCron(bindings, minute(1));
    await fireCron(bindings, minute(2));
    const during = await (await get(bindings, "/api/status")).json<{ monitors: { id: string; status: string }[]; incidents: unknown[] }>();
    expect(during.monitors.find((m) => m.id === "gw")!.status).toBe("maintenance");
    expect(during.incidents).toEqual([]);
    expect((await call(bindings, "DELETE", "/api/admin/maintenance/failover")).status).toBe(204);
    expect((await call(bindings, "DELETE", "/api/admin/maintenance/failover")).status).toBe(404);
    await fireCron(bindings, minute(3));
    const after = await (await get(bindings, "/api/status")).json<{ monitors: { id: string; status: string }[] }>();
    expect(after.monitors.find((m) => m.id === "gw")!.status).toBe("down");
  });

  it("rejects bad input with a 400 naming the field, and unknown things with 404", async () => {
    const { bindings } = setup();
    await fireCron(bindings, minute(0));
    const cases: [string, string, unknown, string][] = [
      ["POST", "/api/admin/incidents", { monitorIds: ["nope"], title: "x", message: "y" }, "monitorIds[0]"],
      ["POST", "/api/admin/incidents", { monitorIds: ["ok"], title: "", message: "y" }, "title"],
      ["POST", "/api/admin/incidents", { monitorIds: ["ok"], title: "x", message: "y", impact: "huge" }, "impact"],
      ["POST", "/api/admin/incidents", "{not json", "(body)"],
      [
        "POST",
        "/api/admin/maintenance",
        { id: "w", title: "W", monitors: ["gw"], start: "2026-12-01T03:00:00Z", end: "2026-12-01T02:00:00Z" },
        "end",
      ],
      [
        "POST",
        "/api/admin/maintenance",
        { id: "w", title: "W", monitors: ["ghost"], start: "2026-12-01T01:00:00Z", end: "2026-12-01T02:00:00Z" },
        "monitors[0]",
      ],
      ["POST", `/api/admin/incidents/${ID}/updates`, { message: "" }, "message"],
    ];
    for (const [method, path, body, field] of cases) {
      const response = await call(bindings, method, path, body);
      expect(response.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(await response.json(), path).toMatchObject({ field });
    }
    expect((await call(bindings, "POST", `/api/admin/incidents/${ID}/acknowledge`, {})).status).toBe(404);
    expect((await call(bindings, "POST", "/api/admin/monitors/ghost/run")).status).toBe(404);
  });

  it("works before the first tick: an unknown incident is 404, a manual one opens and latest.json shows it", async () => {
    const { bindings } = setup();
    expect(await env.HISTORY.head(LATEST_KEY)).toBeNull();
    expect((await call(bindings, "POST", `/api/admin/incidents/${ID}/acknowledge`, {})).status).toBe(404);
    const response = await call(bindings, "POST", "/api/admin/incidents", { monitorIds: ["ok"], title: "x", message: "y" });
    expect(response.status).toBe(201);
    const latest = JSON.parse(await (await env.HISTORY.get(LATEST_KEY))!.text());
    expect(latest.incidents.map((i: { title: string }) => i.title)).toEqual(["x"]);
  });
});
