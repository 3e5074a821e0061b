import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { Hono } from "hono";
import type { Bindings } from "../../src/env/deps";
import { type AppEnv, app } from "../../src/http/app";
import type { Incident } from "../../src/incidents/types";
import { LATEST_KEY } from "../../src/storage/r2-latest-store";
import type { LatestSnapshot } from "../../src/decide/snapshot";
import { minutesAgo } from "./fixtures";

/** The Worker's own app: the faces are tested as they are mounted, not through a copy of the wiring. */
export function facesApp(): Hono<AppEnv> {
  return app;
}

let served = 0;

/**
 * A GET through the faces app with a real execution context. Each call gets an origin of its own unless one is
 * given, so the edge cache (shared by every test in the isolate) never answers one test with another's data.
 */
export async function faceGet(
  bindings: Bindings,
  path: string,
  options: { headers?: Record<string, string>; origin?: string } = {},
): Promise<Response> {
  const origin = options.origin ?? `http://t${++served}-${crypto.randomUUID().slice(0, 8)}.edgewatch.test`;
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`${origin}${path}`, { headers: options.headers ?? {} }), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

type UptimeRecord = Record<string, Record<"24h" | "7d" | "30d" | "90d", number | null>>;

/** Writes latest.json as a tick would have (with per-monitor uptime when given, as the history tick stores it). */
export async function seedLatest(
  monitors: LatestSnapshot["monitors"],
  incidents: Incident[] = [],
  tickAt = minutesAgo(0),
  options: { uptime?: UptimeRecord; bucket?: R2Bucket } = {},
): Promise<void> {
  const snapshot = {
    version: 1,
    tickAt,
    durationMs: 120,
    kv: null,
    incidents: { tracks: {}, incidents },
    unsavedIncidents: [],
    monitors,
    uptime: options.uptime ?? {},
  };
  await (options.bucket ?? env.HISTORY).put(LATEST_KEY, JSON.stringify(snapshot));
}
