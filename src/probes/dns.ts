import { type DnsMonitor, type DnsRecordType, normalizeRecordValue } from "../config/dns-monitor";
import { queryDoh } from "../dns/doh-query";
import { type DnsAnswer, RECORD_TYPES, rcodeName } from "../dns/wire";
import { deadline } from "../net/deadline";
import { redactUrl } from "../net/redact-url";
import type { ProbeDeps } from "./probe-deps";
import { type Problem, type ResultOf, conclude } from "./verdict";

export interface DnsDetails {
  recordType: DnsRecordType;
  /** `NOERROR`, `NXDOMAIN`, `SERVFAIL`, ...; null when no answer came. */
  rcode: string | null;
  /** The answer's values of that type (at most 20), as the probe compares them. */
  records: string[];
  /** The smallest TTL among them, in seconds. */
  ttl: number | null;
  /** Expected values the answer lacked. */
  missing: string[];
  /** With `match: "exact"`, values the answer had that were not expected. */
  unexpected: string[];
}

export type DnsProbeResult = ResultOf<"dns", DnsDetails>;

const RECORDS_KEPT = 20;

/** What each failing RCODE means, in words. */
const RCODE_WORDS: Record<string, string> = {
  NXDOMAIN: "NXDOMAIN: the name does not exist",
  SERVFAIL: "SERVFAIL: the resolver could not resolve the name",
  REFUSED: "REFUSED: the resolver would not answer",
};

/**
 * The guide's "Check DNS" from the edge: resolves `host` through an RFC 8484 resolver and checks the records. The
 * resolution time is the latency; NXDOMAIN, SERVFAIL, a timeout or a mismatch is down, in words saying which. One
 * subrequest; never throws.
 */
export async function probeDns(monitor: DnsMonitor, deps: ProbeDeps): Promise<DnsProbeResult> {
  const startedAt = deps.now();
  const type = monitor.recordType;
  const details: DnsDetails = { recordType: type, rcode: null, records: [], ttl: null, missing: [], unexpected: [] };
  const describeTarget = `dns ${type} ${monitor.host} via ${redactUrl(monitor.resolver)}`;
  const finish = (problems: Problem[], upMessage = "") =>
    conclude(
      { type: "dns", monitorId: monitor.id, startedAt, deps, describeTarget, details, degradedAfterMs: monitor.degradedAfterMs },
      problems,
      upMessage,
    );

  const result = await queryDoh(deps.fetch, monitor.resolver, { name: monitor.host, type }, deadline(monitor.timeoutMs));
  if (!result.ok) {
    const text = result.phase === "connect" ? `resolver unreachable: ${result.reason}` : result.reason;
    return finish([{ status: "down", text, phase: result.phase, detail: result.detail }]);
  }
  const { answer } = result;
  details.rcode = rcodeName(answer.rcode);
  if (answer.rcode !== 0) return finish([{ status: "down", text: RCODE_WORDS[details.rcode] ?? details.rcode, phase: "rcode" }]);

  const records = recordsOf(answer, type);
  details.records = records.values.slice(0, RECORDS_KEPT);
  details.ttl = records.ttl;
  const ms = Math.max(0, Math.round(deps.now() - startedAt));
  if (records.values.length === 0) return finish([{ status: "down", text: `no ${type} records (the name exists)`, phase: "answer" }]);
  const mismatch = compare(monitor, records.values, details);
  if (mismatch) return finish([mismatch]);
  const count = `${records.values.length} ${type} record${records.values.length === 1 ? "" : "s"}`;
  return finish(
    [],
    `${count}${monitor.expect ? (monitor.match === "exact" ? ", exactly as expected" : ", expected values present") : ""} in ${ms} ms`,
  );
}

/** The answer's values of the asked type (a CNAME chain's own records left out), and their smallest TTL. */
function recordsOf(answer: DnsAnswer, type: DnsRecordType): { values: string[]; ttl: number | null } {
  const matching = answer.answers.filter((r) => r.type === RECORD_TYPES[type]);
  const values = [...new Set(matching.map((r) => normalizeRecordValue(type, r.value)))];
  const ttl = matching.length ? Math.min(...matching.map((r) => r.ttl)) : null;
  return { values, ttl };
}

/** Whether a record holds an expected value; an MX value without a preference matches any preference. */
function holds(type: DnsRecordType, record: string, expected: string): boolean {
  if (record === expected) return true;
  return type === "MX" && !/^\d+ /.test(expected) && record.replace(/^\d+ /, "") === expected;
}

/** The first way the records fail `expect`, naming what is missing or extra; fills `details.missing`/`unexpected`. */
function compare(monitor: DnsMonitor, records: string[], details: DnsDetails): Problem | null {
  if (!monitor.expect) return null;
  const type = monitor.recordType;
  const expected = monitor.expect.map((v) => normalizeRecordValue(type, v));
  details.missing = expected.filter((e) => !records.some((r) => holds(type, r, e)));
  details.unexpected = monitor.match === "exact" ? records.filter((r) => !expected.some((e) => holds(type, r, e))) : [];
  const got = ` (got ${records.slice(0, 3).join(", ")}${records.length > 3 ? `, and ${records.length - 3} more` : ""})`;
  const more = (list: string[]) => (list.length > 1 ? ` and ${list.length - 1} more` : "");
  if (details.missing.length)
    return { status: "down", text: `${type} ${details.missing[0]}${more(details.missing)} missing${got}`, phase: "mismatch" };
  if (details.unexpected.length)
    return { status: "down", text: `unexpected ${type} ${details.unexpected[0]}${more(details.unexpected)}${got}`, phase: "mismatch" };
  return null;
}
