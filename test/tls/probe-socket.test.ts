// probeTls against real TLS servers on 127.0.0.1 (Node tls, openssl s_server), read through cloudflare:sockets.
import { describe, expect, it } from "vitest";
import { probeTls, type TlsProbeResult } from "../../src/probes/tls";
import type { ProbeDeps } from "../../src/probes/types";
import { DAY_MS, loopbackDeps, port, SERVER_NAME, tlsMonitor, values } from "./kit";

const probe = (server: string, fields: Parameters<typeof tlsMonitor>[0] = {}, deps: ProbeDeps = loopbackDeps()) =>
  probeTls(tlsMonitor({ port: port(server), ...fields }), deps);

/** What openssl says of the certificate file, and the days left counted from the probe's own check time. */
function expectDates(result: TlsProbeResult, certName: string) {
  const facts = values().certs[certName]!;
  expect(result.details.notAfter).toBe(facts.opensslNotAfter);
  expect(result.details.notBefore).toBe(facts.validFrom);
  const expected = Math.floor((Date.parse(facts.opensslNotAfter) - Date.parse(result.checkedAt)) / DAY_MS);
  expect(result.details.daysLeft).toBe(expected);
  return facts;
}

const isoDay = (iso: string) => iso.slice(0, 10);

describe("a valid certificate", () => {
  it.each([
    ["tls13-rsa", "TLSv1.3", "okRsa", "RSA-2048"],
    ["tls13-ec", "TLSv1.3", "okEc", "EC P-256"],
    ["tls13-aes256", "TLSv1.3", "okEc", "EC P-256"],
    ["tls12-rsa", "TLSv1.2", "okRsa", "RSA-2048"],
    ["tls12-ec", "TLSv1.2", "okEc", "EC P-256"],
  ])("%s: up, %s, with every detail read from the certificate", async (server, protocol, certName, keyType) => {
    const result = await probe(server);
    const facts = expectDates(result, certName);
    expect(result).toMatchObject({ type: "tls", monitorId: "tls-test", status: "up" });
    expect(result.error).toBeUndefined();
    expect(result.message).toBe(`expires in 20 days (${isoDay(facts.opensslNotAfter)})`);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.details).toMatchObject({
      source: "socket",
      daysLeft: 20,
      protocol,
      keyType,
      chainLength: 2,
      trusted: true,
      subject: `CN=${SERVER_NAME}, O=Edgewatch Tests`,
      issuer: "CN=Edgewatch Test Intermediate, O=Edgewatch Tests",
      sans: [SERVER_NAME, "127.0.0.1"],
      serial: facts.serialNumber,
      fingerprintSha256: facts.fingerprint256,
      earliestChainExpiry: facts.opensslNotAfter,
    });
  });

  it("reads a 4-deep chain of 4096-bit RSA certificates sent in 512-byte records, TLS 1.3 and 1.2", async () => {
    for (const server of ["long-chain-13", "long-chain-12"]) {
      const result = await probe(server);
      const facts = expectDates(result, "longLeaf");
      expect(result.status, result.message).toBe("up");
      expect(result.details).toMatchObject({ chainLength: 4, keyType: "RSA-4096", trusted: true, fingerprintSha256: facts.fingerprint256 });
      expect(result.details.protocol).toBe(server.endsWith("13") ? "TLSv1.3" : "TLSv1.2");
      // The second intermediate expires before the leaf.
      expect(result.details.earliestChainExpiry).toBe(values().certs["long2"]!.opensslNotAfter);
    }
  });

  it("gets through a HelloRetryRequest (server only accepts P-384)", async () => {
    const result = await probe("hello-retry");
    expect(result.status, result.message).toBe("up");
    expect(result.details.protocol).toBe("TLSv1.3");
    expect(result.details.fingerprintSha256).toBe(values().certs["okEc"]!.fingerprint256);
  });

  it("reassembles records that arrive a few bytes at a time", async () => {
    const result = await probe("dribble");
    expect(result.status, result.message).toBe("up");
    expect(result.details.fingerprintSha256).toBe(values().certs["okRsa"]!.fingerprint256);
  });

  it("checks the host itself when no servername is given (an IP against IP SANs)", async () => {
    const result = await probeTls(tlsMonitor({ port: port("tls13-ec"), servername: undefined }), loopbackDeps());
    expect(result.status, result.message).toBe("up");
  });

  it("reaches an IPv6 literal, checked against IP SANs when no servername is given", async () => {
    for (const host of ["[::1]", "::1"]) {
      const result = await probeTls(tlsMonitor({ host, port: port("ipv6"), servername: undefined }), loopbackDeps());
      expect(result.status, `${host}: ${result.message}`).toBe("up");
      expect(result.details).toMatchObject({ sans: [SERVER_NAME, "::1"], trusted: true });
    }
  });

  it("is degraded when slower than degradedAfterMs", async () => {
    const result = await probe("dribble", { degradedAfterMs: 1 });
    expect(result.status).toBe("degraded");
    expect(result.message).toMatch(/^expires in 20 days \(\d{4}-\d{2}-\d{2}\); slower than 1 ms$/);
    expect(result.error?.phase).toBe("latency");
  });
});

describe("expiry", () => {
  it("10 days left (warnDays 14): degraded", async () => {
    const result = await probe("days10");
    const facts = expectDates(result, "days10");
    expect(result.status).toBe("degraded");
    expect(result.message).toBe(`expires in 10 days (${isoDay(facts.opensslNotAfter)})`);
    expect(result.error?.phase).toBe("expiry");
  });

  it("5 days left (criticalDays 7): down", async () => {
    const result = await probe("days5");
    const facts = expectDates(result, "days5");
    expect(result.status).toBe("down");
    expect(result.message).toBe(`expires in 5 days (${isoDay(facts.opensslNotAfter)})`);
  });

  it("thresholds come from the monitor", async () => {
    expect((await probe("days10", { warnDays: 9, criticalDays: 3 })).status).toBe("up");
    expect((await probe("days5", { warnDays: 30, criticalDays: 4 })).status).toBe("degraded");
    expect((await probe("tls13-ec", { warnDays: 30, criticalDays: 21 })).status).toBe("down");
  });

  it("expired 2.5 days ago: down, negative days left, refused by the runtime too", async () => {
    const result = await probe("expired");
    expectDates(result, "expired");
    expect(result.status).toBe("down");
    expect(result.message).toBe("certificate expired 2 days ago");
    expect(result.details.daysLeft).toBe(-3);
    expect(result.details.trusted).toBe(false);
    expect(result.error?.phase).toBe("expiry");
  });

  it("not yet valid: down", async () => {
    const result = await probe("not-yet-valid");
    const facts = expectDates(result, "notYet");
    expect(result.status).toBe("down");
    expect(result.message).toMatch(new RegExp(`^certificate not valid before ${isoDay(facts.validFrom)}; expires in \\d+ days`));
    expect(result.details.trusted).toBe(false);
  });
});

describe("certificates a client must refuse", () => {
  it("self-signed", async () => {
    const result = await probe("self-signed");
    expect(result.status).toBe("down");
    expect(result.message).toMatch(/^self-signed certificate; expires in \d+ days \(2099-12-31\)$/);
    expect(result.details).toMatchObject({ trusted: false, chainLength: 1, notAfter: "2099-12-31T12:00:00.000Z" });
    expect(result.error?.phase).toBe("trust");
  });

  it("for another name", async () => {
    const result = await probe("wrong-host");
    expect(result.status).toBe("down");
    expect(result.message).toMatch(/^certificate is for www\.other\.test, not api\.example\.test; expires in \d+ days/);
    expect(result.details.keyType).toBe("EC P-384");
    expect(result.error?.phase).toBe("name");
  });

  it("for another name when the host itself is checked (localhost against a certificate for api.example.test)", async () => {
    const result = await probeTls(tlsMonitor({ host: "localhost", port: port("tls13-ec"), servername: undefined }), loopbackDeps());
    expect(result.status).toBe("down");
    expect(result.message).toMatch(/^certificate is for api\.example\.test, not localhost;/);
    expect(result.details.trusted).toBe(false);
  });

  it("an incomplete chain (the intermediate is not sent)", async () => {
    const result = await probe("incomplete");
    expect(result.status).toBe("down");
    expect(result.message).toMatch(
      /^incomplete chain: issuer CN=Edgewatch Test Intermediate, O=Edgewatch Tests not sent by the server and not trusted; expires in 20 days/,
    );
    expect(result.details).toMatchObject({ trusted: false, chainLength: 1 });
  });
});

describe("no certificate to read", () => {
  const expectNoDetails = (result: TlsProbeResult) => {
    expect(result.status).toBe("down");
    expect(result.latencyMs).toBeNull();
    expect(result.details).toMatchObject({ notAfter: null, daysLeft: null, protocol: null, trusted: null, chainLength: null });
  };

  it("a server that answers with an alert", async () => {
    const result = await probe("alert");
    expectNoDetails(result);
    expect(result.message).toBe("server sent alert handshake_failure");
    expect(result.error).toEqual({ phase: "handshake", detail: expect.stringContaining("server sent alert handshake_failure") });
  });

  it("a certificate that is not DER: a parse failure, reported rather than thrown", async () => {
    const result = await probe("garbage-certificate");
    expectNoDetails(result);
    expect(result.message).toMatch(/^unreadable certificate #1: /);
    expect(result.error?.phase).toBe("parse");
  });

  it("a plain HTTP server", async () => {
    const result = await probe("http");
    expectNoDetails(result);
    expect(result.message).toBe("not a TLS server");
    expect(result.error?.phase).toBe("handshake");
  });

  it("a refused port", async () => {
    const result = await probe("refused");
    expectNoDetails(result);
    expect(result.message).toBe("no TLS handshake: connection refused or host unreachable");
    expect(result.error?.phase).toBe("connect");
  });

  it("a server that accepts and never answers: the monitor's timeout", async () => {
    const startedAt = Date.now();
    const result = await probe("silent", { timeoutMs: 800 });
    const elapsed = Date.now() - startedAt;
    expectNoDetails(result);
    expect(result.message).toBe("timeout after 800 ms");
    expect(result.error?.phase).toBe("timeout");
    expect(elapsed).toBeGreaterThanOrEqual(750);
    expect(elapsed).toBeLessThan(3000);
  });
});

describe("hosts proxied by Cloudflare", () => {
  it("an address in Cloudflare's ranges is named as such without trying to connect", async () => {
    let connects = 0;
    const deps = loopbackDeps();
    const counting: ProbeDeps = { ...deps, connect: (...args) => (connects++, deps.connect(...args)) };
    const result = await probeTls(tlsMonitor({ host: "104.16.132.229", servername: undefined }), counting);
    expect(result.status).toBe("down");
    expect(result.message).toBe("no TLS handshake: host is proxied by Cloudflare; use source: cloudflare-api");
    expect(result.error?.phase).toBe("connect");
    expect(connects).toBe(0);
  });

  it("a host name that cannot be reached and resolves to Cloudflare (asked over DNS-over-HTTPS)", async () => {
    const asked: string[] = [];
    const toLocalDoh: typeof fetch = (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      if (url.hostname !== "cloudflare-dns.com") throw new Error(`unexpected fetch ${url}`);
      asked.push(url.searchParams.get("type") ?? "");
      return fetch(`${values().dohUrl}${url.search}`, init);
    };
    const result = await probeTls(
      tlsMonitor({ host: "localhost", servername: undefined, port: port("refused") }),
      loopbackDeps({ fetch: toLocalDoh }),
    );
    expect(result.message).toBe("no TLS handshake: host is proxied by Cloudflare; use source: cloudflare-api");
    expect(asked.sort()).toEqual(["A", "AAAA"]);
  });

  it("an unreachable IP outside those ranges is an ordinary connect failure, with no lookup", async () => {
    const deps = loopbackDeps({ fetch: () => Promise.reject(new Error("no fetch expected")) });
    const result = await probeTls(tlsMonitor({ port: port("refused") }), deps);
    expect(result.message).toBe("no TLS handshake: connection refused or host unreachable");
  });
});

describe("sockets", () => {
  it("are closed on every path: success, refusal by the runtime, not TLS, timeout, parse failure", async () => {
    await probe("tls13-ec");
    await probe("self-signed");
    await probe("http");
    await probe("silent", { timeoutMs: 300 });
    await probe("garbage-certificate");
    for (const server of ["tls13-ec", "self-signed", "http", "silent", "garbage-certificate"]) {
      let open = -2;
      for (let i = 0; i < 40 && open !== 0; i++) {
        if (i) await new Promise((r) => setTimeout(r, 50));
        open = ((await (await fetch(`${values().openConnectionsUrl}/${server}`)).json()) as { open: number }).open;
      }
      expect(open, server).toBe(0);
    }
  });
});
