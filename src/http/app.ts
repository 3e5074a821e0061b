import { Hono } from "hono";
import type { Bindings } from "../deps";
import { consoleLog } from "../log";
import { admin } from "./admin-api";
import { alertmanagerReceiver } from "./alertmanager-receiver";
import { api } from "./api";
import { badgeEndpoint, badges } from "./badges";
import { feed } from "./feed";
import { metrics } from "./metrics";
import { pages } from "./pages";
import { statuspageApi } from "./statuspage-api";
import { health } from "./health";
import { history } from "./history-api";

export type AppEnv = { Bindings: Bindings };

export const app = new Hono<AppEnv>();

app.use(async (c, next) => {
  await next();
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "no-referrer");
});

app.route("/api/admin", admin);
app.route("/api/v2", statuspageApi);
app.route("/api/badge", badgeEndpoint);
app.route("/badge", badges);
app.route("/metrics", metrics);
app.route("/feed.atom", feed);
app.route("/api/alertmanager", alertmanagerReceiver);
app.route("/api", api);
app.route("/api", history);
app.route("/health", health);
app.route("/", pages);

app.notFound((c) => c.json({ error: "not found", path: new URL(c.req.url).pathname }, 404));
app.onError((error, c) => {
  consoleLog("error", "request failed", { path: new URL(c.req.url).pathname, error: String(error) });
  return c.json({ error: "internal error" }, 500);
});
