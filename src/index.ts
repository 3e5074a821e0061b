import { loadConfig } from "./config/source";
import { type Bindings, probeDepsFrom, storesFrom } from "./deps";
import { app } from "./http/app";
import { consoleLog } from "./log";
import { runTick } from "./scheduler/run-tick";

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    const config = loadConfig(env);
    // A bad config stops the tick before any probe runs, and fails the invocation so the dashboard shows it.
    if (!config.ok) throw new Error(`invalid configuration: ${config.errors.join("; ")}`);
    ctx.waitUntil(
      runTick({ config: config.config, probe: probeDepsFrom(env), ...storesFrom(env), log: consoleLog }, controller.scheduledTime).catch((error) =>
        consoleLog("error", "tick failed", { error: String(error) }),
      ),
    );
  },
} satisfies ExportedHandler<Bindings>;
