import { Hono } from "hono";
import { etag } from "hono/etag";
import { metricsTargets } from "../read-model/metrics-targets";
import { METRICS_CONTENT_TYPE, metricsText } from "../read-model/metrics-text";
import type { AppEnv } from "./app-env";
import { edgeCache } from "./edge-cache";
import { invalidConfig } from "./error-body";
import { loadStatusView } from "./load-view";
import { requireToken, secretOf } from "./require-token";

/**
 * `/metrics` for Prometheus (text format 0.0.4). Open by default and cached at the edge like the other public faces;
 * when the Worker secret `METRICS_TOKEN` is set, only `Authorization: Bearer <token>` gets in (compared in constant
 * time), everything else 401, and nothing is cached at the edge. Each series' `instance` is the monitor's target
 * (URL or host:port, as blackbox's relabelling sets it) only behind the token or for monitors marked `public`; on the
 * open endpoint every other monitor's `instance` is its id (src/read-model/metrics-targets.ts).
 */
export const metrics = new Hono<AppEnv>();

// Before the cache: a request without the token must never be answered from it.
metrics.use(requireToken({ secrets: ["METRICS_TOKEN"], realm: "edgewatch metrics", whenUnset: "open", wrongTokenStatus: 401 }));
metrics.use(etag());
metrics.use(edgeCache());

metrics.get("/", async (c) => {
  const loaded = await loadStatusView(c.env);
  if (!loaded.ok) return invalidConfig(c, loaded.errors);
  // With the secret set, requireToken let in only the token's holder: the answer is theirs alone (no shared cache may
  // keep it), and it may name every target. Open, it is everyone's: only the public monitors' targets.
  const authenticated = secretOf(c.env, ["METRICS_TOKEN"]) !== undefined;
  c.header("Cache-Control", `${authenticated ? "private" : "public"}, max-age=${loaded.maxAge}`);
  c.header("Content-Type", METRICS_CONTENT_TYPE);
  return c.body(metricsText(loaded.view, metricsTargets(loaded.config, authenticated ? "all" : "public")));
});
