import { connect } from "cloudflare:sockets";
import type * as z from "zod";
import type { HttpMonitor } from "../../src/config/schema";
import { HttpMonitor as HttpMonitorSchema } from "../../src/config/schema";
import type { ProbeDeps } from "../../src/probes/types";
import { type LatestView, parseLatestText } from "../../src/storage/latest-object";

/** An http monitor with the schema's defaults applied, as the Worker would see it. */
export function httpMonitor(fields: Partial<Omit<z.input<typeof HttpMonitorSchema>, "type">> & { url: string }): HttpMonitor {
  return HttpMonitorSchema.parse({ id: "test", name: "Test", type: "http", ...fields });
}

/** Real runtime dependencies, with secrets taken from a plain object. */
export function probeDeps(secrets: Record<string, string> = {}): ProbeDeps {
  return { fetch: (input, init) => fetch(input, init), connect, now: () => Date.now(), secret: (name) => secrets[name] };
}

/** A latest.json of the first version (fields as it had them) read the way the faces read it. */
export function latestView(fields: Record<string, unknown>): LatestView {
  const read = parseLatestText(JSON.stringify({ version: 1, durationMs: 1, kv: null, monitors: {}, ...fields }));
  if (read.kind !== "ok") throw new Error(`not a latest.json: ${read.kind === "corrupt" ? read.reason : "missing"}`);
  return read.value;
}
