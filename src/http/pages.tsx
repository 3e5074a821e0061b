import { type Context, Hono } from "hono";
import { etag } from "hono/etag";
import type { JSX } from "hono/jsx/jsx-runtime";
import * as z from "zod";
import { loadConfig } from "../config/source";
import { pageIncident } from "../read-model/page-incidents";
import { buildPageView } from "../read-model/page-view";
import { publicIncident, publicSnapshot } from "../read-model/public-view";
import type { AppEnv } from "./app-env";
import { edgeCache } from "./edge-cache";
import { freshFor, tickMsOf } from "./fresh-for";
import { readIncident, readPageData } from "./page-data";
import { BASE_CSS } from "./views/layout";
import { IncidentPage, MessagePage, type Refresh, StatusPage } from "./views/status-page";
import { spanCss } from "./views/uptime-bar";

/**
 * The public status page, server-rendered: `/` and `/incidents/:id`. No script at all; one inline stylesheet allowed
 * by its hash. Mount with `app.route("/", pages)`. Middleware is attached to each route, never with `use()`, so that
 * mounting at `/` adds nothing to the app's other routes.
 */
export const pages = new Hono<AppEnv>();

/** The one parameter the page knows: `refresh=off`. Anything else, and any other value, is the default. */
const PageQuery = z.object({
  refresh: z
    .string()
    .optional()
    .transform((v) => (v === "off" ? "off" : undefined)),
});

pages.get("/", etag(), edgeCache({ query: PageQuery }), async (c) => {
  const config = loadConfig(c.env);
  if (!config.ok) return invalidConfigPage(c);
  const nowMs = Date.now();
  const data = await readPageData(c.env);
  const view = buildPageView({ config: config.config, ...data, latest: data.latest && publicSnapshot(config.config, data.latest), nowMs });
  const css = BASE_CSS + spanCss(view.groups.flatMap((g) => g.monitors.flatMap((m) => m.days)));
  c.header("Cache-Control", `public, max-age=${freshFor(view.updatedAt, view.stale, nowMs, tickMsOf(c.env))}`);
  return send(c, <StatusPage view={view} css={css} nowMs={nowMs} refresh={refreshOf(c, "/")} />, css, 200);
});

pages.get("/incidents/:id", etag(), edgeCache({ query: PageQuery }), async (c) => {
  const config = loadConfig(c.env);
  if (!config.ok) return invalidConfigPage(c);
  const { title, monitors } = config.config;
  const found = await readIncident(c.env, c.req.param("id"));
  const incident = found && publicIncident(config.config, found);
  if (!incident) {
    c.header("Cache-Control", "public, max-age=60");
    const page = (
      <MessagePage
        title={title}
        heading="Incident not found"
        text="There is no incident with this address. It may have been mistyped."
        css={BASE_CSS}
      />
    );
    return send(c, page, BASE_CSS, 404);
  }
  const nowMs = Date.now();
  const names = new Map(monitors.map((m) => [m.id, m.name]));
  // An open incident changes with the ticks (at most half a tick old, 30 s in production); a resolved one hardly ever.
  const openFor = Math.max(1, Math.min(30, Math.floor(tickMsOf(c.env) / 2000)));
  c.header("Cache-Control", `public, max-age=${incident.status === "open" ? openFor : 300}`);
  const refresh = refreshOf(c, `/incidents/${encodeURIComponent(incident.id)}`);
  return send(
    c,
    <IncidentPage title={title} incident={pageIncident(incident, names)} css={BASE_CSS} nowMs={nowMs} refresh={refresh} />,
    BASE_CSS,
    200,
  );
});

/** The page refreshes itself every minute unless asked not to with `?refresh=off` (WCAG 2.2.1: a way to turn it off). */
function refreshOf(c: Context<AppEnv>, path: string): Refresh {
  return { on: c.req.query("refresh") !== "off", path };
}

function invalidConfigPage(c: Context<AppEnv>) {
  c.header("Cache-Control", "no-store");
  const page = (
    <MessagePage
      title="Status"
      heading="Status unavailable"
      text="The status page cannot be shown: its configuration is invalid."
      css={BASE_CSS}
    />
  );
  return send(c, page, BASE_CSS, 500);
}

/**
 * Renders the page with its CSP, which allows no script and only this page's stylesheet. The other security headers
 * (nosniff, no referrer, no framing) are the app's secureHeaders(), the same for every route.
 */
async function send(c: Context<AppEnv>, page: JSX.Element, css: string, status: 200 | 404 | 500) {
  const html = `<!doctype html>${await page}`;
  c.header("Content-Security-Policy", await contentSecurityPolicy(css));
  return c.html(html, status);
}

const policies = new Map<string, string>();

/** `default-src 'none'`, and the stylesheet by its SHA-256: an injected style or script would not run. */
export async function contentSecurityPolicy(css: string): Promise<string> {
  let policy = policies.get(css);
  if (!policy) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(css));
    const hash = btoa(String.fromCharCode(...new Uint8Array(digest)));
    policy = `default-src 'none'; style-src 'sha256-${hash}'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
    if (policies.size > 100) policies.clear();
    policies.set(css, policy);
  }
  return policy;
}
