import { Hono } from "hono";
import { loadConfig } from "../config/source";
import { storesFrom } from "../env/deps";
import { consoleLog } from "../core/log";
import { STALE_AFTER_MS } from "../read-model/status-view";
import { readCurrent } from "../storage/read-current";
import type { AppEnv } from "./app-env";
import { edgeCache } from "./edge-cache";

/**
 * Edgewatch's own health, for whatever watches the watcher: 200 when the config is valid and ticks are landing,
 * 503 otherwise, with the reason.
 */
export const health = new Hono<AppEnv>();

health.get("/", edgeCache(), async (c) => {
  // A healthy answer is shared for 10 s (an anonymous flood costs no reads; a minute-by-minute checker sees it fresh);
  // a failing one is never stored.
  c.header("Cache-Control", "no-store");
  const config = loadConfig(c.env);
  if (!config.ok) return c.json({ status: "error", problems: ["invalid configuration", ...config.errors] }, 503);
  const { latest, state } = await readCurrent(storesFrom(c.env), consoleLog);
  const lastTickAt = latest?.tickAt ?? null;
  const ageMs = lastTickAt ? Date.now() - Date.parse(lastTickAt) : null;
  const problems: string[] = [];
  if (!latest) problems.push(state ? "latest results unreadable; serving KV state" : "no tick has completed yet");
  // Reading only: `monitor.stale` is the coordinator's alarm's to send, whatever the traffic here.
  else if (ageMs !== null && ageMs > STALE_AFTER_MS) problems.push(`last tick ${Math.round(ageMs / 1000)} s ago`);
  if (latest) {
    const notChecked = Object.values(latest.monitors).filter((m) => m.status === "unknown").length;
    // Most monitors without a verdict is no health to report, even with ticks landing.
    if (notChecked * 2 > config.config.monitors.length)
      problems.push(`${notChecked} of ${config.config.monitors.length} monitors could not be checked`);
  }
  if (!problems.length) c.header("Cache-Control", "public, max-age=10");
  return c.json(
    {
      status: problems.length ? "error" : "ok",
      monitors: config.config.monitors.length,
      lastTickAt,
      lastTickDurationMs: latest?.durationMs ?? null,
      problems,
    },
    problems.length ? 503 : 200,
  );
});
