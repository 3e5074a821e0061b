import type { connect } from "cloudflare:sockets";
import type { ProbeStatus } from "../core/vocabulary";
import type { AssertionReport } from "./assertions";

/** Where a probe failed, so a message can say what broke and where (`connect`, `timeout`, `status`, ...). */
export interface ProbeError {
  phase: string;
  /** Method and redacted URL included, for logs; never shown on public faces. */
  detail: string;
}

export interface ProbeResultBase {
  monitorId: string;
  status: ProbeStatus;
  /** Time to a complete answer; null when there was none. */
  latencyMs: number | null;
  checkedAt: string;
  /** Human words: `HTTP 504 in 5012 ms`, `timeout after 10000 ms`. Never contains a URL or a secret. */
  message: string;
  error?: ProbeError;
}

/** One dependency check of a /health body, normalised. */
export interface CheckReport {
  state: "pass" | "warn" | "fail" | "unknown";
  /** The value the target reported, as text (`up`, `closed`, `down`). */
  value: string;
}

export interface HttpDetails {
  statusCode: number | null;
  checks: Record<string, CheckReport> | null;
  /** Redirects followed to reach the answer judged (absent in results stored before redirects were counted). */
  redirects?: number;
  /** The judged answer's Location (credentials and query values removed), when it had one. */
  location?: string | null;
  /** With `assertions`: the failing ones, each with what was seen (absent in results stored before assertions existed). */
  assertions?: AssertionReport[];
  assertionsPassed?: number;
}

export type HttpProbeResult = ProbeResultBase & { type: "http"; details: HttpDetails };

/** Everything a probe touches outside itself, passed in so tests can drive it. */
export interface ProbeDeps {
  fetch: typeof fetch;
  /** `connect()` from `cloudflare:sockets`, for probes that speak a protocol themselves (TLS). */
  connect: typeof connect;
  /** Milliseconds since the epoch; advances across I/O in Workers, which is what a latency needs. */
  now: () => number;
  /** The value of a Worker secret, or undefined when it is not set. */
  secret: (name: string) => string | undefined;
}
