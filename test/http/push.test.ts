import { resetBindings } from "../helpers/reset";
import { createExecutionContext, env, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { coordinatorOf } from "../../src/coordinator/coordinator";
import { matchesEach } from "../../src/http/constant-time";
import worker from "../../src/index";
import { CoordinatorSql } from "../../src/storage/coordinator-sql";
import { envWith, fireCron, get } from "../helpers/worker";

afterEach(resetBindings);

/** Far in the future, so the coordinator's alarm never fires mid-test; beats are judged at the writer's own clock. */
const TICK = Date.UTC(2096, 2, 10, 9, 0);
const TOKEN = "push-token-for-tests";
const OTHER = "another-jobs-token";

/** Ids of their own per test: the Worker remembers per isolate when a monitor may beat again. */
const unique = (name: string) => `${name}-${crypto.randomUUID().slice(0, 6)}`;

function configWith(ids: { db: string; other: string }) {
  return {
    title: "Platform",
    monitors: [
      { id: ids.db, name: "Postgres (in-cluster)", type: "push", tokenSecret: "PUSH_DB_TOKEN", criticalChecks: ["postgres"] },
      { id: ids.other, name: "Nightly backup", type: "push", tokenSecret: "PUSH_BACKUP_TOKEN", periodMinutes: 1440, graceMinutes: 60 },
      { id: "site", name: "Website", type: "http", url: "http://127.0.0.1:9/never-probed-by-these-tests", public: true },
    ],
  };
}

function setup() {
  const ids = { db: unique("db"), other: unique("backup") };
  // The http monitor stays out of the ticks: only push monitors are in the config the ticks judge.
  const bindings = envWith(configWith(ids), { PUSH_DB_TOKEN: TOKEN, PUSH_BACKUP_TOKEN: OTHER });
  const pushOnly = envWith(
    { ...configWith(ids), monitors: configWith(ids).monitors.slice(0, 2) },
    { PUSH_DB_TOKEN: TOKEN, PUSH_BACKUP_TOKEN: OTHER },
  );
  return { ids, bindings, pushOnly };
}

async function beat(bindings: typeof env, id: string, options: { token?: string | null; method?: string; body?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? TOKEN}`;
  const ctx = createExecutionContext();
  const init: RequestInit = { method: options.method ?? "POST", headers, ...(options.body !== undefined ? { body: options.body } : {}) };
  const response = await worker.fetch(new Request(`http://edgewatch.test/api/push/${id}`, init), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

async function statusOf(bindings: typeof env, id: string) {
  const body = await (await get(bindings, "/api/status")).json<{ monitors: Record<string, any>[] }>();
  return body.monitors.find((m) => m.id === id)!;
}

describe("push monitors", () => {
  it("a beat arriving: stored, and the next tick shows what it said", async () => {
    const { ids, pushOnly } = setup();
    const response = await beat(pushOnly, ids.db, {
      body: JSON.stringify({
        status: "up",
        message: "pg_isready: accepting connections",
        latencyMs: 12,
        checks: { postgres: "up", pods: "ok" },
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toMatchObject({ accepted: true, monitor: ids.db, status: "up" });

    await fireCron(pushOnly, TICK);
    const shown = await statusOf(pushOnly, ids.db);
    expect(shown).toMatchObject({
      type: "push",
      status: "up",
      latencyMs: 12,
      message: expect.stringMatching(/^beat \d+ s ago: pg_isready: accepting connections$/),
      details: { reportedStatus: "up", periodMinutes: 1, graceMinutes: 1, checks: { postgres: { state: "pass", value: "up" } } },
    });
  });

  it("a plain GET (curl without a body) is a beat saying up", async () => {
    const { ids, pushOnly } = setup();
    expect((await beat(pushOnly, ids.db, { method: "GET" })).status).toBe(200);
    await fireCron(pushOnly, TICK);
    expect(await statusOf(pushOnly, ids.db)).toMatchObject({ status: "up", message: expect.stringMatching(/^beat \d+ s ago$/) });
  });

  it("a beat saying down, or a critical check failing, makes the monitor down in words saying which", async () => {
    const { ids, pushOnly } = setup();
    const body = JSON.stringify({
      status: "degraded",
      message: "2 pods not Running",
      checks: { postgres: { status: "down" }, pods: "degraded" },
    });
    expect((await beat(pushOnly, ids.db, { body })).status).toBe(200);
    await fireCron(pushOnly, TICK);
    const shown = await statusOf(pushOnly, ids.db);
    expect(shown.status).toBe("down");
    expect(shown.message).toMatch(
      /^beat \d+ s ago: 2 pods not Running; the job reports degraded; check postgres is down; check pods is degraded$/,
    );
  });

  it("a beat missing: down before the first, and down once the last is older than period + grace", async () => {
    const { ids, pushOnly } = setup();
    await fireCron(pushOnly, TICK);
    expect(await statusOf(pushOnly, ids.db)).toMatchObject({
      status: "down",
      latencyMs: null,
      message: "no beat received yet (expected every 1 min + 1 min grace)",
      details: { lastBeatAt: null, reportedStatus: null },
    });
    // A beat five minutes old, as if the job had stopped then.
    const stub = coordinatorOf(pushOnly);
    expect(await stub.beat(ids.db, { status: "up", message: "ok" }, Date.now() - 5 * 60_000)).toEqual({ stored: true });
    expect(await stub.beat(ids.other, { status: "up" }, Date.now() - 5 * 60_000)).toEqual({ stored: true });
    await fireCron(pushOnly, TICK + 60_000);
    expect(await statusOf(pushOnly, ids.db)).toMatchObject({
      status: "down",
      message: "no beat for 5 min (expected every 1 min + 1 min grace); the last one said up: ok",
    });
    // The nightly job's period is a day: five minutes is nothing.
    expect((await statusOf(pushOnly, ids.other)).status).toBe("up");
  });

  it("a wrong token gets 401, an unknown id 401 too, and the same answer: no id is revealed to a caller without a token", async () => {
    const { ids, bindings } = setup();
    const wrongForKnown = await beat(bindings, ids.db, { token: "guess" });
    const wrongForUnknown = await beat(bindings, "no-such-monitor", { token: "guess" });
    const pushTokenForHttp = await beat(bindings, "site", { token: "guess" });
    for (const r of [wrongForKnown, wrongForUnknown, pushTokenForHttp]) {
      expect(r.status).toBe(401);
      expect(r.headers.get("www-authenticate")).toBe('Bearer realm="edgewatch-push"');
      expect(await r.json()).toEqual({ error: "wrong token" });
    }
    const none = await beat(bindings, ids.db, { token: null });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: "missing bearer token" });
    // Another monitor's token does not open this one.
    expect((await beat(bindings, ids.db, { token: OTHER })).status).toBe(401);
  });

  it("an unknown id gets 404 only for a caller holding a push monitor's token", async () => {
    const { bindings } = setup();
    const r = await beat(bindings, "no-such-monitor", { token: TOKEN });
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ error: "unknown push monitor", parameter: "id" });
    expect((await beat(bindings, "site", { token: TOKEN })).status).toBe(404);
  });

  it("with the monitor's secret unset, nothing opens it", async () => {
    const ids = { db: unique("db"), other: unique("backup") };
    const unset = envWith(configWith(ids), { PUSH_BACKUP_TOKEN: OTHER });
    expect((await beat(unset, ids.db, { token: "" })).status).toBe(401);
    expect((await beat(unset, ids.db, { token: "undefined" })).status).toBe(401);
  });

  it("at most one beat per 10 s per monitor: extras get 429 with Retry-After, and store nothing", async () => {
    const { ids, pushOnly } = setup();
    expect((await beat(pushOnly, ids.db, { body: '{"message":"first"}' })).status).toBe(200);
    const extra = await beat(pushOnly, ids.db, { body: '{"message":"second"}' });
    expect(extra.status).toBe(429);
    expect(Number(extra.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(extra.headers.get("retry-after"))).toBeLessThanOrEqual(10);
    // Another monitor is not held back.
    expect((await beat(pushOnly, ids.other, { token: OTHER })).status).toBe(200);
    // The writer refuses too, whichever isolate a beat came through; ten seconds on, it stores again.
    const stub = coordinatorOf(pushOnly);
    const at = Date.now();
    expect(await stub.beat(ids.db, { status: "up", message: "third" }, at)).toMatchObject({ stored: false });
    expect(await stub.beat(ids.db, { status: "up", message: "fourth" }, at + 10_000)).toEqual({ stored: true });
    await runInDurableObject(stub, async (_o, state) => {
      const rows = new CoordinatorSql(state.storage).beats().filter((r) => r.id === ids.db);
      expect(rows.map((r) => JSON.parse(r.beat).message)).toEqual(["fourth"]);
    });
  });

  it("a bad body is a 400 naming the field; nothing is stored", async () => {
    const { ids, pushOnly } = setup();
    const notJson = await beat(pushOnly, ids.db, { body: "status=up" });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: "the body must be JSON", field: "(body)" });
    const bad = await beat(pushOnly, ids.db, { body: JSON.stringify({ status: "fine" }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: "status" });
    const unknownField = await beat(pushOnly, ids.db, { body: JSON.stringify({ status: "up", url: "x" }) });
    expect(unknownField.status).toBe(400);
    await runInDurableObject(coordinatorOf(pushOnly), async (_o, state) => {
      expect(new CoordinatorSql(state.storage).beats()).toEqual([]);
    });
  });

  it("a beat costs one SQLite row written and no KV or R2 write", async () => {
    const { ids, pushOnly } = setup();
    const kvBefore = (await env.STATE.list()).keys.length;
    const stub = coordinatorOf(pushOnly);
    await runInDurableObject(stub, async (_o, state) => {
      const sql = new CoordinatorSql(state.storage);
      const base = Date.now();
      for (let i = 0; i < 5; i++)
        expect(sql.putBeat({ id: ids.db, at: base + i * 60_000, beat: '{"status":"up"}' }, 10_000)).toEqual({ stored: true });
      expect(sql.stats.rowsWritten).toBe(5);
      // Refused: nothing written.
      sql.putBeat({ id: ids.db, at: base + 4 * 60_000 + 1, beat: '{"status":"up"}' }, 10_000);
      expect(sql.stats.rowsWritten).toBe(5);
    });
    expect((await env.STATE.list()).keys.length).toBe(kvBefore);
    expect((await env.HISTORY.list()).objects).toEqual([]);
  });

  it("the admin API does not probe a push monitor, and the config refuses what does not apply", async () => {
    const { ids, bindings } = setup();
    const ctx = createExecutionContext();
    const run = await worker.fetch(
      new Request(`http://edgewatch.test/api/admin/monitors/${ids.db}/run`, { method: "POST", headers: { authorization: "Bearer a" } }),
      { ...bindings, ADMIN_TOKEN: "a" } as typeof env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(run.status).toBe(400);
    const invalid = envWith({
      title: "t",
      monitors: [{ id: "p", name: "P", type: "push", tokenSecret: "not a name", interval: 5, locations: ["weur"] }],
    });
    const status = await (await get(invalid, "/api/status")).json<{ errors: string[] }>();
    expect(status.errors).toEqual([
      "monitors[0].interval: push monitors are judged every minute from their last beat: leave interval out",
      "monitors[0].tokenSecret: must be a secret's name",
      "monitors[0].locations: push monitors are not probed from anywhere: the job reports in",
    ]);
  });
  it("compares a token with every monitor's, an unset one never matching", async () => {
    expect(await matchesEach("abc", ["abc", "abd", undefined, "", "abc"])).toEqual([true, false, false, false, true]);
    expect(await matchesEach("", [undefined, ""])).toEqual([false, false]);
  });
});
