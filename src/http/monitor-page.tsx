import { Hono } from "hono";
import { etag } from "hono/etag";
import { buildMonitorPageView } from "../read-model/monitor-page";
import { pageChrome } from "../read-model/page-chrome";
import { publicSnapshot } from "../read-model/public-view";
import type { AppEnv } from "./app-env";
import { freshFor, tickMsOf } from "./fresh-for";
import { readMonitorPageData } from "./monitor-data";
import { configOf, invalidConfigPage, localeFor, notFoundPage, pageCache, refreshOf, send } from "./page-response";
import { CHART_CSS } from "./views/latency-chart";
import { pageCss } from "./views/layout";
import { MonitorPage } from "./views/monitor-page";
import { monitorHref } from "./views/monitor-row";
import { spanCss } from "./views/uptime-bar";

/**
 * `/monitors/:id`, the page of one monitor (mount with `app.route("/monitors", monitorPage)`): cached at the edge and
 * in the isolate like the other pages, per language; an id the config does not have is a 404 page, answered before
 * anything is read.
 */
export const monitorPage = new Hono<AppEnv>();

monitorPage.get("/:id", etag(), pageCache, async (c) => {
  const config = configOf(c);
  const locale = localeFor(c, config);
  if (!config) return invalidConfigPage(c, locale);
  const chrome = pageChrome(config, locale);
  const id = c.req.param("id");
  if (!config.monitors.some((m) => m.id === id)) return notFoundPage(c, chrome, locale.t.notFound.monitor);
  const nowMs = Date.now();
  const data = await readMonitorPageData(c.env, id, nowMs);
  const latest = data.latest && publicSnapshot(config, data.latest);
  const view = buildMonitorPageView({ config, ...data, latest, id, nowMs, locale })!;
  const css = pageCss(chrome, CHART_CSS + spanCss(view.monitor.days));
  const fresh = freshFor(view.updatedAt, view.stale, nowMs, tickMsOf(c.env));
  // A gap from a failed read is retried soon rather than kept for a whole tick.
  c.header("Cache-Control", `public, max-age=${data.incomplete ? Math.min(5, fresh) : fresh}`);
  const page = <MonitorPage view={view} chrome={chrome} css={css} nowMs={nowMs} refresh={refreshOf(c, monitorHref(id))} />;
  return send(c, page, css, chrome, 200);
});
