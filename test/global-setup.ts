// Runs in Node before the workerd test pool: starts the real servers the tests probe.
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startHttpTargets } from "./helpers/http-targets";
import { startPrometheusStack } from "./helpers/prometheus-stack";

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
  return async () => {
    await Promise.all([http.close(), prom.close()]);
  };
}
