import { connect } from "cloudflare:sockets";
import type { HttpMonitor } from "../../src/config/schema";
import { HttpMonitor as HttpMonitorSchema } from "../../src/config/schema";
import type { ProbeDeps } from "../../src/probes/types";

/** An http monitor with the schema's defaults applied, as the Worker would see it. */
export function httpMonitor(fields: Partial<Omit<HttpMonitor, "type">> & { url: string }): HttpMonitor {
  return HttpMonitorSchema.parse({ id: "test", name: "Test", type: "http", ...fields });
}

/** Real runtime dependencies, with secrets taken from a plain object. */
export function probeDeps(secrets: Record<string, string> = {}): ProbeDeps {
  return { fetch: (input, init) => fetch(input, init), connect, now: () => Date.now(), secret: (name) => secrets[name] };
}
