import { describe, expect, it } from "vitest";
import { TlsMonitor } from "../../src/config/tls-monitor";

const base = { id: "cert", name: "Certificate", type: "tls" as const };

describe("TlsMonitor schema", () => {
  it("fills the defaults", () => {
    expect(TlsMonitor.parse({ ...base, host: "api.example.test" })).toMatchObject({
      port: 443,
      warnDays: 14,
      criticalDays: 7,
      timeoutMs: 10_000,
      source: "socket",
      severity: "SEV-3",
    });
  });

  it("accepts host names and IP literals, and refuses URLs and ports", () => {
    for (const host of ["api.example.test", "localhost", "10.0.0.1", "2001:db8::1", "[2001:db8::1]"]) {
      expect(TlsMonitor.safeParse({ ...base, host }).success, host).toBe(true);
    }
    for (const host of ["https://api.example.test", "api.example.test:443", "api.example.test/x", "", "a b"]) {
      expect(TlsMonitor.safeParse({ ...base, host }).success, host).toBe(false);
    }
  });

  it("wants criticalDays at or below warnDays", () => {
    const result = TlsMonitor.safeParse({ ...base, host: "a.test", warnDays: 5, criticalDays: 7 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["criticalDays"]);
  });

  it("needs a zone and a token secret for the API source", () => {
    const result = TlsMonitor.safeParse({ ...base, host: "a.test", source: "cloudflare-api" });
    expect(result.error?.issues.map((i) => i.path[0]).sort()).toEqual(["apiTokenSecret", "zoneId"]);
    expect(
      TlsMonitor.safeParse({
        ...base,
        host: "a.test",
        source: "cloudflare-api",
        zoneId: "0123456789abcdef0123456789abcdef",
        apiTokenSecret: "CF_TOKEN",
      }).success,
    ).toBe(true);
  });

  it("refuses unknown fields", () => {
    expect(TlsMonitor.safeParse({ ...base, host: "a.test", url: "https://a.test" }).success).toBe(false);
  });
});
