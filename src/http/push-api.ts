import { type Context, Hono } from "hono";
import type { Config } from "../config/schema";
import type { PushMonitor } from "../config/push-monitor";
import { coordinatorOf } from "../coordinator/coordinator";
import { consoleLog } from "../core/log";
import { Beat, MIN_BEAT_GAP_MS } from "../probes/push";
import type { AppEnv } from "./app-env";
import { bodyCap } from "./body-cap";
import { matchesEach } from "./constant-time";
import { fieldError, jsonError } from "./error-body";
import { type ConfiguredEnv, withConfig } from "./with-config";

/**
 * Heartbeats: `POST /api/push/<id>` (or GET, for a bare `curl`) with `Authorization: Bearer <token>`, the token being
 * the Worker secret the monitor names in `tokenSecret`. The body is optional (`{ status, message, latencyMs, checks }`).
 *
 * Which ids exist is not told to anyone without a token: the token is compared, in constant time, with every push
 * monitor's (the same work whatever the id), and a caller whose token fits no monitor gets the same 401 whether the id
 * exists or not. Only a caller holding some push monitor's token learns that an id is unknown (404).
 */
export const push = new Hono<AppEnv>();

push.use(bodyCap);

/** Per isolate, when each monitor may beat again: a job in a loop is refused here without a Durable Object request. */
const refusedUntil = new Map<string, number>();
const MAX_REMEMBERED = 1_000;

push.on(["GET", "POST"], "/:id", withConfig, async (c) => {
  c.header("Cache-Control", "no-store");
  const monitor = await authorize(c, c.var.config, c.req.param("id"));
  if (monitor instanceof Response) return monitor;

  const now = Date.now();
  const until = refusedUntil.get(monitor.id) ?? 0;
  if (now < until) return tooSoon(c, until - now);

  const beat = await readBeat(c);
  if (beat instanceof Response) return beat;
  const stored = await coordinatorOf(c.env).beat(monitor.id, beat, now);
  if (!stored.stored) {
    remember(monitor.id, now + stored.retryAfterMs);
    return tooSoon(c, stored.retryAfterMs);
  }
  remember(monitor.id, now + MIN_BEAT_GAP_MS);
  return c.json({ accepted: true, monitor: monitor.id, at: new Date(now).toISOString(), status: beat.status });
});

/** The push monitor the bearer token opens, or the refusal: 401 without one that fits, 404 for a fitting token and an unknown id. */
async function authorize(c: Context<ConfiguredEnv>, config: Config, id: string): Promise<PushMonitor | Response> {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header("Authorization") ?? "");
  const given = match?.[1] ?? "";
  const monitors = config.monitors.filter((m): m is PushMonitor => m.type === "push");
  const expected = monitors.map((m) => secretValue(c.env, m.tokenSecret));
  monitors.forEach((m, i) => {
    if (!expected[i]) consoleLog("error", "push monitor has no token: its secret is not set", { monitor: m.id, secret: m.tokenSecret });
  });
  // Every push monitor's token is compared, always: the time taken does not depend on the id asked for.
  const fits = (await matchesEach(given, expected)).map((fit) => fit && match !== null);
  const index = monitors.findIndex((m) => m.id === id);
  if (index >= 0 && fits[index]) return monitors[index]!;
  if (index < 0 && fits.some(Boolean)) return jsonError(c, 404, "unknown push monitor", { parameter: "id" });
  c.header("WWW-Authenticate", 'Bearer realm="edgewatch-push"');
  return jsonError(c, 401, match ? "wrong token" : "missing bearer token");
}

function secretValue(env: unknown, name: string): string | undefined {
  const value = (env as Record<string, unknown>)[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The beat a request carries: none (GET, or an empty body) is a plain "up"; anything else must be a valid beat. */
async function readBeat(c: Context<ConfiguredEnv>): Promise<Beat | Response> {
  const text = c.req.method === "POST" ? await c.req.text() : "";
  let raw: unknown = {};
  if (text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch {
      return jsonError(c, 400, "the body must be JSON", { field: "(body)" });
    }
  }
  const parsed = Beat.safeParse(raw);
  return parsed.success ? parsed.data : fieldError(c, parsed.error);
}

function tooSoon(c: Context<ConfiguredEnv>, retryAfterMs: number) {
  c.header("Retry-After", String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return jsonError(c, 429, `at most one beat every ${MIN_BEAT_GAP_MS / 1000} s per monitor`);
}

function remember(id: string, until: number): void {
  if (refusedUntil.size >= MAX_REMEMBERED) refusedUntil.clear();
  refusedUntil.set(id, until);
}
