// The certificate reader against node:crypto's X509Certificate (run on the Node side at setup) on the same files.
import { describe, expect, it } from "vitest";
import { formatIp, parseIp } from "../../src/config/ip-address";
import { describeName, fingerprintSha256, isSelfIssued, parseCertificate } from "../../src/tls/x509";
import { base64ToBytes, values } from "./kit";

/** node:crypto prints a Name as `O=...\nCN=...`; only CN and O are compared. */
function nodeName(text: string): { CN?: string; O?: string } {
  return Object.fromEntries(
    text
      .split("\n")
      .map((line) => line.split("=", 2) as [string, string])
      .filter(([k]) => k === "CN" || k === "O"),
  );
}

/** node:crypto writes IPv6 SANs in full (0:0:0:0:0:0:0:1); compare addresses, not spellings. */
function nodeSans(text: string | null): string[] {
  if (!text) return [];
  return text
    .split(", ")
    .map((entry) => (entry.startsWith("IP Address:") ? formatIp(parseIp(entry.slice(11))!) : entry.replace(/^DNS:/, "")));
}

describe("X.509 reader cross-checked with node:crypto", () => {
  const certs = Object.entries(values().certs);

  it("has the test certificates", () => {
    expect(certs.length).toBeGreaterThanOrEqual(14);
  });

  it.each(certs)("%s", async (_name, facts) => {
    const der = base64ToBytes(facts.derBase64);
    const cert = parseCertificate(der);
    const subject = nodeName(facts.subject);
    const issuer = nodeName(facts.issuer);
    expect(cert.subject.commonName).toBe(subject.CN ?? null);
    expect(cert.subject.organization).toBe(subject.O ?? null);
    expect(cert.issuer.commonName).toBe(issuer.CN ?? null);
    expect(cert.issuer.organization).toBe(issuer.O ?? null);
    expect([...cert.dnsNames, ...cert.ipAddresses].sort()).toEqual(nodeSans(facts.subjectAltName).sort());
    expect(cert.notBefore.toISOString()).toBe(facts.validFrom);
    expect(cert.notAfter.toISOString()).toBe(facts.validTo);
    expect(cert.notAfter.toISOString()).toBe(facts.opensslNotAfter);
    expect(cert.serial).toBe(facts.serialNumber);
    expect(await fingerprintSha256(der)).toBe(facts.fingerprint256);
    expect(cert.keyType).toBe(facts.keyType);
    expect(cert.isCa).toBe(facts.ca);
    expect(isSelfIssued(cert)).toBe(facts.subject === facts.issuer);
  });

  it("describes names as CN and O", () => {
    const cert = parseCertificate(base64ToBytes(values().certs["intermediate"]!.derBase64));
    expect(describeName(cert.subject)).toBe("CN=Edgewatch Test Intermediate, O=Edgewatch Tests");
    expect(describeName(cert.issuer)).toBe("CN=Edgewatch Test Root CA, O=Edgewatch Tests");
  });

  it("throws on a truncated certificate rather than returning half of it", () => {
    const der = base64ToBytes(values().certs["okEc"]!.derBase64);
    expect(() => parseCertificate(der.subarray(0, der.length - 10))).toThrow();
  });
});
