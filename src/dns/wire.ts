// The DNS wire format (RFC 1035), as far as a monitor needs it: one query out, one answer read. RFC 8484 carries these
// bytes over HTTPS. Pure; every read is bounds-checked, and a malformed answer is an error, never a crash or a loop.
import type { DnsRecordType } from "../config/dns-monitor";
import { formatIp } from "../config/ip-address";

/** The record types a dns monitor may ask for, with their codes: the config's list, every one of them. */
export const RECORD_TYPES = { A: 1, NS: 2, CNAME: 5, MX: 15, TXT: 16, AAAA: 28, CAA: 257 } as const satisfies Record<DnsRecordType, number>;
type RecordType = DnsRecordType;

/** RCODE names (RFC 1035, 6895); others show as their number. */
const RCODES: Record<number, string> = { 0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED" };
export const rcodeName = (code: number) => RCODES[code] ?? `RCODE ${code}`;

const CLASS_IN = 1;
/** Recursion desired: ask the resolver to resolve, as a stub resolver does. */
const FLAG_RD = 0x0100;
const FLAG_QR = 0x8000;

export class DnsFormatError extends Error {}

/**
 * A query for `name` and `type`, with ID 0 (RFC 8484 asks for 0: the HTTP exchange already pairs question and answer).
 */
export function encodeQuery(name: string, type: RecordType): Uint8Array {
  const labels = name.replace(/\.$/, "").split(".");
  const nameBytes = labels.reduce((n, l) => n + 1 + new TextEncoder().encode(l).length, 1);
  const out = new Uint8Array(12 + nameBytes + 4);
  const view = new DataView(out.buffer);
  view.setUint16(2, FLAG_RD);
  view.setUint16(4, 1); // one question
  let at = 12;
  for (const label of labels) {
    const bytes = new TextEncoder().encode(label);
    if (bytes.length === 0 || bytes.length > 63) throw new DnsFormatError(`label of ${bytes.length} bytes in ${name}`);
    out[at++] = bytes.length;
    out.set(bytes, at);
    at += bytes.length;
  }
  out[at++] = 0;
  view.setUint16(at, RECORD_TYPES[type]);
  view.setUint16(at + 2, CLASS_IN);
  return out;
}

/** One record of the answer section, its data as text (`203.0.113.7`, `10 mail.example.com`, `0 issue "ca.example"`). */
export interface DnsRecord {
  name: string;
  type: number;
  ttl: number;
  value: string;
}

export interface DnsAnswer {
  rcode: number;
  /** The question as echoed by the resolver. */
  question: { name: string; type: number } | null;
  answers: DnsRecord[];
}

/** Reads an answer: header, question, answer section; the authority and additional sections are not needed. */
export function decodeAnswer(bytes: Uint8Array): DnsAnswer {
  const reader = new Reader(bytes);
  reader.u16(); // id
  const flags = reader.u16();
  if (!(flags & FLAG_QR)) throw new DnsFormatError("not a response");
  const [qd, an] = [reader.u16(), reader.u16()];
  reader.u16();
  reader.u16();
  let question: DnsAnswer["question"] = null;
  for (let i = 0; i < qd; i++) {
    const name = reader.name();
    const type = reader.u16();
    reader.u16();
    question ??= { name, type };
  }
  const answers: DnsRecord[] = [];
  for (let i = 0; i < an; i++) answers.push(readRecord(reader));
  return { rcode: flags & 0x000f, question, answers };
}

function readRecord(reader: Reader): DnsRecord {
  const name = reader.name();
  const type = reader.u16();
  reader.u16(); // class
  const ttl = reader.u32();
  const length = reader.u16();
  const end = reader.at + length;
  if (end > reader.bytes.length) throw new DnsFormatError("record data past the end of the message");
  const value = readData(reader, type, end);
  reader.at = end;
  return { name, type, ttl, value };
}

/** Record data as the text a zone file would show, for the types a monitor asks about; others as hex. */
function readData(reader: Reader, type: number, end: number): string {
  const length = end - reader.at;
  switch (type) {
    case RECORD_TYPES.A:
    case RECORD_TYPES.AAAA:
      if (length !== (type === RECORD_TYPES.A ? 4 : 16)) throw new DnsFormatError(`address of ${length} bytes`);
      return formatIp(reader.take(length));
    case RECORD_TYPES.NS:
    case RECORD_TYPES.CNAME:
      return reader.name();
    case RECORD_TYPES.MX:
      return `${reader.u16()} ${reader.name()}`;
    case RECORD_TYPES.TXT: {
      // Several character-strings make one text (a long SPF record is split at 255 bytes).
      const parts: Uint8Array[] = [];
      while (reader.at < end) parts.push(reader.take(reader.u8()));
      return new TextDecoder().decode(concat(parts));
    }
    case RECORD_TYPES.CAA: {
      const flags = reader.u8();
      const tag = new TextDecoder().decode(reader.take(reader.u8()));
      const value = new TextDecoder().decode(reader.take(end - reader.at));
      return `${flags} ${tag} "${value}"`;
    }
    default:
      return Array.from(reader.take(length), (b) => b.toString(16).padStart(2, "0")).join("");
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.length);
  return out;
}

/** Bounds-checked big-endian reads over a message. */
class Reader {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}

  private need(n: number): void {
    if (this.at + n > this.bytes.length) throw new DnsFormatError("message ends early");
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.at++]!;
  }
  u16(): number {
    return (this.u8() << 8) | this.u8();
  }
  u32(): number {
    return this.u16() * 65_536 + this.u16();
  }
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /**
   * A name, following compression pointers (RFC 1035 4.1.4). Each pointer must point before the one that led to it,
   * so a crafted message cannot make a loop; names are lower-cased without the final dot.
   */
  name(): string {
    const labels: string[] = [];
    let at = this.at;
    let resume = -1;
    let limit = at;
    for (let length = 0; ; ) {
      if (at >= this.bytes.length) throw new DnsFormatError("name runs past the end of the message");
      const byte = this.bytes[at]!;
      if (byte === 0) {
        at++;
        break;
      }
      if ((byte & 0xc0) === 0xc0) {
        if (at + 1 >= this.bytes.length) throw new DnsFormatError("name runs past the end of the message");
        const target = ((byte & 0x3f) << 8) | this.bytes[at + 1]!;
        if (target >= limit) throw new DnsFormatError("compression pointer does not point backwards");
        if (resume < 0) resume = at + 2;
        at = limit = target;
        continue;
      }
      if (byte & 0xc0) throw new DnsFormatError("unknown label type");
      if (at + 1 + byte > this.bytes.length) throw new DnsFormatError("label runs past the end of the message");
      length += byte + 1;
      if (length > 255) throw new DnsFormatError("name longer than 255 bytes");
      labels.push(new TextDecoder().decode(this.bytes.subarray(at + 1, at + 1 + byte)));
      at += 1 + byte;
    }
    this.at = resume >= 0 ? resume : at;
    return labels.join(".").toLowerCase();
  }
}
