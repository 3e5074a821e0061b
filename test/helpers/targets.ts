// Inside workerd: the local http targets (test/helpers/http-targets.ts, started by the global setup) as tests use them.
import { inject } from "vitest";

/** The origin of the local http targets. */
export const targetsBase = () => `http://127.0.0.1:${inject("httpPort")}`;

/** Makes `/switch/<key>` answer `status` from now on (it answers 200 until told otherwise). */
export async function setSwitch(key: string, status: number): Promise<void> {
  await fetch(`${targetsBase()}/switch/${key}?status=${status}`, { method: "POST" }).then((r) => r.arrayBuffer());
}

/**
 * A small platform on the local targets, as raw config: a healthy gateway (its database check critical), an AI worker
 * slower than its degraded limit, a healthy Grafana, and a monitor whose port refuses connections.
 */
export function localPlatformConfig() {
  const base = targetsBase();
  return {
    title: "AI Platform status",
    monitors: [
      {
        id: "api-gateway",
        name: "API gateway",
        group: "Platform",
        type: "http",
        url: `${base}/gateway/health`,
        severity: "SEV-1",
        criticalChecks: ["database"],
      },
      { id: "ai-worker", name: "AI worker", group: "Platform", type: "http", url: `${base}/slow?ms=150`, degradedAfterMs: 50 },
      {
        id: "grafana",
        name: "Grafana",
        group: "Monitoring",
        type: "http",
        url: `${base}/grafana/api/health`,
        expectJson: { database: "ok" },
      },
      { id: "broken", name: "Broken", type: "http", url: `http://127.0.0.1:${inject("refusedPort")}/health` },
    ],
  };
}
