// One DNS question over HTTPS (RFC 8484, the wire format in a GET): any standard DoH resolver answers it, and the
// answer carries the exact RCODE and record data, which the JSON dialects some resolvers also offer do not promise.
import type { DnsRecordType } from "../config/dns-monitor";
import type { Deadline } from "../net/deadline";
import { redactUrl } from "../net/redact-url";
import { discard, readBodyBytes, send } from "../net/request";
import { PROBE_USER_AGENT } from "../net/user-agent";
import { type DnsAnswer, DnsFormatError, decodeAnswer, encodeQuery } from "./wire";

const MESSAGE_TYPE = "application/dns-message";
/** The largest DNS message there is. */
const MAX_MESSAGE_BYTES = 65_535;

/**
 * Why there is no answer: `phase` is `connect`, `timeout`, `resolver` (an HTTP error or not a DNS answer) or `answer`
 * (a malformed one); `reason` is words for people (no URL), `detail` the same for logs with method and redacted URL.
 */
type DohFailure = { ok: false; phase: string; reason: string; detail: string };

export type DohResult = { ok: true; answer: DnsAnswer } | DohFailure;

/** `?dns=` carries the query in base64url without padding (RFC 8484 section 4.1). */
function queryUrl(resolver: string, query: Uint8Array): string {
  const url = new URL(resolver);
  const base64 = btoa(String.fromCharCode(...query));
  url.searchParams.set("dns", base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""));
  return url.toString();
}

/** Asks `resolver` for `name`'s records of `type`; never throws. Caches are bypassed: a monitor wants the resolver's answer now. */
export async function queryDoh(
  fetchFn: typeof fetch,
  resolver: string,
  question: { name: string; type: DnsRecordType },
  limit: Deadline,
): Promise<DohResult> {
  const url = queryUrl(resolver, encodeQuery(question.name, question.type));
  const fail = (phase: string, reason: string): DohResult => ({ ok: false, phase, reason, detail: `GET ${redactUrl(url)}: ${reason}` });
  const sent = await send(fetchFn, { url, headers: { accept: MESSAGE_TYPE, "user-agent": PROBE_USER_AGENT }, noStore: true }, limit);
  if (!sent.ok) return { ok: false, phase: sent.kind, reason: sent.reason, detail: sent.detail };
  const { response } = sent;
  const type = response.headers.get("content-type") ?? "";
  if (response.status !== 200 || !type.toLowerCase().startsWith(MESSAGE_TYPE)) {
    await discard(response);
    const what = response.status !== 200 ? `HTTP ${response.status}` : `${type.split(";")[0] || "no content type"}, not a DNS message`;
    return fail("resolver", `the resolver answered ${what}`);
  }
  const body = await readBodyBytes(response, MAX_MESSAGE_BYTES, { url }, limit);
  if (!body.ok) return { ok: false, phase: body.kind, reason: body.reason, detail: body.detail };
  if (body.truncated) return fail("answer", "answer larger than a DNS message");
  try {
    return { ok: true, answer: decodeAnswer(body.bytes) };
  } catch (error) {
    // DnsFormatError names what is wrong; anything else would be a bug in the reader, and still not a crash here.
    return fail("answer", `malformed DNS answer: ${error instanceof DnsFormatError ? error.message : String(error)}`.slice(0, 200));
  }
}
