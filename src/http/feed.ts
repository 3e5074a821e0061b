import { Hono } from "hono";
import { etag } from "hono/etag";
import { ATOM_CONTENT_TYPE, atomFeed } from "../read-model/atom-feed";
import type { AppEnv } from "./app-env";
import { edgeCache } from "./edge-cache";
import { invalidConfig } from "./error-body";
import { loadStatusView, originOf } from "./load-view";

/** `/feed.atom`: the incidents as an Atom feed. Mounted at `/feed.atom`. */
export const feed = new Hono<AppEnv>();

feed.use(etag());
feed.use(edgeCache());
feed.get("/", async (c) => {
  const loaded = await loadStatusView(c.env);
  if (!loaded.ok) return invalidConfig(c, loaded.errors);
  c.header("Cache-Control", `public, max-age=${loaded.maxAge}`);
  c.header("Content-Type", ATOM_CONTENT_TYPE);
  // With publicUrl set, ids and links are the same whichever hostname a reader subscribed through: no duplicates.
  const base = loaded.config.publicUrl ? loaded.config.publicUrl.replace(/\/+$/, "") : originOf(c);
  return c.body(atomFeed(loaded.view, base, loaded.nowMs));
});
