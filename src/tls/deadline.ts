// One timer for a whole probe: every wait races it, so a server that stalls at any step costs timeoutMs, not more.
import { TlsFailure } from "./tls-failure";

export class Deadline {
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly expired: Promise<never>;
  private readonly controller = new AbortController();
  /** Aborted when the deadline passes, for fetch() calls. */
  readonly signal = this.controller.signal;

  constructor(readonly timeoutMs: number) {
    let fire!: () => void;
    this.expired = new Promise<never>((_, reject) => {
      fire = () => {
        this.controller.abort();
        reject(new TlsFailure("timeout", `timeout after ${timeoutMs} ms`));
      };
    });
    // Nobody may be waiting when it fires; without this the rejection would be reported as unhandled.
    this.expired.catch(() => {});
    this.timer = setTimeout(fire, timeoutMs);
  }

  /** `promise`, or a TlsFailure("timeout") if the deadline passes first. */
  race<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.expired]);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
