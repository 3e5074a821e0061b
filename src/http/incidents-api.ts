import { Hono } from "hono";
import * as z from "zod";
import { loadConfig } from "../config/source";
import { storesFrom } from "../deps";
import { publicIncident } from "../read-model/public-view";
import { decodeCursor } from "../storage/r2-incident-store";
import type { AppEnv } from "./app";
import { edgeCache } from "./edge-cache";
import { invalidConfig } from "./load-view";
import { parameterError } from "./parameter-error";

export const incidentsApi = new Hono<AppEnv>();

const ListQuery = z.strictObject({
  status: z.enum(["open", "resolved"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .refine((c) => decodeCursor(c) !== undefined, "not a cursor this API gave out")
    .optional(),
});

incidentsApi.get("/", edgeCache({ query: ListQuery }), async (c) => {
  const query = ListQuery.safeParse(c.req.query());
  if (!query.success) return parameterError(c, query.error);
  const config = loadConfig(c.env);
  if (!config.ok) return invalidConfig(c, config.errors);
  const page = await storesFrom(c.env).incidents.listIncidents(query.data);
  c.header("Cache-Control", "public, max-age=30");
  return c.json({ ...page, incidents: page.incidents.map((i) => publicIncident(config.config, i)) });
});

incidentsApi.get("/:id", edgeCache(), async (c) => {
  const id = c.req.param("id");
  const config = loadConfig(c.env);
  if (!config.ok) return invalidConfig(c, config.errors);
  const found = await storesFrom(c.env).incidents.getIncident(id);
  if (found.kind !== "ok") return c.json({ error: found.kind === "corrupt" ? "incident record is unreadable" : "unknown incident", parameter: "id" }, 404);
  c.header("Cache-Control", found.value.status === "resolved" ? "public, max-age=300" : "public, max-age=30");
  return c.json(publicIncident(config.config, found.value));
});
