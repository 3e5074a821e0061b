// Byte helpers shared by the TLS record layer, the handshake and the DER reader.

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export const u8 = (n: number) => Uint8Array.of(n & 0xff);
export const u16 = (n: number) => Uint8Array.of((n >> 8) & 0xff, n & 0xff);
export const u24 = (n: number) => Uint8Array.of((n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);

/** `bytes` prefixed by its length in `width` bytes: TLS's opaque vectors. */
export function vector(width: 1 | 2 | 3, ...parts: Uint8Array[]): Uint8Array {
  const body = concatBytes(...parts);
  const len = width === 1 ? u8(body.length) : width === 2 ? u16(body.length) : u24(body.length);
  return concatBytes(len, body);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(bytes: Uint8Array, separator = ""): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0").toUpperCase()).join(separator);
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Thrown when bytes end early or a length points past the end: the peer sent something malformed. */
export class DecodeError extends Error {}

/** Reads big-endian fields from a byte array; every read is bounds-checked, so a truncated message throws DecodeError. */
export class ByteReader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  take(n: number): Uint8Array {
    if (n < 0 || this.at + n > this.bytes.length) throw new DecodeError(`needs ${n} bytes, ${this.remaining} left`);
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  u8(): number {
    return this.take(1)[0]!;
  }

  u16(): number {
    const b = this.take(2);
    return (b[0]! << 8) | b[1]!;
  }

  u24(): number {
    const b = this.take(3);
    return (b[0]! << 16) | (b[1]! << 8) | b[2]!;
  }

  /** An opaque vector whose length prefix is `width` bytes wide. */
  vector(width: 1 | 2 | 3): Uint8Array {
    const len = width === 1 ? this.u8() : width === 2 ? this.u16() : this.u24();
    return this.take(len);
  }
}
