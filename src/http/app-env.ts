import type { Bindings } from "../env/deps";

/**
 * The Hono environment of the app and of every sub-app. It lives apart from app.ts so that the sub-apps need not
 * import the module that imports them: app.ts depends on the sub-apps, never the other way round.
 */
export type AppEnv = { Bindings: Bindings };
