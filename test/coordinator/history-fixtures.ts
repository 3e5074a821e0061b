import { env } from "cloudflare:test";
import type { Config } from "../../src/config/schema";
import type { TickSummary } from "../../src/coordinator/commit-tick";
import { storesFrom } from "../../src/env/deps";
import type { Log } from "../../src/core/log";
import type { ProbeStatus } from "../../src/probes/types";
import type { Stores } from "../../src/storage/types";
import type { CollectedResult } from "../../src/probes/probe-batch";
import { probeDeps } from "../helpers/monitors";
import { runJobs, testWriter } from "../helpers/writer";

/** What a monitor's probe said this minute: a verdict and its latency, or `unknown` (no verdict, as for a failed shard). */
export type Said = [ProbeStatus | "unknown", number | null];

/** A hand-made probe result, as probeBatch would hand it to the writer. */
export function resultOf(id: string, [status, latencyMs]: Said, atMs: number): CollectedResult {
  const checkedAt = new Date(atMs).toISOString();
  const base = { type: "http", monitorId: id, latencyMs, checkedAt, details: { statusCode: status === "down" ? 500 : 200, checks: null } };
  if (status === "unknown")
    return {
      ...base,
      status: "down",
      unknown: true,
      latencyMs: null,
      message: "not probed this tick",
      error: { phase: "shard", detail: "gone" },
    } as CollectedResult;
  return { ...base, status, message: status === "down" ? "HTTP 500" : "HTTP 200" } as CollectedResult;
}

/** The real bucket, with chosen operations failing. */
export function failingBucket(
  bucket: R2Bucket,
  fail: { put?: (key: string) => boolean; get?: (key: string) => boolean; delete?: boolean },
): R2Bucket {
  return new Proxy(bucket, {
    get(target, prop) {
      if (prop === "put")
        return (key: string, ...rest: unknown[]) =>
          fail.put?.(key) ? Promise.reject(new Error(`put ${key} failed`)) : (target.put as Function).call(target, key, ...rest);
      if (prop === "get")
        return (key: string, ...rest: unknown[]) =>
          fail.get?.(key) ? Promise.reject(new Error(`get ${key} failed`)) : (target.get as Function).call(target, key, ...rest);
      if (prop === "delete")
        return (keys: unknown) => (fail.delete ? Promise.reject(new Error("delete failed")) : target.delete(keys as string[]));
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** R2's price list: writes and lists are Class A, reads Class B, deletes free. */
const CLASS_A = ["put", "list", "createMultipartUpload", "resumeMultipartUpload"] as const;
const CLASS_B = ["get", "head"] as const;

/** The real R2 binding, counting every operation by name (and puts and gets by key). */
export function countingBucket(bucket: R2Bucket) {
  const calls: Record<string, number> = {};
  const putKeys: string[] = [];
  const getKeys: string[] = [];
  const wrapped = new Proxy(bucket, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls[String(prop)] = (calls[String(prop)] ?? 0) + 1;
        if (prop === "put") putKeys.push(String(args[0]));
        if (prop === "get") getKeys.push(String(args[0]));
        return (value as Function).apply(target, args);
      };
    },
  });
  const total = (ops: readonly string[]) => ops.reduce((sum, op) => sum + (calls[op] ?? 0), 0);
  return { bucket: wrapped, calls, putKeys, getKeys, classA: () => total(CLASS_A), classB: () => total(CLASS_B) };
}

export const storesWith = (bucket: R2Bucket): Stores => storesFrom({ ...env, HISTORY: bucket });

export async function r2Json(key: string): Promise<unknown> {
  const object = await env.HISTORY.get(key);
  return object ? JSON.parse(await object.text()) : null;
}

/** The history objects in the bucket (not latest.json or incident records). */
export async function historyKeys(): Promise<string[]> {
  const keys = (await env.HISTORY.list()).objects.map((o) => o.key);
  return keys.filter((k) => /^(raw|days|months)\/|^(summary|recent)\.json$/.test(k));
}

export function logLines() {
  const lines: string[] = [];
  const log: Log = (_level, msg) => void lines.push(msg);
  return { lines, log };
}

/**
 * The writer driven by hand: ticks with hand-made results at chosen minutes, its clock at the tick being written.
 * Simulated time lies in the future (2096): the writer arms the coordinator's alarm at its clock, and an alarm in the
 * past would fire at once with the real bindings, racing the test; these tests run the archive jobs with `runJobs`.
 */
export function simulation(config: Config, options: { stores?: Stores; log?: Log } = {}) {
  let clock = 0;
  const send = { ...probeDeps(), now: () => clock };
  const writerOptions = () => ({ config, send, ...options });
  return {
    set stores(stores: Stores) {
      options.stores = stores;
    },
    async tick(atMs: number, said: Record<string, Said>): Promise<TickSummary> {
      clock = atMs;
      const results = Object.entries(said).map(([id, s]) => resultOf(id, s, atMs));
      const summary = await testWriter(writerOptions()).tick({ scheduledTime: atMs, startedAt: atMs, configText: null, results });
      if ("errors" in summary) throw new Error(summary.errors.join("; "));
      return summary;
    },
    runJobs: (max?: number) => runJobs(writerOptions(), max),
    options: writerOptions,
  };
}
