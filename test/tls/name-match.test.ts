import { describe, expect, it } from "vitest";
import { describeCertificateNames, matchesHost } from "../../src/tls/name-match";

const dns = (host: string, ...names: string[]) => matchesHost(host, names, []);

describe("host name matching (RFC 6125)", () => {
  it("matches exact names without regard to case or a trailing dot", () => {
    expect(dns("api.example.test", "api.example.test")).toBe(true);
    expect(dns("API.Example.Test.", "api.example.test")).toBe(true);
    expect(dns("api.example.test", "API.EXAMPLE.TEST.")).toBe(true);
    expect(dns("api.example.test", "www.example.test")).toBe(false);
  });

  it("lets a wildcard stand for exactly one whole left-most label", () => {
    expect(dns("api.example.test", "*.example.test")).toBe(true);
    expect(dns("example.test", "*.example.test")).toBe(false);
    expect(dns("a.b.example.test", "*.example.test")).toBe(false);
    expect(dns(".example.test", "*.example.test")).toBe(false);
  });

  it("refuses partial-label wildcards, wildcards right of the first label, and wildcards over a public suffix", () => {
    expect(dns("foo.example.test", "f*.example.test")).toBe(false);
    expect(dns("foo.example.test", "*o.example.test")).toBe(false);
    expect(dns("foo.example.test", "foo.*.test")).toBe(false);
    expect(dns("foo.example.test", "*.*.test")).toBe(false);
    expect(dns("example.test", "*.test")).toBe(false);
    expect(dns("a.example.test", "*")).toBe(false);
  });

  it("matches any of several SANs", () => {
    expect(dns("shop.example.test", "example.test", "*.example.test")).toBe(true);
    expect(dns("example.test", "example.test", "*.example.test")).toBe(true);
  });

  it("checks IP hosts against IP SANs only, comparing addresses rather than text", () => {
    expect(matchesHost("127.0.0.1", ["127.0.0.1"], [])).toBe(false);
    expect(matchesHost("127.0.0.1", [], ["127.0.0.1"])).toBe(true);
    expect(matchesHost("[::1]", [], ["0:0:0:0:0:0:0:1"])).toBe(true);
    expect(matchesHost("2001:db8::1", [], ["2001:DB8:0::1"])).toBe(true);
    expect(matchesHost("10.0.0.1", ["*.0.0.1"], ["10.0.0.2"])).toBe(false);
  });

  it("does not fall back to the subject CN", () => {
    expect(matchesHost("api.example.test", [], [])).toBe(false);
  });

  it("names what a certificate is for in the kind that was asked about", () => {
    const cert = { dnsNames: ["www.other.test"], ipAddresses: ["127.0.0.1"], subject: { commonName: "www.other.test" } };
    expect(describeCertificateNames("api.example.test", cert)).toBe("www.other.test");
    expect(describeCertificateNames("10.0.0.1", cert)).toBe("127.0.0.1");
    expect(
      describeCertificateNames("a.test", { dnsNames: ["a", "b", "c", "d", "e"], ipAddresses: [], subject: { commonName: null } }),
    ).toBe("a, b, c (+2 more)");
    expect(describeCertificateNames("a.test", { dnsNames: [], ipAddresses: [], subject: { commonName: "legacy.test" } })).toBe(
      "legacy.test (no subject alternative names)",
    );
  });
});
