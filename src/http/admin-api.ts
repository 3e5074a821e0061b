import { type Context, Hono } from "hono";
import * as z from "zod";
import { MaintenanceWindow, Severity } from "../config/schema";
import { loadConfig } from "../config/source";
import { probeDepsFrom, storesFrom } from "../deps";
import { type ActionResult, acknowledge, openManual, postUpdate, resolveByHand } from "../incidents/admin-actions";
import { Impact } from "../incidents/types";
import { consoleLog } from "../log";
import { planNotifications } from "../notify/plan";
import { runProbe } from "../probes";
import { mutateLatest } from "../storage/mutate-latest";
import type { AppEnv } from "./app";
import { bearerMatches } from "./constant-time";
import { invalidConfig, loadStatusView } from "./load-view";
import { formatPath } from "../config/load";

/**
 * The on-call engineer's API, behind the bearer token in the Worker secret ADMIN_TOKEN (compared in constant time).
 * Without that secret no admin route works at all.
 */
export const admin = new Hono<AppEnv>();

admin.use(async (c, next) => {
  c.header("Cache-Control", "no-store");
  const expected = (c.env as unknown as Record<string, unknown>)["ADMIN_TOKEN"];
  if (typeof expected !== "string" || expected === "") return c.json({ error: "the admin API is disabled: set the ADMIN_TOKEN secret" }, 503);
  const authorization = c.req.header("Authorization");
  if (!authorization) return c.json({ error: "missing bearer token" }, 401, { "WWW-Authenticate": 'Bearer realm="edgewatch-admin"' });
  if (!(await bearerMatches(authorization, expected))) return c.json({ error: "wrong token" }, 403);
  await next();
});

/** Parses a JSON body with a schema; a 400 names the field, as config errors do. */
async function body<T>(c: Context<AppEnv>, schema: z.ZodType<T>): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return { ok: false, response: c.json({ error: "the body must be JSON", field: "(body)" }, 400) };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = formatPath(issue.path);
  return { ok: false, response: c.json({ error: `${field}: ${issue.message}`, field }, 400) };
}

const Who = z.string().min(1).max(80).default("admin");

/** Applies an incident action to the tick's state (compare-and-swap), stores the record and queues its notification. */
async function incidentAction(c: Context<AppEnv>, act: (state: Parameters<typeof acknowledge>[0], now: number) => ActionResult) {
  const config = loadConfig(c.env);
  if (!config.ok) return c.json({ error: "invalid configuration", errors: config.errors }, 500);
  const stores = storesFrom(c.env);
  const now = Date.now();
  const result = await mutateLatest(stores.latest, (snapshot) => {
    const done = act(snapshot.incidents, now);
    if (!done.ok) return done;
    const delivery = planNotifications({ config: config.config, events: [done.event], incidents: done.state.incidents, delivery: snapshot.delivery, inMaintenance: new Set(), nowMs: now });
    return { ok: true, snapshot: { ...snapshot, incidents: done.state, delivery }, value: done.incident };
  });
  if (!result.ok) return c.json({ error: result.error }, result.status as 404);
  try {
    await stores.incidents.putIncident(result.value);
  } catch (error) {
    // The live state has it; the tick's next write of changed incidents is not triggered by this, so say so.
    consoleLog("error", "R2 incident write failed after an admin action", { incident: result.value.id, error: String(error) });
  }
  consoleLog("info", "admin action", { path: new URL(c.req.url).pathname, incident: result.value.id });
  return c.json(result.value);
}

/** The full status, details the public faces leave out included (scrape targets' instances and errors, ...). */
admin.get("/status", async (c) => {
  const loaded = await loadStatusView(c.env, Date.now(), "admin");
  if (!loaded.ok) return invalidConfig(c, loaded.errors);
  return c.json(loaded.view);
});

admin.post("/incidents/:id/acknowledge", async (c) => {
  const input = await body(c, z.strictObject({ by: Who }).prefault({}));
  if (!input.ok) return input.response;
  return incidentAction(c, (state, now) => acknowledge(state, c.req.param("id"), input.value.by, now));
});

admin.post("/incidents/:id/resolve", async (c) => {
  const input = await body(c, z.strictObject({ by: Who, message: z.string().min(1).max(2000).optional() }).prefault({}));
  if (!input.ok) return input.response;
  return incidentAction(c, (state, now) => resolveByHand(state, c.req.param("id"), input.value.by, input.value.message, now));
});

admin.post("/incidents/:id/updates", async (c) => {
  const input = await body(c, z.strictObject({ status: z.enum(["investigating", "identified", "monitoring", "update"]).default("update"), message: z.string().min(1).max(2000) }));
  if (!input.ok) return input.response;
  return incidentAction(c, (state, now) => postUpdate(state, c.req.param("id"), input.value.status, input.value.message, now));
});

admin.post("/incidents", async (c) => {
  const config = loadConfig(c.env);
  if (!config.ok) return c.json({ error: "invalid configuration", errors: config.errors }, 500);
  const ids = new Set(config.config.monitors.map((m) => m.id));
  const input = await body(
    c,
    z.strictObject({
      monitorIds: z.array(z.string().refine((id) => ids.has(id), "unknown monitor")).min(1),
      title: z.string().min(1).max(200),
      message: z.string().min(1).max(2000),
      impact: Impact.default("major"),
      severity: Severity.optional(),
      by: Who,
    }),
  );
  if (!input.ok) return input.response;
  const response = await incidentAction(c, (state, now) => openManual(state, config.config, input.value, now));
  return response.status === 200 ? c.json(await response.json(), 201) : response;
});

admin.post("/maintenance", async (c) => {
  const config = loadConfig(c.env);
  if (!config.ok) return c.json({ error: "invalid configuration", errors: config.errors }, 500);
  const ids = new Set(config.config.monitors.map((m) => m.id));
  const groups = new Set(config.config.monitors.map((m) => m.group));
  const input = await body(
    c,
    MaintenanceWindow.check((ctx) => {
      ctx.value.monitors?.forEach((id, i) => !ids.has(id) && ctx.issues.push({ code: "custom", path: ["monitors", i], message: "unknown monitor", input: id }));
      ctx.value.groups?.forEach((g, i) => !groups.has(g) && ctx.issues.push({ code: "custom", path: ["groups", i], message: "unknown group", input: g }));
    }),
  );
  if (!input.ok) return input.response;
  if (config.config.maintenance.some((w) => w.id === input.value.id)) return c.json({ error: `window ${input.value.id} is defined in the config`, field: "id" }, 409);
  const result = await mutateLatest(storesFrom(c.env).latest, (snapshot) =>
    snapshot.adminMaintenance.some((w) => w.id === input.value.id)
      ? { ok: false, status: 409, error: `window ${input.value.id} already exists` }
      : { ok: true, snapshot: { ...snapshot, adminMaintenance: [...snapshot.adminMaintenance, input.value] }, value: input.value },
  );
  if (!result.ok) return c.json({ error: result.error }, result.status as 409);
  return c.json(result.value, 201);
});

admin.delete("/maintenance/:id", async (c) => {
  const id = c.req.param("id");
  const result = await mutateLatest(storesFrom(c.env).latest, (snapshot) =>
    snapshot.adminMaintenance.some((w) => w.id === id)
      ? { ok: true, snapshot: { ...snapshot, adminMaintenance: snapshot.adminMaintenance.filter((w) => w.id !== id) }, value: id }
      : { ok: false, status: 404, error: `no maintenance window ${id} created through this API` },
  );
  if (!result.ok) return c.json({ error: result.error }, result.status as 404);
  return c.body(null, 204);
});

admin.post("/monitors/:id/run", async (c) => {
  const config = loadConfig(c.env);
  if (!config.ok) return c.json({ error: "invalid configuration", errors: config.errors }, 500);
  const monitor = config.config.monitors.find((m) => m.id === c.req.param("id"));
  if (!monitor) return c.json({ error: "unknown monitor", field: "id" }, 404);
  return c.json(await runProbe(monitor, probeDepsFrom(c.env)));
});
