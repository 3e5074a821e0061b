import type { Context } from "hono";
import type { Config } from "../config/schema";
import { loadConfig } from "../config/source";
import { type Bindings, storesFrom } from "../env/deps";
import { consoleLog } from "../core/log";
import { publicSnapshot, publicState } from "../read-model/public-view";
import { buildStatusView, type StatusView } from "../read-model/status-view";
import { readCurrent } from "../storage/read-current";
import { freshFor, tickMsOf } from "./fresh-for";

/** `config` carries the maintenance windows opened through the admin API after the config's own. */
export type LoadedView = { ok: true; config: Config; view: StatusView; nowMs: number; maxAge: number } | { ok: false; errors: string[] };

/**
 * The one read every public face makes: the config, then the latest tick from R2 (or, only when that fails, the KV
 * state), as the status view. One R2 read on the normal path; the seconds the answer stays fresh come with it.
 * Public faces get what a visitor may see (src/read-model/public-view.ts); the admin API asks for everything.
 */
export async function loadStatusView(env: Bindings, nowMs = Date.now(), audience: "public" | "admin" = "public"): Promise<LoadedView> {
  const config = loadConfig(env);
  if (!config.ok) return { ok: false, errors: config.errors };
  const current = await readCurrent(storesFrom(env), consoleLog);
  const shown =
    audience === "admin"
      ? current
      : {
          latest: current.latest && publicSnapshot(config.config, current.latest),
          state: current.state && publicState(config.config, current.state),
        };
  const view = buildStatusView(config.config, shown, nowMs);
  // Windows opened through the admin API are maintenance like the config's: every face lists them the same way.
  const admin = current.latest?.adminMaintenance ?? [];
  const withAdmin = admin.length ? { ...config.config, maintenance: [...config.config.maintenance, ...admin] } : config.config;
  return { ok: true, config: withAdmin, view, nowMs, maxAge: freshFor(view.updatedAt, view.stale, nowMs, tickMsOf(env)) };
}

/** The origin the request came in on (`https://status.example.com`): absolute links in the faces point back to it. */
export function originOf(c: Context): string {
  return new URL(c.req.url).origin;
}
