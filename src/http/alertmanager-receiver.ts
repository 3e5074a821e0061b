import { Hono } from "hono";
import { loadConfig } from "../config/source";
import { storesFrom } from "../deps";
import { AlertmanagerWebhook, applyAlertmanagerWebhook } from "../incidents/alertmanager-alerts";
import type { Incident } from "../incidents/types";
import { consoleLog } from "../log";
import { planNotifications } from "../notify/plan";
import { mutateLatest } from "../storage/mutate-latest";
import type { AppEnv } from "./app";
import { bearerMatches } from "./constant-time";
import { formatPath } from "../config/load";

/**
 * Alertmanager's webhook receiver: `webhook_configs: [{ url: https://<edgewatch>/api/alertmanager/webhook,
 * http_config: { authorization: { credentials: <token> } } }]`. The token is the secret ALERTMANAGER_TOKEN, or
 * ADMIN_TOKEN when that is not set.
 */
export const alertmanagerReceiver = new Hono<AppEnv>();

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

  const stores = storesFrom(c.env);
  const now = Date.now();
  const result = await mutateLatest<{ changed: Incident[]; ignored: number }>(stores.latest, (snapshot) => {
    const applied = applyAlertmanagerWebhook(snapshot.incidents, config.config, payload.data, now);
    const delivery = planNotifications({ config: config.config, events: applied.events, incidents: applied.state.incidents, delivery: snapshot.delivery, inMaintenance: new Set(), nowMs: now });
    return { ok: true, snapshot: { ...snapshot, incidents: applied.state, delivery }, value: { changed: applied.changed, ignored: applied.ignored } };
  });
  if (!result.ok) return c.json({ error: result.error }, result.status as 503);
  await Promise.all(
    result.value.changed.map((incident) =>
      stores.incidents.putIncident(incident).catch((error) => consoleLog("error", "R2 incident write failed", { incident: incident.id, error: String(error) })),
    ),
  );
  consoleLog("info", "alertmanager webhook", { group: payload.data.groupKey, alerts: payload.data.alerts.length, changed: result.value.changed.length, ignored: result.value.ignored });
  return c.json({ changed: result.value.changed.map((i) => ({ id: i.id, status: i.status })), ignored: result.value.ignored });
});
