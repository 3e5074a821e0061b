import { describe, expect, inject, it } from "vitest";
import { HttpMonitor } from "../../src/config/schema";
import { probeHttp } from "../../src/probes/http";
import { probeBatch } from "../../src/probes/probe-batch";
import { httpMonitor, probeDeps } from "../helpers/monitors";

const base = `http://127.0.0.1:${inject("httpPort")}`;
const other = `http://127.0.0.1:${inject("otherOriginPort")}`;
const SECRET = "s3cr3t-token-value";
const deps = probeDeps({ GATEWAY_TOKEN: SECRET, API_KEY: "k3y-value" });
const secretHeaders = { authorization: { secret: "GATEWAY_TOKEN" }, "x-api-key": { secret: "API_KEY" }, "x-plain": "visible" };

const redirect = (to: string, code = 302) => `${base}/redirect?code=${code}&to=${encodeURIComponent(to)}`;

describe("http probe: redirects", () => {
  it("follows a redirect on the same origin with the secret headers", async () => {
    const r = await probeHttp(httpMonitor({ url: redirect("/echo"), headers: secretHeaders, expectBodyIncludes: SECRET }), deps);
    expect(r).toMatchObject({ status: "up", details: { statusCode: 200, redirects: 1 } });
  });

  it("sends secret headers and credentials only to the configured origin", async () => {
    // The echo on the other origin would put a secret it received into its body; expectBodyIncludes finds it if so.
    for (const needle of [SECRET, "k3y-value"]) {
      const r = await probeHttp(httpMonitor({ url: redirect(`${other}/echo`), headers: secretHeaders, expectBodyIncludes: needle }), deps);
      expect(r).toMatchObject({ status: "down", error: { phase: "body" }, details: { statusCode: 200, redirects: 1 } });
    }
    const plain = await probeHttp(
      httpMonitor({ url: redirect(`${other}/echo`), headers: secretHeaders, expectBodyIncludes: '"plain":"visible"' }),
      deps,
    );
    expect(plain.status).toBe("up");
    // A plain Authorization header written in the config is a credential too.
    const written = await probeHttp(
      httpMonitor({ url: redirect(`${other}/echo`), headers: { authorization: "Bearer written" }, expectBodyIncludes: "written" }),
      deps,
    );
    expect(written.status).toBe("down");
  });

  it("never resends the body to another origin", async () => {
    const keep = await probeHttp(httpMonitor({ url: redirect(`${other}/echo`, 307), method: "POST", body: "payload" }), deps);
    expect(keep).toMatchObject({ status: "down", error: { phase: "redirect" }, details: { redirects: 0 } });
    expect(keep.message).toBe("HTTP 307 to another origin would resend the request body there; not followed");
    // 302 after a POST continues as a GET without a body (Fetch standard), so it may cross origins.
    const asGet = await probeHttp(
      httpMonitor({
        url: redirect(`${other}/echo`, 302),
        method: "POST",
        body: "payload",
        expectBodyIncludes: '"method":"GET","authorization":null',
      }),
      deps,
    );
    expect(asGet.status).toBe("up");
    // 307 on the same origin keeps the method and the body.
    const same = await probeHttp(
      httpMonitor({ url: redirect("/echo", 307), method: "POST", body: "payload", expectBodyIncludes: '"body":"payload"' }),
      deps,
    );
    expect(same).toMatchObject({ status: "up", details: { redirects: 1 } });
  });

  it("follows at most 5 redirects", async () => {
    const five = await probeHttp(httpMonitor({ url: `${base}/chain/5` }), deps);
    expect(five).toMatchObject({ status: "up", details: { redirects: 5 } });
    const six = await probeHttp(httpMonitor({ url: `${base}/chain/6` }), deps);
    expect(six).toMatchObject({ status: "down", message: "more than 5 redirects", error: { phase: "redirect" } });
  });

  it("calls a redirect loop a loop", async () => {
    const r = await probeHttp(httpMonitor({ url: `${base}/loop-a` }), deps);
    expect(r).toMatchObject({ status: "down", error: { phase: "redirect" } });
    expect(r.message).toBe("redirect loop: HTTP 302 back to an address already visited, after 2 redirects");
  });

  it("refuses a Location that is not http(s)", async () => {
    const r = await probeHttp(httpMonitor({ url: redirect("ftp://files.example/x") }), deps);
    expect(r).toMatchObject({ status: "down", message: "HTTP 302 to a ftp: address (only http and https are followed)" });
  });

  it("with followRedirects: false judges the redirect itself: status and Location prefix", async () => {
    const https = { followRedirects: false, expectStatus: 301 as const };
    const ok = await probeHttp(
      httpMonitor({ url: redirect("https://api.example.test/health", 301), ...https, expectLocation: "https://api.example.test/" }),
      deps,
    );
    expect(ok).toMatchObject({ status: "up", details: { statusCode: 301, redirects: 0, location: "https://api.example.test/health" } });
    const relative = await probeHttp(httpMonitor({ url: redirect("/login", 301), ...https, expectLocation: "/login" }), deps);
    expect(relative.status).toBe("up");
    const wrong = await probeHttp(
      httpMonitor({ url: redirect("http://api.example.test/health", 301), ...https, expectLocation: "https://" }),
      deps,
    );
    expect(wrong).toMatchObject({ status: "down", error: { phase: "location" } });
    expect(wrong.message).toMatch(/^HTTP 301 in \d+ ms; Location does not start with the expected prefix$/);
    const none = await probeHttp(
      httpMonitor({ url: `${base}/ok`, followRedirects: false, expectStatus: [200, 301], expectLocation: "https://" }),
      deps,
    );
    expect(none).toMatchObject({ status: "down", error: { phase: "location" } });
    expect(none.message).toContain("no Location header");
    // A redirect that should have been a 200 is down, not followed.
    const unexpected = await probeHttp(httpMonitor({ url: redirect("/ok", 302), followRedirects: false }), deps);
    expect(unexpected).toMatchObject({ status: "down", details: { statusCode: 302, redirects: 0 } });
  });

  it("rejects expectLocation on a monitor that follows redirects, naming the field", () => {
    const parsed = HttpMonitor.safeParse({ id: "x", name: "X", type: "http", url: base, expectLocation: "https://" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ["expectLocation"], message: expect.stringContaining("followRedirects: false") });
  });

  it("counts every hop against the invocation's subrequests", async () => {
    const monitor = httpMonitor({ url: `${base}/chain/3` });
    const enough = await probeBatch([monitor], deps, 4, 50);
    expect(enough.results[0]).toMatchObject({ status: "up", details: { redirects: 3 } });
    expect(enough.subrequests).toBe(4);
    // Three subrequests cannot reach the end of a 3-redirect chain: not probed (unknown), never a false `down`.
    const short = await probeBatch([monitor], deps, 3, 50);
    expect(short.results[0]).toMatchObject({ unknown: true, error: { phase: "budget" } });
    expect(short.subrequests).toBe(3);
  });
});
