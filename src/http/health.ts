import { Hono } from "hono";
import { loadConfig } from "../config/source";
import { probeDepsFrom, storesFrom } from "../deps";
import { notifyIfTicksStopped } from "../notify/stale-watchdog";
import { consoleLog } from "../log";
import { STALE_AFTER_MS } from "../read-model/status-view";
import { readCurrent } from "../storage/read-current";
import type { AppEnv } from "./app";

/**
 * Edgewatch's own health, for whatever watches the watcher: 200 when the config is valid and ticks are landing,
 * 503 otherwise, with the reason.
 */
export const health = new Hono<AppEnv>();

health.get("/", async (c) => {
  c.header("Cache-Control", "no-store");
  const config = loadConfig(c.env);
  if (!config.ok) return c.json({ status: "error", problems: ["invalid configuration", ...config.errors] }, 503);
  const { latest, state } = await readCurrent(storesFrom(c.env), consoleLog);
  const lastTickAt = latest?.tickAt ?? null;
  const ageMs = lastTickAt ? Date.now() - Date.parse(lastTickAt) : null;
  const problems: string[] = [];
  if (!latest) problems.push(state ? "latest results unreadable; serving KV state" : "no tick has completed yet");
  else if (ageMs !== null && ageMs > STALE_AFTER_MS) {
    problems.push(`last tick ${Math.round(ageMs / 1000)} s ago`);
    const probe = probeDepsFrom(c.env);
    c.executionCtx.waitUntil(
      notifyIfTicksStopped({ config: config.config, lastTickAt: latest.tickAt, kv: c.env.STATE, send: probe, log: consoleLog, nowMs: Date.now() }).catch((error) =>
        consoleLog("error", "stale watchdog failed", { error: String(error) }),
      ),
    );
  }
  return c.json(
    { status: problems.length ? "error" : "ok", monitors: config.config.monitors.length, lastTickAt, lastTickDurationMs: latest?.durationMs ?? null, problems },
    problems.length ? 503 : 200,
  );
});
