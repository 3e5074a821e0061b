import { Hono } from "hono";
import { etag } from "hono/etag";
import { pageChrome } from "../read-model/page-chrome";
import { pageIncident } from "../read-model/page-incidents";
import { buildPageView } from "../read-model/page-view";
import { publicIncident, publicSnapshot } from "../read-model/public-view";
import type { AppEnv } from "./app-env";
import { freshFor, tickMsOf } from "./fresh-for";
import { readIncident, readPageData } from "./page-data";
import { configOf, invalidConfigPage, localeFor, notFoundPage, pageCache, refreshOf, send } from "./page-response";
import { pageCss } from "./views/layout";
import { IncidentPage, StatusPage } from "./views/status-page";
import { spanCss } from "./views/uptime-bar";

/**
 * The public status page, server-rendered: `/` and `/incidents/:id` (`/monitors/:id` is monitor-page.tsx). No script
 * at all; one inline stylesheet allowed by its hash. Mount with `app.route("/", pages)`. Middleware is attached to
 * each route, never with `use()`, so that mounting at `/` adds nothing to the app's other routes.
 */
export const pages = new Hono<AppEnv>();

pages.get("/", etag(), pageCache, async (c) => {
  const config = configOf(c);
  const locale = localeFor(c, config);
  if (!config) return invalidConfigPage(c, locale);
  const nowMs = Date.now();
  const data = await readPageData(c.env);
  const latest = data.latest && publicSnapshot(config, data.latest);
  const view = buildPageView({ config, ...data, latest, nowMs, locale });
  const chrome = pageChrome(config, locale);
  const css = pageCss(chrome, spanCss(view.groups.flatMap((g) => g.monitors.flatMap((m) => m.days))));
  c.header("Cache-Control", `public, max-age=${freshFor(view.updatedAt, view.stale, nowMs, tickMsOf(c.env))}`);
  return send(c, <StatusPage view={view} chrome={chrome} css={css} nowMs={nowMs} refresh={refreshOf(c, "/")} />, css, chrome, 200);
});

pages.get("/incidents/:id", etag(), pageCache, async (c) => {
  const config = configOf(c);
  const locale = localeFor(c, config);
  if (!config) return invalidConfigPage(c, locale);
  const chrome = pageChrome(config, locale);
  const found = await readIncident(c.env, c.req.param("id"));
  const incident = found && publicIncident(config, found);
  if (!incident) return notFoundPage(c, chrome, locale.t.notFound.incident);
  const nowMs = Date.now();
  const names = new Map(config.monitors.map((m) => [m.id, m.name]));
  // An open incident changes with the ticks (at most half a tick old, 30 s in production); a resolved one hardly ever.
  const openFor = Math.max(1, Math.min(30, Math.floor(tickMsOf(c.env) / 2000)));
  c.header("Cache-Control", `public, max-age=${incident.status === "open" ? openFor : 300}`);
  const refresh = refreshOf(c, `/incidents/${encodeURIComponent(incident.id)}`);
  const css = pageCss(chrome);
  const page = <IncidentPage chrome={chrome} incident={pageIncident(incident, names)} css={css} nowMs={nowMs} refresh={refresh} />;
  return send(c, page, css, chrome, 200);
});
