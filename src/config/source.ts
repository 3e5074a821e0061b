import bundled from "../../edgewatch.config.json";
import { consoleLog } from "../core/log";
import { type ConfigResult, parseConfig, parseConfigText } from "./load";

export interface ConfigEnv {
  /** Optional override of the bundled edgewatch.config.json, as JSON text (local runs, tests, CI deploys). */
  EDGEWATCH_CONFIG?: string;
}

let cached: { source: unknown; result: ConfigResult } | undefined;

/**
 * The configuration: `EDGEWATCH_CONFIG` when set, else edgewatch.config.json as bundled by `wrangler deploy`.
 * Parsed once per isolate (and again only when the source changes); an invalid one is logged loudly every time
 * it is asked for, and callers refuse to run on it.
 */
export function loadConfig(env: ConfigEnv): ConfigResult {
  const override = env.EDGEWATCH_CONFIG?.trim();
  const source: unknown = override ? override : bundled;
  const hit = cached?.source === source ? cached : undefined;
  const result = hit ? hit.result : typeof source === "string" ? parseConfigText(source) : parseConfig(source);
  cached = { source, result };
  if (!result.ok) consoleLog("error", "invalid configuration", { errors: result.errors });
  return result;
}
