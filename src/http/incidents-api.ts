import { Hono } from "hono";
import * as z from "zod";
import { storesFrom } from "../env/deps";
import { publicIncident } from "../read-model/public-view";
import { decodeCursor } from "../storage/r2-incident-store";
import type { AppEnv } from "./app-env";
import { edgeCache } from "./edge-cache";
import { jsonError } from "./error-body";
import { validQuery } from "./validate";
import { withConfig } from "./with-config";

export const incidentsApi = new Hono<AppEnv>();

const ListQuery = z.strictObject({
  status: z.enum(["open", "resolved"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .refine((c) => decodeCursor(c) !== undefined, "not a cursor this API gave out")
    .optional(),
});

incidentsApi.get("/", edgeCache({ query: ListQuery }), validQuery(ListQuery), withConfig, async (c) => {
  const page = await storesFrom(c.env).incidents.listIncidents(c.req.valid("query"));
  c.header("Cache-Control", "public, max-age=30");
  return c.json({ ...page, incidents: page.incidents.map((i) => publicIncident(c.var.config, i)) });
});

incidentsApi.get("/:id", edgeCache(), withConfig, async (c) => {
  const found = await storesFrom(c.env).incidents.getIncident(c.req.param("id"));
  if (found.kind !== "ok")
    return jsonError(c, 404, found.kind === "corrupt" ? "incident record is unreadable" : "unknown incident", { parameter: "id" });
  c.header("Cache-Control", found.value.status === "resolved" ? "public, max-age=300" : "public, max-age=30");
  return c.json(publicIncident(c.var.config, found.value));
});
