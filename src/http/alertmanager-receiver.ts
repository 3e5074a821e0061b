import { Hono } from "hono";
import { loadConfig } from "../config/source";
import { coordinatorOf } from "../coordinator/coordinator";
import { AlertmanagerWebhook } from "../incidents/alertmanager-alerts";
import { consoleLog } from "../log";
import type { AppEnv } from "./app";
import { bodyCap } from "./body-cap";
import { bearerMatches } from "./constant-time";
import { formatPath } from "../config/load";

/**
 * Alertmanager's webhook receiver: `webhook_configs: [{ url: https://<edgewatch>/api/alertmanager/webhook,
 * http_config: { authorization: { credentials: <token> } } }]`. The token is the secret ALERTMANAGER_TOKEN, or
 * ADMIN_TOKEN when that is not set.
 */
export const alertmanagerReceiver = new Hono<AppEnv>();

// Before the token check: an oversized body is refused without being read.
alertmanagerReceiver.use(bodyCap);

alertmanagerReceiver.post("/webhook", async (c) => {
  const vars = c.env as unknown as Record<string, unknown>;
  const token = [vars["ALERTMANAGER_TOKEN"], vars["ADMIN_TOKEN"]].find((t): t is string => typeof t === "string" && t !== "");
  if (!token) return c.json({ error: "the receiver is disabled: set the ALERTMANAGER_TOKEN or ADMIN_TOKEN secret" }, 503);
  const authorization = c.req.header("Authorization");
  if (!authorization) return c.json({ error: "missing bearer token" }, 401);
  if (!(await bearerMatches(authorization, token))) return c.json({ error: "wrong token" }, 403);

  const config = loadConfig(c.env);
  if (!config.ok) return c.json({ error: "invalid configuration", errors: config.errors }, 500);
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return c.json({ error: "the body must be JSON", field: "(body)" }, 400);
  }
  const payload = AlertmanagerWebhook.safeParse(raw);
  if (!payload.success) {
    const issue = payload.error.issues[0]!;
    return c.json({ error: `${formatPath(issue.path)}: ${issue.message}`, field: formatPath(issue.path) }, 400);
  }

  const result = await coordinatorOf(c.env).change(c.env.EDGEWATCH_CONFIG ?? null, { kind: "alertmanager", payload: payload.data });
  if ("errors" in result) return c.json({ error: "invalid configuration", errors: result.errors }, 500);
  if (!result.ok) return c.json({ error: result.error }, result.status);
  consoleLog("info", "alertmanager webhook", { group: payload.data.groupKey, alerts: payload.data.alerts.length, changed: result.changed?.length ?? 0, ignored: result.ignored ?? 0 });
  return c.json({ changed: result.changed ?? [], ignored: result.ignored ?? 0 });
});
