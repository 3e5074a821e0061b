// A minimal DER reader: just what reading X.509 certificates needs (no encoder, no indefinite lengths).
import { DecodeError } from "./bytes";

export const DerTag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  sequence: 0x30,
  set: 0x31,
  printableString: 0x13,
  t61String: 0x14,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  visibleString: 0x1a,
  universalString: 0x1c,
  bmpString: 0x1e,
} as const;

export interface DerNode {
  /** The identifier octet: class, constructed bit and tag number together (e.g. 0x30, 0xa0, 0x82). */
  tag: number;
  /** The contents octets. */
  value: Uint8Array;
  /** Identifier, length and contents: what a signature covers, or what two Names are compared on. */
  raw: Uint8Array;
}

/** Reads one TLV at `offset`; `end` is where the next one starts. */
export function readDer(bytes: Uint8Array, offset = 0): { node: DerNode; end: number } {
  let at = offset;
  const byte = () => {
    if (at >= bytes.length) throw new DecodeError("DER ends early");
    return bytes[at++]!;
  };
  const tag = byte();
  // High tag numbers (0x1f) never occur in certificates; refusing them keeps this reader small.
  if ((tag & 0x1f) === 0x1f) throw new DecodeError("DER high tag number");
  let length = byte();
  if (length & 0x80) {
    const count = length & 0x7f;
    // 0x80 is BER's indefinite length, forbidden in DER; more than 4 length bytes is never a real certificate.
    if (count === 0 || count > 4) throw new DecodeError("DER length form not supported");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + byte();
  }
  const end = at + length;
  if (end > bytes.length) throw new DecodeError("DER length past the end");
  return { node: { tag, value: bytes.subarray(at, end), raw: bytes.subarray(offset, end) }, end };
}

/** Reads a whole buffer that must hold exactly one TLV. */
export function parseDer(bytes: Uint8Array): DerNode {
  const { node, end } = readDer(bytes);
  if (end !== bytes.length) throw new DecodeError("trailing bytes after DER value");
  return node;
}

/** The TLVs inside a constructed node (SEQUENCE, SET, explicit [n]). */
export function derChildren(node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  let at = 0;
  while (at < node.value.length) {
    const { node: child, end } = readDer(node.value, at);
    out.push(child);
    at = end;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw new DecodeError(`expected ${what}`);
  return node;
}

/** Dotted form of an OBJECT IDENTIFIER, e.g. "2.5.29.17". */
export function decodeOid(value: Uint8Array): string {
  if (value.length === 0) throw new DecodeError("empty OID");
  const arcs: number[] = [];
  let n = 0;
  for (const b of value) {
    n = n * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(n);
      n = 0;
    }
  }
  const first = arcs.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join(".");
}

/** UTCTime or GeneralizedTime as a Date; certificates use the Z (UTC) forms only. */
export function decodeTime(node: DerNode): Date {
  const text = latin1(node.value);
  const utc = node.tag === DerTag.utcTime;
  if (!utc && node.tag !== DerTag.generalizedTime) throw new DecodeError("expected a time");
  const match = (utc ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/ : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/).exec(
    text,
  );
  if (!match) throw new DecodeError(`unsupported time ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s] = match as unknown as [string, string, string, string, string, string, string | undefined];
  let year = Number(y);
  // RFC 5280 4.1.2.5.1: two-digit years 50..99 are 19xx, 00..49 are 20xx.
  if (utc) year += year >= 50 ? 1900 : 2000;
  return new Date(Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)));
}

/** The text of any of the string types a certificate Name may use. */
export function decodeString(node: DerNode): string {
  const v = node.value;
  switch (node.tag) {
    case DerTag.utf8String:
      return new TextDecoder().decode(v);
    case DerTag.bmpString: {
      let s = "";
      for (let i = 0; i + 1 < v.length; i += 2) s += String.fromCharCode((v[i]! << 8) | v[i + 1]!);
      return s;
    }
    case DerTag.universalString: {
      let s = "";
      for (let i = 0; i + 3 < v.length; i += 4)
        s += String.fromCodePoint(((v[i]! << 24) | (v[i + 1]! << 16) | (v[i + 2]! << 8) | v[i + 3]!) >>> 0);
      return s;
    }
    default:
      // PrintableString, IA5String, VisibleString, NumericString, and T61String read as Latin-1.
      return latin1(v);
  }
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
