import type { Monitor } from "../config/schema";

/** Subrequests an invocation that writes the tick keeps back from probes: storage, notifications, lease renewals. */
export const RESERVED_SUBREQUESTS = 12;

/** Subrequests one probe of this monitor makes at most (a retry makes as many again). */
export function probeCost(monitor: Monitor): number {
  switch (monitor.type) {
    case "http":
      return 1;
    case "tls":
      return 2; // the handshake read and the runtime's trust check (a DNS lookup only when a connect fails)
    case "prometheus":
      return 4 + (monitor.ruleHealth ? 1 : 0) + (monitor.queries?.length ?? 0);
    case "alertmanager":
      return 3;
    case "dns":
      return 1;
    case "push":
      return 0; // nothing is probed: the writer judges the last beat
    case "tcp":
      return monitor.tls ? 2 : 1; // with tls, a failed handshake is told from a refused port by one plain connect
  }
}

/**
 * The invocation's subrequests, shared by probes that run concurrently: a probe starts only when what it may spend
 * is still free, so the runtime's limit never turns the last monitors' probes into false failures.
 */
export class SubrequestBudget {
  private reserved = 0;
  constructor(private readonly limit: number) {}

  /** Reserves `cost` if it fits; the caller gives back what it did not use. */
  take(cost: number): boolean {
    if (this.reserved + cost > this.limit) return false;
    this.reserved += cost;
    return true;
  }

  giveBack(unused: number): void {
    this.reserved -= unused;
  }

  get left(): number {
    return this.limit - this.reserved;
  }
}
