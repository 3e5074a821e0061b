// Runs in Node before the workerd test pool: starts the real servers the tests probe.
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startHttpTargets } from "./helpers/http-targets";

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
  return async () => {
    await http.close();
  };
}
