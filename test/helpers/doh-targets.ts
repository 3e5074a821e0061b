// Node side (globalSetup, and the npm start demo): a DNS-over-HTTPS server (RFC 8484: GET ?dns= and POST, wire
// format) on 127.0.0.1, answering from a small zone. Written apart from src/dns/ on purpose, so a mistake shared by
// the probe's reader and this writer cannot hide; answers use name compression, as real resolvers' do.
import http from "node:http";
import { type Listening, listenOnLoopback } from "./listen";

const TYPES = { A: 1, NS: 2, CNAME: 5, MX: 15, TXT: 16, AAAA: 28, CAA: 257 } as const;
type TypeName = keyof typeof TYPES;

/** A zone: per name, records by type. MX as [preference, exchange], TXT as its character-strings, CAA as [flags, tag, value]. */
export type Zone = Record<
  string,
  {
    A?: string[];
    AAAA?: string[];
    CNAME?: string;
    NS?: string[];
    MX?: [number, string][];
    TXT?: string[][];
    CAA?: [number, string, string][];
    /** Answer with this RCODE instead (2 SERVFAIL, 5 REFUSED). */
    rcode?: number;
    /** Never answer. */
    hang?: boolean;
    /** Answer 200 with these bytes, or with an HTML page. */
    broken?: "truncated" | "html";
  }
>;

/** The tests' zone. */
export const TEST_ZONE: Zone = {
  "api.example.test": {
    A: ["203.0.113.10", "203.0.113.11"],
    AAAA: ["2001:db8::10"],
    NS: ["ns1.example.test", "ns2.example.test"],
    MX: [
      [10, "mail.example.test"],
      [20, "backup.example.test"],
    ],
    TXT: [["v=spf1 include:_spf.example.test ~all"], ["part one, ", "part two"]],
    CAA: [[0, "issue", "letsencrypt.org"]],
  },
  "www.example.test": { CNAME: "api.example.test" },
  "many.example.test": { A: Array.from({ length: 30 }, (_, i) => `198.51.100.${i + 1}`) },
  "empty.example.test": {},
  "servfail.example.test": { rcode: 2 },
  "refused.example.test": { rcode: 5 },
  "slow.example.test": { hang: true },
  "garbage.example.test": { broken: "truncated" },
  "html.example.test": { broken: "html" },
};

/** Writes a DNS message, compressing names against those already written. */
class Writer {
  private readonly bytes: number[] = [];
  private readonly names = new Map<string, number>();
  u8(v: number) {
    this.bytes.push(v & 0xff);
  }
  u16(v: number) {
    this.u8(v >> 8);
    this.u8(v);
  }
  u32(v: number) {
    this.u16(Math.floor(v / 65_536));
    this.u16(v);
  }
  raw(b: Uint8Array | number[]) {
    for (const x of b) this.u8(x);
  }
  name(name: string) {
    const labels = name.split(".").filter(Boolean);
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join(".").toLowerCase();
      const at = this.names.get(suffix);
      if (at !== undefined) return this.u16(0xc000 | at);
      if (this.bytes.length < 0x3fff) this.names.set(suffix, this.bytes.length);
      const label = Buffer.from(labels[i]!);
      this.u8(label.length);
      this.raw(label);
    }
    this.u8(0);
  }
  get length() {
    return this.bytes.length;
  }
  /** Fills in a 16-bit value written earlier (a record's data length). */
  patch16(at: number, v: number) {
    this.bytes[at] = (v >> 8) & 0xff;
    this.bytes[at + 1] = v & 0xff;
  }
  done() {
    return Buffer.from(this.bytes);
  }
}

function readQuestion(query: Buffer): { id: number; name: string; type: number } | null {
  if (query.length < 17) return null;
  const labels: string[] = [];
  let at = 12;
  while (at < query.length && query[at] !== 0) {
    const n = query[at]!;
    labels.push(query.subarray(at + 1, at + 1 + n).toString());
    at += 1 + n;
  }
  if (at + 5 > query.length) return null;
  return { id: query.readUInt16BE(0), name: labels.join(".").toLowerCase(), type: query.readUInt16BE(at + 1) };
}

function writeData(w: Writer, type: TypeName, value: unknown) {
  if (type === "A") w.raw(String(value).split(".").map(Number));
  else if (type === "AAAA") w.raw(ipv6Bytes(String(value)));
  else if (type === "CNAME" || type === "NS") w.name(String(value));
  else if (type === "MX") {
    const [pref, exchange] = value as [number, string];
    w.u16(pref);
    w.name(exchange);
  } else if (type === "TXT") {
    for (const part of value as string[]) {
      const b = Buffer.from(part);
      w.u8(b.length);
      w.raw(b);
    }
  } else {
    const [flags, tag, v] = value as [number, string, string];
    w.u8(flags);
    w.u8(tag.length);
    w.raw(Buffer.from(tag));
    w.raw(Buffer.from(v));
  }
}

function ipv6Bytes(text: string): number[] {
  const [head, tail = ""] = text.split("::");
  const words = (s: string) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const h = words(head!);
  const t = words(tail);
  const all = [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap((word) => [word >> 8, word & 0xff]);
}

/** The answer records for a question: the name's own, or its CNAME and the target's (one step of a chain). */
function recordsFor(zone: Zone, name: string, type: number): [string, TypeName, unknown][] {
  const entry = zone[name];
  if (!entry) return [];
  if (entry.CNAME && type !== TYPES.CNAME) return [[name, "CNAME", entry.CNAME], ...recordsFor(zone, entry.CNAME, type)];
  const typeName = (Object.keys(TYPES) as TypeName[]).find((t) => TYPES[t] === type);
  if (!typeName) return [];
  const values = entry[typeName];
  if (values === undefined) return [];
  return (Array.isArray(values) ? values : [values]).map((v) => [name, typeName, v]);
}

/** The answer to one query: NOERROR with records, NODATA, NXDOMAIN or the name's RCODE. */
export function answerFor(zone: Zone, query: Buffer): Buffer | null {
  const q = readQuestion(query);
  if (!q) return null;
  const entry = zone[q.name];
  const records = recordsFor(zone, q.name, q.type);
  const rcode = entry === undefined ? 3 : (entry.rcode ?? 0);
  const w = new Writer();
  w.u16(q.id);
  w.u16(0x8180 | rcode); // QR, RD, RA
  w.u16(1);
  w.u16(rcode === 0 ? records.length : 0);
  w.u16(0);
  w.u16(0);
  w.name(q.name);
  w.u16(q.type);
  w.u16(1);
  if (rcode !== 0) return w.done();
  for (const [name, type, value] of records) {
    w.name(name);
    w.u16(TYPES[type]);
    w.u16(1);
    w.u32(300);
    const lengthAt = w.length;
    w.u16(0);
    writeData(w, type, value);
    w.patch16(lengthAt, w.length - lengthAt - 2);
  }
  return w.done();
}

export interface DohServer extends Listening {
  url: string;
  /** Queries answered so far, by name. */
  queries: () => Record<string, number>;
}

/** A DoH server for `zone` at `http://127.0.0.1:<port>/dns-query`. */
export async function startDohServer(zone: Zone = TEST_ZONE): Promise<DohServer> {
  const counts: Record<string, number> = {};
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== "/dns-query") return void res.writeHead(404).end();
    const reply = (query: Buffer) => {
      const q = readQuestion(query);
      if (!q) return void res.writeHead(400).end();
      counts[q.name] = (counts[q.name] ?? 0) + 1;
      const entry = zone[q.name];
      if (entry?.hang) return;
      if (entry?.broken === "html") return void res.writeHead(200, { "content-type": "text/html" }).end("<html>captive portal</html>");
      const answer = answerFor(zone, query)!;
      const body = entry?.broken === "truncated" ? answer.subarray(0, answer.length - 3) : answer;
      res.writeHead(200, { "content-type": "application/dns-message", "cache-control": "max-age=300" }).end(body);
    };
    if (req.method === "GET") return reply(Buffer.from(url.searchParams.get("dns") ?? "", "base64url"));
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => reply(Buffer.concat(chunks)));
  });
  const listening = await listenOnLoopback(server);
  return { ...listening, url: `http://127.0.0.1:${listening.port}/dns-query`, queries: () => ({ ...counts }) };
}
