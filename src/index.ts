import { loadConfig } from "./config/source";
import { type Bindings, probeDepsFrom, storesFrom } from "./deps";
import { app } from "./http/app";
import { consoleLog } from "./log";
import { runTick } from "./scheduler/run-tick";
import { tickViaCoordinator } from "./shards/coordinator";
import { planTick } from "./shards/plan-shards";

export { Coordinator } from "./shards/coordinator";
export { ProbeShard } from "./shards/probe-shard";

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    const config = loadConfig(env);
    // A bad config stops the tick before any probe runs, and fails the invocation so the dashboard shows it.
    if (!config.ok) throw new Error(`invalid configuration: ${config.errors.join("; ")}`);
    const fail = (error: unknown) => consoleLog("error", "tick failed", { error: String(error) });
    // A config that fits one invocation is probed right here: no Durable Object is billed for it.
    if (planTick(config.config).inline) {
      ctx.waitUntil(runTick({ config: config.config, probe: probeDepsFrom(env), ...storesFrom(env), log: consoleLog }, controller.scheduledTime).catch(fail));
    } else {
      ctx.waitUntil(tickViaCoordinator(env, controller.scheduledTime).catch(fail));
    }
  },
} satisfies ExportedHandler<Bindings>;
