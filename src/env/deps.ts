import { connect } from "cloudflare:sockets";
import type { ConfigEnv } from "../config/source";
import type { ProbeDeps } from "../probes/types";
import { r2HistoryStore } from "../storage/r2-history-store";
import { kvStateStore } from "../storage/kv-state-store";
import { r2IncidentStore } from "../storage/r2-incident-store";
import { r2LatestStore } from "../storage/r2-latest-store";
import type { Stores } from "../storage/types";

/** The Worker's bindings: those in wrangler.toml, the optional config override, and secrets read by name. */
export type Bindings = Env & ConfigEnv;

/** The one place where bindings become stores. */
export function storesFrom(env: Bindings): Stores {
  return {
    latest: r2LatestStore(env.HISTORY),
    state: kvStateStore(env.STATE),
    incidents: r2IncidentStore(env.HISTORY),
    history: r2HistoryStore(env.HISTORY),
  };
}

/** The one place where the runtime becomes probe dependencies. Secrets are looked up by the names the config gives. */
export function probeDepsFrom(env: Bindings): ProbeDeps {
  const vars = env as unknown as Record<string, unknown>;
  return {
    fetch: (input, init) => fetch(input, init),
    connect,
    now: () => Date.now(),
    secret: (name) => {
      const value = vars[name];
      return typeof value === "string" ? value : undefined;
    },
  };
}
