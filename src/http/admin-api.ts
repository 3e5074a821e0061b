import { type Context, Hono } from "hono";
import * as z from "zod";
import { type Config, MaintenanceWindow, Severity } from "../config/schema";
import type { Change } from "../coordinator/apply-change";
import { coordinatorOf } from "../coordinator/coordinator";
import { probeDepsFrom } from "../env/deps";
import { Impact } from "../incidents/types";
import { consoleLog } from "../core/log";
import { isProbed, runProbe } from "../probes";
import type { AppEnv } from "./app-env";
import { bodyCap } from "./body-cap";
import { invalidConfig, jsonError } from "./error-body";
import { loadStatusView } from "./load-view";
import { requireToken } from "./require-token";
import { validJson } from "./validate";
import { type ConfiguredEnv, withConfig } from "./with-config";

/**
 * The on-call engineer's API, behind the bearer token in the Worker secret ADMIN_TOKEN (compared in constant time).
 * Without that secret no admin route works at all.
 */
export const admin = new Hono<AppEnv>();

// Before the token check: an oversized body is refused without being read (GETs carry none, so pass through).
admin.use(bodyCap);

// Every admin answer is the caller's own, refusals included: nothing here may be cached anywhere.
admin.use(async (c, next) => {
  c.header("Cache-Control", "no-store");
  await next();
});
admin.use(
  requireToken({ secrets: ["ADMIN_TOKEN"], realm: "edgewatch-admin", whenUnset: { disabled: "the admin API" }, wrongTokenStatus: 403 }),
);

const Who = z.string().min(1).max(80).default("admin");

/** Hands a change to the coordinator (the one writer), which applies it between ticks and queues its notifications. */
async function sendChange<E extends AppEnv>(c: Context<E>, change: Change, created = false) {
  const result = await coordinatorOf(c.env).change(c.env.EDGEWATCH_CONFIG ?? null, change);
  if ("errors" in result) return invalidConfig(c, result.errors);
  if (!result.ok) return jsonError(c, result.status, result.error);
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

admin.post("/incidents/:id/acknowledge", validJson(z.strictObject({ by: Who }).prefault({})), (c) =>
  sendChange(c, { kind: "acknowledge", id: c.req.param("id"), by: c.req.valid("json").by }),
);

const Resolve = z.strictObject({ by: Who, message: z.string().min(1).max(2000).optional() }).prefault({});
admin.post("/incidents/:id/resolve", validJson(Resolve), (c) => {
  const { by, message } = c.req.valid("json");
  return sendChange(c, { kind: "resolve", id: c.req.param("id"), by, message });
});

const Update = z.strictObject({
  status: z.enum(["investigating", "identified", "monitoring", "update"]).default("update"),
  message: z.string().min(1).max(2000),
});
admin.post("/incidents/:id/updates", validJson(Update), (c) => {
  const { status, message } = c.req.valid("json");
  return sendChange(c, { kind: "update", id: c.req.param("id"), status, message });
});

/** An incident opened by hand, on monitors the config knows. */
const NewIncident = (config: Config) => {
  const ids = new Set(config.monitors.map((m) => m.id));
  return z.strictObject({
    monitorIds: z.array(z.string().refine((id) => ids.has(id), "unknown monitor")).min(1),
    title: z.string().min(1).max(200),
    message: z.string().min(1).max(2000),
    impact: Impact.default("major"),
    severity: Severity.optional(),
    by: Who,
  });
};
admin.post(
  "/incidents",
  withConfig,
  validJson((c: Context<ConfiguredEnv>) => NewIncident(c.var.config)),
  (c) => sendChange(c, { kind: "open", incident: c.req.valid("json") }, true),
);

/** A maintenance window on monitors and groups the config knows. */
const NewWindow = (config: Config) => {
  const ids = new Set(config.monitors.map((m) => m.id));
  const groups = new Set(config.monitors.map((m) => m.group));
  return MaintenanceWindow.check((ctx) => {
    ctx.value.monitors?.forEach(
      (id, i) => !ids.has(id) && ctx.issues.push({ code: "custom", path: ["monitors", i], message: "unknown monitor", input: id }),
    );
    ctx.value.groups?.forEach(
      (g, i) => !groups.has(g) && ctx.issues.push({ code: "custom", path: ["groups", i], message: "unknown group", input: g }),
    );
  });
};
admin.post(
  "/maintenance",
  withConfig,
  validJson((c: Context<ConfiguredEnv>) => NewWindow(c.var.config)),
  (c) => {
    const window = c.req.valid("json");
    if (c.var.config.maintenance.some((w) => w.id === window.id))
      return jsonError(c, 409, `window ${window.id} is defined in the config`, { field: "id" });
    return sendChange(c, { kind: "add-maintenance", window });
  },
);

admin.delete("/maintenance/:id", (c) => sendChange(c, { kind: "delete-maintenance", id: c.req.param("id") }));

admin.post("/monitors/:id/run", withConfig, async (c) => {
  const monitor = c.var.config.monitors.find((m) => m.id === c.req.param("id"));
  if (!monitor) return jsonError(c, 404, "unknown monitor", { field: "id" });
  if (!isProbed(monitor)) return jsonError(c, 400, `${monitor.type} monitors are not probed: their status comes from what they report`);
  return c.json(await runProbe(monitor, probeDepsFrom(c.env)));
});
