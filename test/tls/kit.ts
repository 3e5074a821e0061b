// Shared by the workerd-side TLS tests: a monitor builder, real probe dependencies, and the setup's values.
import { connect } from "cloudflare:sockets";
import { inject } from "vitest";
import type * as z from "zod";
import { TlsMonitor } from "../../src/config/tls-monitor";
import type { ProbeDeps } from "../../src/probes/types";

/** Must match SERVER_NAME in test/helpers/tls-servers.ts (Node side; not importable inside workerd). */
export const SERVER_NAME = "api.example.test";
export const CF_ZONE_ID = "0123456789abcdef0123456789abcdef";
export const CF_BROKEN_ZONE_ID = "fedcba9876543210fedcba9876543210";
export const DAY_MS = 86_400_000;

export const values = () => {
  const provided = inject("tls");
  if (!provided)
    throw new Error("TLS test servers were not provided: the vitest config needs prepareTestCa() and the setup startTlsServers()");
  return provided;
};
export const port = (name: string) => {
  const p = values().ports[name];
  if (p === undefined) throw new Error(`no test server ${name}`);
  return p;
};

function realDeps(overrides: Partial<ProbeDeps> = {}): ProbeDeps {
  return { fetch: (input, init) => fetch(input, init), connect, now: () => Date.now(), secret: () => undefined, ...overrides };
}

export function tlsMonitor(fields: Partial<z.input<typeof TlsMonitor>>): TlsMonitor {
  return TlsMonitor.parse({ id: "tls-test", name: "TLS test", type: "tls", host: "127.0.0.1", servername: SERVER_NAME, ...fields });
}

export function base64ToBytes(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * Dependencies for tests: real fetch and connect, refusing anything but loopback so that no test can reach
 * the internet by mistake (a probe bug would otherwise connect wherever a test's host points).
 */
export function loopbackDeps(overrides: Partial<ProbeDeps> = {}): ProbeDeps {
  const base = realDeps();
  return {
    ...base,
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (!LOOPBACK.has(url.hostname)) return Promise.reject(new Error(`test refused a fetch to ${url.hostname}`));
      return base.fetch(input, init);
    },
    connect: (address, options) => {
      const host = typeof address === "string" ? address.replace(/:\d+$/, "") : address.hostname;
      if (!LOOPBACK.has(host)) throw new Error(`test refused a connect to ${host}`);
      return base.connect(address, options);
    },
    ...overrides,
  };
}
