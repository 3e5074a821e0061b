import { Hono } from "hono";
import { cors } from "hono/cors";
import { etag } from "hono/etag";
import { loadConfig } from "../config/source";
import { storesFrom } from "../deps";
import { consoleLog } from "../log";
import { buildStatusView } from "../read-model/status-view";
import { readCurrent } from "../storage/read-current";
import type { AppEnv } from "./app";
import { freshFor } from "./fresh-for";
import { incidentsApi } from "./incidents-api";

export const api = new Hono<AppEnv>();

api.use(cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"] }));
api.use(etag());

api.get("/status", async (c) => {
  const config = loadConfig(c.env);
  if (!config.ok) return c.json({ error: "invalid configuration", errors: config.errors }, 500);
  const now = Date.now();
  const view = buildStatusView(config.config, await readCurrent(storesFrom(c.env), consoleLog), now);
  c.header("Cache-Control", `public, max-age=${freshFor(view.updatedAt, view.stale, now)}`);
  return c.json(view);
});

api.route("/incidents", incidentsApi);
