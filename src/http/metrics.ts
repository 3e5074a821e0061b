import { Hono } from "hono";
import { etag } from "hono/etag";
import { METRICS_CONTENT_TYPE, metricsText } from "../read-model/metrics-text";
import type { AppEnv } from "./app";
import { bearerMatches } from "./constant-time";
import { edgeCache } from "./edge-cache";
import { invalidConfig, loadStatusView } from "./load-view";

/**
 * `/metrics` for Prometheus (text format 0.0.4). Open by default and cached at the edge like the other public faces;
 * when the Worker secret `METRICS_TOKEN` is set, only `Authorization: Bearer <token>` gets in (compared in constant
 * time), everything else 401, and nothing is cached at the edge.
 */
export const metrics = new Hono<AppEnv>();

const tokenOf = (env: unknown): string | undefined => {
  const value = (env as { METRICS_TOKEN?: unknown } | undefined)?.METRICS_TOKEN;
  return typeof value === "string" && value !== "" ? value : undefined;
};

// Before the cache: a request without the token must never be answered from it.
metrics.use(async (c, next) => {
  const token = tokenOf(c.env);
  if (token === undefined) return next();
  if (await bearerMatches(c.req.header("Authorization"), token)) return next();
  c.header("WWW-Authenticate", 'Bearer realm="edgewatch metrics"');
  c.header("Cache-Control", "no-store");
  return c.json({ error: "unauthorized" }, 401);
});
metrics.use(etag());
metrics.use(edgeCache());

metrics.get("/", async (c) => {
  const loaded = await loadStatusView(c.env);
  if (!loaded.ok) return invalidConfig(c, loaded.errors);
  c.header("Cache-Control", tokenOf(c.env) === undefined ? `public, max-age=${loaded.maxAge}` : `private, max-age=${loaded.maxAge}`);
  c.header("Content-Type", METRICS_CONTENT_TYPE);
  return c.body(metricsText(loaded.view));
});
