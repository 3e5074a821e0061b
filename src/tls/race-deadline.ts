// One deadline for a whole TLS probe: every wait on the socket races it (a socket takes no abort signal), and the
// requests the probe makes (DNS over HTTPS, the Cloudflare API) run under its signal, so a server that stalls at
// any step costs timeoutMs, not more.
import type { Deadline } from "../net/deadline";
import { deadline } from "../net/deadline";
import { TlsFailure } from "./tls-failure";

export class RaceDeadline implements Deadline {
  readonly signal: AbortSignal;
  readonly ms: number;
  private readonly expired: Promise<never>;
  private readonly fire: () => void;

  constructor(timeoutMs: number) {
    ({ signal: this.signal, ms: this.ms } = deadline(timeoutMs));
    let reject!: (error: TlsFailure) => void;
    this.expired = new Promise<never>((_, r) => (reject = r));
    // Nobody may be waiting when it fires; without this the rejection would be reported as unhandled.
    this.expired.catch(() => {});
    this.fire = () => reject(new TlsFailure("timeout", `timeout after ${timeoutMs} ms`));
    this.signal.addEventListener("abort", this.fire, { once: true });
  }

  /** `promise`, or a TlsFailure("timeout") if the deadline passes first. */
  race<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.expired]);
  }

  clear(): void {
    this.signal.removeEventListener("abort", this.fire);
  }
}
