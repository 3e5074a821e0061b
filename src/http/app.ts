import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { consoleLog } from "../core/log";
import { admin } from "./admin-api";
import { alertmanagerReceiver } from "./alertmanager-receiver";
import { api } from "./api";
import type { AppEnv } from "./app-env";
import { badgeEndpoint, badges } from "./badges";
import { jsonError } from "./error-body";
import { feed } from "./feed";
import { frontCache } from "./front-cache";
import { health } from "./health";
import { history } from "./history-api";
import { metrics } from "./metrics";
import { monitorPage } from "./monitor-page";
import { pages } from "./pages";
import { push } from "./push-api";
import { statuspageApi } from "./statuspage-api";

// Tests and older callers import the type from here; the sub-apps take it from app-env.ts.
export type { AppEnv } from "./app-env";

export const app = new Hono<AppEnv>();

/** Answers this isolate already sent and may still send: the Worker's fetch() asks it before the app. */
export const front = frontCache();

// First of all (for requests that come through the app itself, as in tests): the same answers, nothing else run.
app.use(front.middleware);

// Hono's defaults, less two that would break what the Worker is for. No CSP here: the status page and the badges
// set their own (the page's allows its stylesheet by hash), and a JSON answer needs none.
app.use(
  secureHeaders({
    // Badges are <img>s in other sites' READMEs and the JSON API is fetched cross-origin (CORS): same-origin would block them.
    crossOriginResourcePolicy: false,
    // Whether a whole domain is HTTPS-only for months is the zone owner's decision (Cloudflare's HSTS setting), not a Worker's.
    strictTransportSecurity: false,
    // Nothing here is meant to be framed (the page's CSP says frame-ancestors 'none' too).
    xFrameOptions: "DENY",
  }),
);

// One sub-app per face, most specific paths first.
const faces: [string, Hono<AppEnv>][] = [
  ["/api/admin", admin],
  ["/api/v2", statuspageApi],
  ["/api/badge", badgeEndpoint],
  ["/badge", badges],
  ["/metrics", metrics],
  ["/feed.atom", feed],
  ["/api/alertmanager", alertmanagerReceiver],
  ["/api/push", push],
  ["/api", api],
  ["/api", history],
  ["/health", health],
  ["/monitors", monitorPage],
  ["/", pages],
];
for (const [path, face] of faces) app.route(path, face);

app.notFound((c) => {
  c.header("Cache-Control", "no-store");
  return jsonError(c, 404, "not found", { path: new URL(c.req.url).pathname });
});
app.onError((error, c) => {
  consoleLog("error", "request failed", { path: new URL(c.req.url).pathname, error: String(error) });
  return jsonError(c, 500, "internal error");
});
