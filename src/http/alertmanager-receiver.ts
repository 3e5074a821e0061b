import { Hono } from "hono";
import { coordinatorOf } from "../coordinator/coordinator";
import { AlertmanagerWebhook } from "../incidents/alertmanager-alerts";
import { consoleLog } from "../core/log";
import type { AppEnv } from "./app-env";
import { bodyCap } from "./body-cap";
import { invalidConfig, jsonError } from "./error-body";
import { requireToken } from "./require-token";
import { validJson } from "./validate";
import { withConfig } from "./with-config";

/**
 * Alertmanager's webhook receiver: `webhook_configs: [{ url: https://<edgewatch>/api/alertmanager/webhook,
 * http_config: { authorization: { credentials: <token> } } }]`. The token is the secret ALERTMANAGER_TOKEN, or
 * ADMIN_TOKEN when that is not set.
 */
export const alertmanagerReceiver = new Hono<AppEnv>();

// Before the token check: an oversized body is refused without being read.
alertmanagerReceiver.use(bodyCap);

const token = requireToken({
  secrets: ["ALERTMANAGER_TOKEN", "ADMIN_TOKEN"],
  realm: "edgewatch-alertmanager",
  whenUnset: { disabled: "the receiver" },
  wrongTokenStatus: 403,
});

// The config is checked before the body is read: an invalid one answers 500 whatever was sent.
alertmanagerReceiver.post("/webhook", token, withConfig, validJson(AlertmanagerWebhook), async (c) => {
  const payload = c.req.valid("json");
  const result = await coordinatorOf(c.env).change(c.env.EDGEWATCH_CONFIG ?? null, { kind: "alertmanager", payload });
  if ("errors" in result) return invalidConfig(c, result.errors);
  if (!result.ok) return jsonError(c, result.status, result.error);
  consoleLog("info", "alertmanager webhook", {
    group: payload.groupKey,
    alerts: payload.alerts.length,
    changed: result.changed?.length ?? 0,
    ignored: result.ignored ?? 0,
  });
  return c.json({ changed: result.changed ?? [], ignored: result.ignored ?? 0 });
});
