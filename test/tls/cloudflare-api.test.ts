// source "cloudflare-api" against a local server imitating GET /zones/{zone_id}/ssl/certificate_packs.
import { describe, expect, it } from "vitest";
import { probeTls } from "../../src/probes/tls";
import { CF_BROKEN_ZONE_ID, CF_ZONE_ID, DAY_MS, loopbackDeps, port, tlsMonitor, values } from "./kit";

const apiMonitor = (host: string, fields: Parameters<typeof tlsMonitor>[0] = {}) =>
  tlsMonitor({
    host,
    servername: undefined,
    source: "cloudflare-api",
    zoneId: CF_ZONE_ID,
    apiTokenSecret: "CF_API_TOKEN",
    apiUrl: values().cloudflareApiUrl,
    ...fields,
  });
const deps = (token: string | null = values().cloudflareApiToken) =>
  loopbackDeps({ secret: (name) => (name === "CF_API_TOKEN" ? (token ?? undefined) : undefined) });

describe("certificate expiry from the Cloudflare API", () => {
  it("takes the earliest expiry of the certificates covering the host (a wildcard here)", async () => {
    const result = await probeTls(apiMonitor("api.example.test"), deps());
    expect(result.status).toBe("degraded");
    expect(result.message).toMatch(/^expires in 10 days \(\d{4}-\d{2}-\d{2}\)$/);
    expect(result.details).toMatchObject({
      source: "cloudflare-api",
      daysLeft: 10,
      issuer: "GoogleTrustServices",
      subject: "api.example.test",
      sans: ["example.test", "*.example.test"],
      trusted: null,
      protocol: null,
    });
    const notAfter = Date.parse(result.details.notAfter!);
    expect(Math.floor((notAfter - Date.parse(result.checkedAt)) / DAY_MS)).toBe(10);
  });

  it("is down within criticalDays", async () => {
    const result = await probeTls(apiMonitor("shop.example.test"), deps());
    expect(result.status).toBe("down");
    expect(result.message).toMatch(/^expires in 5 days/);
    expect(result.error?.phase).toBe("expiry");
  });

  it("reads every page of packs (the pack for *.far.example.test is on the second)", async () => {
    const result = await probeTls(apiMonitor("www.far.example.test"), deps());
    expect(result.status).toBe("up");
    expect(result.details).toMatchObject({ daysLeft: 80, issuer: "SSLCom" });
  });

  it("says why when only an inactive pack covers the host", async () => {
    const result = await probeTls(apiMonitor("www.old.example.test"), deps());
    expect(result.status).toBe("down");
    expect(result.message).toBe("no active certificate covers www.old.example.test (certificate pack status: expired)");
  });

  it("does not stretch a wildcard over two labels", async () => {
    const result = await probeTls(apiMonitor("deep.api.example.test"), deps());
    expect(result.message).toBe("no active certificate covers deep.api.example.test");
  });

  it("reports the API's own error for a bad token, without the token", async () => {
    const result = await probeTls(apiMonitor("api.example.test"), deps("wrong-token"));
    expect(result.status).toBe("down");
    expect(result.message).toBe("Cloudflare API answered HTTP 403: Authentication error (10000)");
    expect(result.error?.phase).toBe("api");
    expect(JSON.stringify(result)).not.toContain("wrong-token");
  });

  it("refuses a response that does not have the documented shape", async () => {
    const result = await probeTls(apiMonitor("api.example.test", { zoneId: CF_BROKEN_ZONE_ID }), deps());
    expect(result.message).toBe("unexpected Cloudflare API response (HTTP 200)");
  });

  it("needs the token's secret to be set", async () => {
    const result = await probeTls(apiMonitor("api.example.test"), deps(null));
    expect(result).toMatchObject({ status: "down", message: "secret CF_API_TOKEN is not set", error: { phase: "config" } });
  });

  it("reports an unreachable API", async () => {
    const result = await probeTls(apiMonitor("api.example.test", { apiUrl: `http://127.0.0.1:${port("refused")}/client/v4` }), deps());
    expect(result.status).toBe("down");
    expect(result.message).toBe("Cloudflare API unreachable: connection refused or lost");
    expect(result.error?.phase).toBe("api");
  });

  it("times out an API that never answers", async () => {
    const result = await probeTls(
      apiMonitor("api.example.test", { apiUrl: `http://127.0.0.1:${port("silent")}/client/v4`, timeoutMs: 500 }),
      deps(),
    );
    expect(result.message).toBe("timeout after 500 ms");
    expect(result.error?.phase).toBe("timeout");
  });
});

describe("the Cloudflare API's pages and the subrequest budget", () => {
  it("counts each page read against the invocation's subrequests", async () => {
    const { probeBatch } = await import("../../src/probes/probe-batch");
    const two = await probeBatch([apiMonitor("www.far.example.test")], deps(), 10, 50);
    expect(two.results[0]).toMatchObject({ status: "up", details: { daysLeft: 80 } });
    // Both pages of packs went through the metered fetch: the tick's count, and so its budget, includes them.
    expect(two.subrequests).toBe(2);
  });
});
