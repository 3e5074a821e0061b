import { Hono } from "hono";
import { cors } from "hono/cors";
import { etag } from "hono/etag";
import type { AppEnv } from "./app-env";
import { edgeCache } from "./edge-cache";
import { incidentsApi } from "./incidents-api";
import { invalidConfig } from "./error-body";
import { loadStatusView } from "./load-view";

export const api = new Hono<AppEnv>();

api.use(cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"] }));
api.use(etag());

api.get("/status", edgeCache(), async (c) => {
  const loaded = await loadStatusView(c.env);
  if (!loaded.ok) return invalidConfig(c, loaded.errors);
  c.header("Cache-Control", `public, max-age=${loaded.maxAge}`);
  return c.json(loaded.view);
});

api.route("/incidents", incidentsApi);
