import { createMiddleware } from "hono/factory";
import type { Config } from "../config/schema";
import { loadConfig } from "../config/source";
import type { AppEnv } from "./app-env";
import { invalidConfig } from "./error-body";

/** The environment of a route behind {@link withConfig}: the parsed config is `c.var.config`. */
export type ConfiguredEnv = AppEnv & { Variables: { config: Config } };

/**
 * Loads the config for the request and hands it on as `c.var.config`, so no handler parses or checks it itself.
 * An invalid config is answered here (500 naming the problems); a handler only ever sees a valid one. Attach it to
 * routes, after their cheaper checks (token, query), so a bad request is refused before the config is touched.
 */
export const withConfig = createMiddleware<ConfiguredEnv>(async (c, next) => {
  const loaded = loadConfig(c.env); // parsed once per isolate: this is a cache lookup
  if (!loaded.ok) return invalidConfig(c, loaded.errors);
  c.set("config", loaded.config);
  await next();
});
