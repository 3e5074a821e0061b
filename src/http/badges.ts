import { type Context, Hono } from "hono";
import { cors } from "hono/cors";
import { etag } from "hono/etag";
import * as z from "zod";
import { BADGE_METRICS, BADGE_WINDOWS, badgeFor, badgeSvg, endpointJson } from "../read-model/badge";
import type { AppEnv } from "./app-env";
import { edgeCache } from "./edge-cache";
import { invalidConfig, jsonError } from "./error-body";
import { loadStatusView } from "./load-view";
import { validQuery } from "./validate";
import { type ConfiguredEnv, withConfig } from "./with-config";
import { tickMsOf } from "./fresh-for";

/**
 * Badges. `badges` is mounted at `/badge` and serves `/badge/:id.svg`; `badgeEndpoint` is mounted at `/api/badge` and
 * serves shields.io endpoint JSON at `/api/badge/:id`. Both take `?metric=status|uptime|latency` (default status) and
 * `?window=24h|7d|30d|90d` (default 30d, used by uptime). Other query parameters (cache busters) are ignored, and
 * left out of the edge cache's key.
 */
export const badges = new Hono<AppEnv>();
export const badgeEndpoint = new Hono<AppEnv>();

const Query = z.object({
  metric: z.enum(BADGE_METRICS).default("status"),
  window: z.enum(BADGE_WINDOWS).default("30d"),
});

type Found = { response: Response } | { badge: ReturnType<typeof badgeFor>; maxAge: number };

/** The monitor's badge; the id is checked against the config first, so an unknown one costs no storage read. */
async function findBadge(c: Context<ConfiguredEnv>, id: string, query: z.output<typeof Query>): Promise<Found> {
  const monitor = c.var.config.monitors.find((m) => m.id === id);
  if (!monitor) {
    c.header("Cache-Control", "no-store");
    return { response: jsonError(c, 404, "unknown monitor", { parameter: "id" }) };
  }
  const loaded = await loadStatusView(c.env);
  if (!loaded.ok) return { response: invalidConfig(c, loaded.errors) };
  const view = loaded.view.monitors.find((m) => m.id === id)!;
  return { badge: badgeFor(view, query.metric, query.window, monitor.degradedAfterMs), maxAge: loaded.maxAge };
}

badges.use(etag());
badges.use(edgeCache({ query: Query }));
// Only `<id>.svg`: any other file under /badge is the app's 404.
badges.get("/:file{[^/]+\\.svg}", validQuery(Query), withConfig, async (c) => {
  const found = await findBadge(c, c.req.param("file").slice(0, -".svg".length), c.req.valid("query"));
  if ("response" in found) return found.response;
  c.header("Cache-Control", `public, max-age=${found.maxAge}`);
  // A badge is an image: nothing in it may run or load anything, even opened on its own.
  c.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
  c.header("Content-Type", "image/svg+xml; charset=utf-8");
  return c.body(badgeSvg(found.badge));
});

badgeEndpoint.use(cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"] }));
badgeEndpoint.use(etag());
badgeEndpoint.use(edgeCache({ query: Query }));
badgeEndpoint.get("/:id", validQuery(Query), withConfig, async (c) => {
  const found = await findBadge(c, c.req.param("id"), c.req.valid("query"));
  if ("response" in found) return found.response;
  c.header("Cache-Control", `public, max-age=${found.maxAge}`);
  return c.json(endpointJson(found.badge, Math.round(tickMsOf(c.env) / 1000)));
});
