// Handshake messages reassembled from record payloads: one message may span records, one record may hold several.
import { concatBytes } from "./bytes";
import { TlsFailure } from "./tls-failure";

export interface HandshakeMessage {
  type: number;
  body: Uint8Array;
  /** Header and body: what the transcript hash covers. */
  raw: Uint8Array;
}

/** Larger than any certificate chain seen in practice; a bound so a hostile length cannot make us buffer forever. */
const MAX_MESSAGE = 256 * 1024;

export class HandshakeBuffer {
  private buffer: Uint8Array = new Uint8Array(0);

  push(bytes: Uint8Array): void {
    this.buffer = this.buffer.length ? concatBytes(this.buffer, bytes) : bytes.slice();
  }

  get isEmpty(): boolean {
    return this.buffer.length === 0;
  }

  /** The next complete message, or null until more bytes arrive. */
  next(): HandshakeMessage | null {
    if (this.buffer.length < 4) return null;
    const length = (this.buffer[1]! << 16) | (this.buffer[2]! << 8) | this.buffer[3]!;
    if (length > MAX_MESSAGE) throw new TlsFailure("handshake", `handshake message of ${length} bytes is too large`);
    if (this.buffer.length < 4 + length) return null;
    const raw = this.buffer.slice(0, 4 + length);
    this.buffer = this.buffer.subarray(4 + length);
    return { type: raw[0]!, body: raw.subarray(4), raw };
  }
}
