import { Hono } from "hono";
import { cors } from "hono/cors";
import { etag } from "hono/etag";
import { componentsDocument, incidentsDocument, maintenancesDocument, statusDocument, summaryDocument } from "../read-model/statuspage";
import type { StatuspageInput } from "../read-model/statuspage-page";
import type { AppEnv } from "./app-env";
import { edgeCache } from "./edge-cache";
import { invalidConfig } from "./error-body";
import { loadStatusView, originOf } from "./load-view";

/**
 * Atlassian Statuspage's public v2 API, mounted at `/api/v2`: status.json, summary.json, components.json,
 * incidents.json, incidents/unresolved.json, and scheduled-maintenances.json with its upcoming.json and active.json
 * (built from the config's maintenance windows and those opened through the admin API). One R2 read per uncached request; cached at the edge until the next
 * tick's results are due.
 */
export const statuspageApi = new Hono<AppEnv>();

statuspageApi.use(cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"] }));
statuspageApi.use(etag());
statuspageApi.use(edgeCache());

const documents: Record<string, (input: StatuspageInput) => unknown> = {
  "/status.json": statusDocument,
  "/summary.json": summaryDocument,
  "/components.json": componentsDocument,
  "/incidents.json": (input) => incidentsDocument(input, "all"),
  "/incidents/unresolved.json": (input) => incidentsDocument(input, "unresolved"),
  "/scheduled-maintenances.json": (input) => maintenancesDocument(input, "all"),
  "/scheduled-maintenances/upcoming.json": (input) => maintenancesDocument(input, "upcoming"),
  "/scheduled-maintenances/active.json": (input) => maintenancesDocument(input, "active"),
};

for (const [path, build] of Object.entries(documents)) {
  statuspageApi.get(path, async (c) => {
    const loaded = await loadStatusView(c.env);
    if (!loaded.ok) return invalidConfig(c, loaded.errors);
    c.header("Cache-Control", `public, max-age=${loaded.maxAge}`);
    return c.json(build({ config: loaded.config, view: loaded.view, origin: originOf(c), nowMs: loaded.nowMs }));
  });
}
