// TLS records out of a byte stream that TCP splits wherever it likes.
import { concatBytes, u16, u8 } from "./bytes";
import { TlsFailure } from "./tls-failure";

export interface TlsRecord {
  type: number;
  /** The 5-byte header: TLS 1.3 authenticates it as the AEAD's additional data. */
  header: Uint8Array;
  body: Uint8Array;
}

/** 2^14 plus the most expansion RFC 8446 allows; anything longer is not a TLS record. */
const MAX_RECORD = 16384 + 256;

export function encodeRecord(type: number, body: Uint8Array, version = 0x0301): Uint8Array {
  return concatBytes(u8(type), u16(version), u16(body.length), body);
}

export class RecordReader {
  private buffer: Uint8Array = new Uint8Array(0);
  private received = 0;

  /** `read` gives the next chunk from the socket, or null at end of stream. */
  constructor(private readonly read: () => Promise<Uint8Array | null>) {}

  async next(): Promise<TlsRecord> {
    for (;;) {
      this.checkLooksLikeTls();
      if (this.buffer.length >= 5) {
        const length = (this.buffer[3]! << 8) | this.buffer[4]!;
        if (length > MAX_RECORD) throw notTls();
        if (this.buffer.length >= 5 + length) {
          const record = { type: this.buffer[0]!, header: this.buffer.slice(0, 5), body: this.buffer.slice(5, 5 + length) };
          this.buffer = this.buffer.subarray(5 + length);
          return record;
        }
      }
      const chunk = await this.read();
      if (chunk === null) {
        if (this.received === 0) throw new TlsFailure("handshake", "no TLS handshake: connection closed by the server");
        throw new TlsFailure("handshake", "connection closed in the middle of the TLS handshake");
      }
      this.received += chunk.length;
      this.buffer = this.buffer.length ? concatBytes(this.buffer, chunk) : chunk;
    }
  }

  /** Decides from the first bytes, so a server that prints a banner and waits is recognised without a timeout. */
  private checkLooksLikeTls(): void {
    const b = this.buffer;
    if (b.length >= 1 && (b[0]! < 20 || b[0]! > 23)) throw notTls();
    if (b.length >= 2 && b[1] !== 3) throw notTls();
  }
}

const notTls = () => new TlsFailure("handshake", "not a TLS server");
