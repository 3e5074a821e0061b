import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import type { Bindings } from "../../src/env/deps";

/** The Worker's bindings with a config of the test's own (and any secrets). */
export function envWith(config: unknown, extra: Record<string, string> = {}): Bindings {
  return { ...env, ...extra, EDGEWATCH_CONFIG: typeof config === "string" ? config : JSON.stringify(config) } as Bindings;
}

/** Fires the Worker's scheduled handler as the cron would, and waits for the tick to finish. */
export async function fireCron(bindings: Bindings, scheduledTime = Date.now()): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), bindings, ctx);
  await waitOnExecutionContext(ctx);
}

/**
 * A GET through the Worker. Each call comes from a host of its own unless `origin` is given, so the edge cache (keyed
 * by URL) never answers from an earlier test's data; pass the same origin twice to exercise the cache.
 */
export async function get(
  bindings: Bindings,
  path: string,
  headers: Record<string, string> = {},
  origin = `http://${crypto.randomUUID().slice(0, 8)}.edgewatch.test`,
): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`${origin}${path}`, { headers }), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** An admin API POST through the Worker, as an operator sends it, with the bearer token given. */
export async function adminPost(bindings: Bindings, path: string, body: unknown, token: string): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(`http://edgewatch.test${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const response = await worker.fetch(request, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}
