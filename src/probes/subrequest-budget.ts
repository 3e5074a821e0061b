/** Subrequests an invocation that writes the tick keeps back from probes: storage, notifications, lease renewals. */
export const RESERVED_SUBREQUESTS = 12;

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
