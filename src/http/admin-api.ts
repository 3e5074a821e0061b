import { type Context, Hono } from "hono";
import * as z from "zod";
import { MaintenanceWindow, Severity } from "../config/schema";
import { loadConfig } from "../config/source";
import type { Change } from "../coordinator/apply-change";
import { coordinatorOf } from "../coordinator/coordinator";
import { probeDepsFrom } from "../deps";
import { Impact } from "../incidents/types";
import { consoleLog } from "../log";
import { runProbe } from "../probes";
import type { AppEnv } from "./app";
import { bodyCap } from "./body-cap";
import { bearerMatches } from "./constant-time";
import { invalidConfig, loadStatusView } from "./load-view";
import { formatPath } from "../config/load";

/**
 * The on-call engineer's API, behind the bearer token in the Worker secret ADMIN_TOKEN (compared in constant time).
 * Without that secret no admin route works at all.
 */
export const admin = new Hono<AppEnv>();

// Before the token check: an oversized body is refused without being read (GETs carry none, so pass through).
admin.use(bodyCap);

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

/** Hands a change to the coordinator (the one writer), which applies it between ticks and queues its notifications. */
async function sendChange(c: Context<AppEnv>, change: Change, created = false) {
  const result = await coordinatorOf(c.env).change(c.env.EDGEWATCH_CONFIG ?? null, change);
  if ("errors" in result) return c.json({ error: "invalid configuration", errors: result.errors }, 500);
  if (!result.ok) return c.json({ error: result.error }, result.status);
  consoleLog("info", "admin action", { path: new URL(c.req.url).pathname, change: change.kind });
  if (change.kind === "add-maintenance") return c.json(result.window, 201);
  if (change.kind === "delete-maintenance") return c.body(null, 204);
  return c.json(result.incident, created ? 201 : 200);
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
  return sendChange(c, { kind: "acknowledge", id: c.req.param("id"), by: input.value.by });
});

admin.post("/incidents/:id/resolve", async (c) => {
  const input = await body(c, z.strictObject({ by: Who, message: z.string().min(1).max(2000).optional() }).prefault({}));
  if (!input.ok) return input.response;
  return sendChange(c, { kind: "resolve", id: c.req.param("id"), by: input.value.by, message: input.value.message });
});

admin.post("/incidents/:id/updates", async (c) => {
  const input = await body(c, z.strictObject({ status: z.enum(["investigating", "identified", "monitoring", "update"]).default("update"), message: z.string().min(1).max(2000) }));
  if (!input.ok) return input.response;
  return sendChange(c, { kind: "update", id: c.req.param("id"), status: input.value.status, message: input.value.message });
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
  return sendChange(c, { kind: "open", incident: input.value }, true);
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
  return sendChange(c, { kind: "add-maintenance", window: input.value });
});

admin.delete("/maintenance/:id", (c) => sendChange(c, { kind: "delete-maintenance", id: c.req.param("id") }));

admin.post("/monitors/:id/run", async (c) => {
  const config = loadConfig(c.env);
  if (!config.ok) return c.json({ error: "invalid configuration", errors: config.errors }, 500);
  const monitor = config.config.monitors.find((m) => m.id === c.req.param("id"));
  if (!monitor) return c.json({ error: "unknown monitor", field: "id" }, 404);
  return c.json(await runProbe(monitor, probeDepsFrom(c.env)));
});
