import { loadConfig } from "./config/source";
import { coordinatorOf } from "./coordinator/coordinator";
import { type Bindings, probeDepsFrom } from "./env/deps";
import { app, front } from "./http/app";
import { consoleLog } from "./core/log";
import { shardCaller } from "./shards/probe-shard";
import { runTick } from "./tick/run-tick";

export { Coordinator } from "./coordinator/coordinator";
export { ProbeShard } from "./shards/probe-shard";

export default {
  // A fresh answer this isolate already sent goes out before Hono builds a context: the read floor, nothing more.
  fetch(request: Request, env: Bindings, ctx: ExecutionContext) {
    return front.answer(request) ?? app.fetch(request, env, ctx);
  },
  async scheduled(controller, env, ctx) {
    const config = loadConfig(env);
    // A bad config stops the tick before any probe runs, and fails the invocation so the dashboard shows it.
    if (!config.ok) throw new Error(`invalid configuration: ${config.errors.join("; ")}`);
    const deps = {
      config: config.config,
      configText: env.EDGEWATCH_CONFIG ?? null,
      probe: probeDepsFrom(env),
      log: consoleLog,
      writer: coordinatorOf(env),
      callShard: shardCaller(env.SHARD),
    };
    ctx.waitUntil(
      runTick(deps, controller.scheduledTime).then(undefined, (error: unknown) =>
        consoleLog("error", "tick failed", { error: String(error) }),
      ),
    );
  },
} satisfies ExportedHandler<Bindings>;
