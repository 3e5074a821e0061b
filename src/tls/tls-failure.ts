// The one error type the TLS code throws on purpose: it carries the phase and the words for the probe result.

export type TlsPhase = "connect" | "handshake" | "parse" | "trust" | "timeout" | "config" | "api";

export class TlsFailure extends Error {
  constructor(
    readonly phase: TlsPhase,
    message: string,
  ) {
    super(message);
    this.name = "TlsFailure";
  }
}
