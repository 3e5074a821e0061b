import type { ProbeStatus } from "../core/vocabulary";

/** What a socket probe (tls, tcp) concluded, before it becomes a result. */
export interface SocketOutcome {
  status: ProbeStatus;
  message: string;
  phase?: string | undefined;
}

/** The result of a socket probe: its outcome, when it started, and the target its error detail names for logs. */
export function socketResult<T extends string, D>(
  probe: { type: T; monitorId: string; startedAt: number; target: string },
  outcome: SocketOutcome,
  latencyMs: number | null,
  details: D,
) {
  return {
    type: probe.type,
    monitorId: probe.monitorId,
    status: outcome.status,
    latencyMs,
    checkedAt: new Date(probe.startedAt).toISOString(),
    message: outcome.message,
    details,
    ...(outcome.phase ? { error: { phase: outcome.phase, detail: `${probe.target}: ${outcome.message}` } } : {}),
  };
}
