// Runs in Node before the workerd test pool: starts the real servers the tests probe.
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startHttpTargets } from "./helpers/http-targets";
import { startPrometheusStack } from "./helpers/prometheus-stack";
import { startRecordingServer } from "./helpers/recording-server";

declare module "vitest" {
  export interface ProvidedContext {
    httpPort: number;
    silentPort: number;
    refusedPort: number;
  }
}

export default async function setup(project: TestProject) {
  const http = await startHttpTargets();
  project.provide("httpPort", http.port);
  project.provide("silentPort", http.silentPort);
  project.provide("refusedPort", http.refusedPort);
  // Real Prometheus and Alertmanager from Debian's packages, on free loopback ports.
  const prom = await startPrometheusStack();
  project.provide("promStack", prom.values.promStack as never);
  // Stands in for Slack, Discord, PagerDuty, Telegram, webhooks and Alertmanager receivers: records what it gets.
  const recorder = await startRecordingServer();
  project.provide("recorder", recorder.values.recorder as never);
  return async () => {
    await Promise.all([http.close(), prom.close(), recorder.close()]);
  };
}
