import { describe, expect, inject, it } from "vitest";
import type * as z from "zod";
import { parseConfig } from "../../src/config/load";
import { DEFAULT_RESOLVER, DnsMonitor } from "../../src/config/dns-monitor";
import { probeDns } from "../../src/probes/dns";
import { steppingClock } from "../helpers/fixtures";
import { loopbackDeps } from "../tls/kit";

const dns = (fields: Partial<z.input<typeof DnsMonitor>>) =>
  DnsMonitor.parse({ id: "dns-test", name: "DNS test", type: "dns", host: "api.example.test", resolver: inject("dohUrl"), ...fields });
// Refuses anything but loopback: the default resolver must never be reached from a test.
const deps = loopbackDeps();

describe("dns monitors against a local DNS-over-HTTPS server", () => {
  it("is up with records of the type; resolution time is the latency", async () => {
    const r = await probeDns(dns({}), deps);
    expect(r).toMatchObject({
      type: "dns",
      status: "up",
      details: { recordType: "A", rcode: "NOERROR", records: ["203.0.113.10", "203.0.113.11"], ttl: 300, missing: [], unexpected: [] },
    });
    expect(r.message).toMatch(/^2 A records in \d+ ms$/);
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.error).toBeUndefined();
  });

  it("reads every record type it offers, in the text a zone file shows", async () => {
    const cases: [z.input<typeof DnsMonitor>["recordType"], string[]][] = [
      ["AAAA", ["2001:db8::10"]],
      ["NS", ["ns1.example.test", "ns2.example.test"]],
      ["MX", ["10 mail.example.test", "20 backup.example.test"]],
      ["TXT", ["v=spf1 include:_spf.example.test ~all", "part one, part two"]],
      ["CAA", ['0 issue "letsencrypt.org"']],
    ];
    for (const [recordType, records] of cases) {
      const r = await probeDns(dns({ recordType }), deps);
      expect(r, recordType).toMatchObject({ status: "up", details: { records } });
    }
    const cname = await probeDns(dns({ host: "www.example.test", recordType: "CNAME", expect: ["API.example.test."] }), deps);
    expect(cname).toMatchObject({ status: "up", details: { records: ["api.example.test"] } });
  });

  it("keeps 20 records in details, and counts them all", async () => {
    const r = await probeDns(dns({ host: "many.example.test" }), deps);
    expect(r.status).toBe("up");
    expect(r.details.records).toHaveLength(20);
    expect(r.message).toMatch(/^30 A records in \d+ ms$/);
  });

  it("follows a CNAME to the records asked for", async () => {
    const r = await probeDns(dns({ host: "www.example.test", expect: ["203.0.113.10"] }), deps);
    expect(r).toMatchObject({ status: "up", details: { records: ["203.0.113.10", "203.0.113.11"] } });
    expect(r.message).toMatch(/^2 A records, expected values present in \d+ ms$/);
  });

  it("checks expected values: present (contains) or the exact set", async () => {
    expect((await probeDns(dns({ expect: ["203.0.113.11"] }), deps)).status).toBe("up");
    expect((await probeDns(dns({ recordType: "AAAA", expect: ["2001:DB8:0::10"] }), deps)).status).toBe("up");
    expect((await probeDns(dns({ recordType: "MX", expect: ["mail.example.test"] }), deps)).status).toBe("up");
    const missing = await probeDns(dns({ expect: ["203.0.113.10", "203.0.113.99"] }), deps);
    expect(missing).toMatchObject({ status: "down", error: { phase: "mismatch" }, details: { missing: ["203.0.113.99"] } });
    expect(missing.message).toBe("A 203.0.113.99 missing (got 203.0.113.10, 203.0.113.11)");
    const exact = await probeDns(dns({ expect: ["203.0.113.10"], match: "exact" }), deps);
    expect(exact).toMatchObject({ status: "down", details: { unexpected: ["203.0.113.11"] } });
    expect(exact.message).toBe("unexpected A 203.0.113.11 (got 203.0.113.10, 203.0.113.11)");
    const both = await probeDns(dns({ expect: ["203.0.113.11", "203.0.113.10"], match: "exact" }), deps);
    expect(both.status).toBe("up");
    expect(both.message).toMatch(/exactly as expected/);
  });

  it("says which failure it was: NXDOMAIN, SERVFAIL, REFUSED, no records", async () => {
    const cases: [string, string, string][] = [
      ["nope.example.test", "NXDOMAIN: the name does not exist", "NXDOMAIN"],
      ["servfail.example.test", "SERVFAIL: the resolver could not resolve the name", "SERVFAIL"],
      ["refused.example.test", "REFUSED: the resolver would not answer", "REFUSED"],
    ];
    for (const [host, message, rcode] of cases) {
      const r = await probeDns(dns({ host }), deps);
      expect(r, host).toMatchObject({ status: "down", message, details: { rcode }, error: { phase: "rcode" } });
      expect(r.latencyMs, host).not.toBeNull();
    }
    const empty = await probeDns(dns({ host: "empty.example.test" }), deps);
    expect(empty).toMatchObject({ status: "down", message: "no A records (the name exists)", details: { rcode: "NOERROR" } });
  });

  it("times out a resolver that never answers", async () => {
    const started = Date.now();
    const r = await probeDns(dns({ host: "slow.example.test", timeoutMs: 300 }), deps);
    expect(r).toMatchObject({ status: "down", message: "timeout after 300 ms", latencyMs: null, error: { phase: "timeout" } });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("is down on a resolver that is unreachable, answers HTML or a broken message; logs carry the redacted URL", async () => {
    const refused = await probeDns(dns({ resolver: `http://127.0.0.1:${inject("refusedPort")}/dns-query` }), deps);
    expect(refused).toMatchObject({
      status: "down",
      message: "resolver unreachable: connection refused or lost",
      error: { phase: "connect" },
    });
    expect(refused.error?.detail).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/dns-query\?dns=redacted/);
    const html = await probeDns(dns({ host: "html.example.test" }), deps);
    expect(html).toMatchObject({
      status: "down",
      message: "the resolver answered text/html, not a DNS message",
      error: { phase: "resolver" },
    });
    const notFound = await probeDns(dns({ resolver: inject("dohUrl").replace("/dns-query", "/other") }), deps);
    expect(notFound.message).toBe("the resolver answered HTTP 404");
    const garbage = await probeDns(dns({ host: "garbage.example.test" }), deps);
    expect(garbage).toMatchObject({ status: "down", error: { phase: "answer" } });
    expect(garbage.message).toMatch(/^malformed DNS answer: /);
  });

  it("is degraded when resolving is slower than degradedAfterMs", async () => {
    const slow = { ...deps, now: steppingClock(40) };
    const r = await probeDns(dns({ degradedAfterMs: 10 }), slow);
    expect(r).toMatchObject({ status: "degraded", error: { phase: "latency" } });
  });

  it("defaults to Cloudflare's resolver, and the config refuses bad values naming the field", () => {
    expect(DnsMonitor.parse({ id: "d", name: "D", type: "dns", host: "example.com" })).toMatchObject({
      resolver: DEFAULT_RESOLVER,
      recordType: "A",
      match: "contains",
    });
    const result = parseConfig({
      title: "t",
      monitors: [
        { id: "a", name: "A", type: "dns", host: "example.com", expect: ["not-an-ip"] },
        { id: "b", name: "B", type: "dns", host: "example.com", match: "exact" },
        { id: "c", name: "C", type: "dns", host: "example.com", recordType: "SRV" },
      ],
    });
    expect(!result.ok && result.errors).toEqual([
      "monitors[0].expect[0]: must be an IPv4 address",
      'monitors[1].match: "exact" needs the values in expect',
      expect.stringMatching(/^monitors\[2\]\.recordType: /),
    ]);
  });
});
