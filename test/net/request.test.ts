// The one request helper, against the local targets: a deadline that holds across headers and body, capped reads,
// redirects left to the caller, and failures that name the method and the redacted URL, never a secret.
import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import { deadline } from "../../src/net/deadline";
import { discard, readBody, send } from "../../src/net/request";
import { targetsBase } from "../helpers/targets";

describe("send", () => {
  it("times out a server that never answers, in words without the URL and a detail with it redacted", async () => {
    const url = `${targetsBase()}/hang?token=s3cret-value`;
    const started = Date.now();
    const sent = await send(fetch, { url, method: "POST", body: "{}" }, deadline(300));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(sent).toMatchObject({ ok: false, kind: "timeout", reason: "timeout after 300 ms" });
    if (sent.ok) return;
    expect(sent.detail).toBe(`POST ${targetsBase()}/hang?token=redacted: timeout after 300 ms`);
    expect(sent.detail).not.toContain("s3cret");
  });

  it("calls a refused port a connection failure, with GET as the default method", async () => {
    const url = `http://user:pa55word@127.0.0.1:${inject("refusedPort")}/health`;
    const sent = await send(fetch, { url }, deadline(2_000));
    expect(sent).toMatchObject({ ok: false, kind: "connect" });
    if (sent.ok) return;
    expect(sent.detail).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/health: /);
    expect(sent.detail).not.toContain("pa55word");
  });

  it("does not follow a redirect unless asked: the 3xx is the caller's to judge", async () => {
    const url = `${targetsBase()}/redirect?to=${encodeURIComponent(`${targetsBase()}/status/200`)}&code=302`;
    const manual = await send(fetch, { url }, deadline(2_000));
    expect(manual.ok && manual.response.status).toBe(302);
    if (manual.ok) await discard(manual.response);
    const followed = await send(fetch, { url, redirect: "follow" }, deadline(2_000));
    expect(followed.ok && followed.response.status).toBe(200);
    if (followed.ok) await discard(followed.response);
  });

  it("answers at once, without a request, when a shared deadline has already passed", async () => {
    const limit = deadline(50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    let called = 0;
    const counting: typeof fetch = (input, init) => (called++, fetch(input, init));
    const sent = await send(counting, { url: `${targetsBase()}/status/200` }, limit);
    expect(sent).toMatchObject({ ok: false, kind: "timeout", reason: "timeout after 50 ms" });
    expect(called).toBe(0);
  });
});

/** A GET of `path` on the targets under one deadline, its body read with `readBody` and that cap. */
async function readFrom(path: string, cap: number, ms: number) {
  const url = `${targetsBase()}${path}`;
  const limit = deadline(ms);
  const sent = await send(fetch, { url }, limit);
  if (!sent.ok) throw new Error(sent.detail);
  return readBody(sent.response, cap, { url }, limit);
}

describe("readBody", () => {
  it("reads at most maxBytes and says the body was cut", async () => {
    const body = await readFrom("/huge", 1_000, 5_000);
    expect(body).toMatchObject({ ok: true, truncated: true });
    expect(body.ok && body.text.length).toBe(1_000);
  });

  it("fails as a timeout when the deadline passes mid-body", async () => {
    const body = await readFrom("/slow-body", 1_000_000, 300);
    expect(body).toMatchObject({ ok: false, kind: "timeout", reason: "timeout after 300 ms" });
  });

  it("fails as a timeout too when the body announced its length and stalls (the whole-body read)", async () => {
    const started = Date.now();
    const body = await readFrom("/slow-body?length=1000", 1_000_000, 300);
    expect(body).toMatchObject({ ok: false, kind: "timeout", reason: "timeout after 300 ms" });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("reads a body whose announced length fits whole, and cuts one announced past the cap", async () => {
    expect(await readFrom("/sized?bytes=1000", 1_000, 5_000)).toEqual({ ok: true, text: "x".repeat(1_000), truncated: false });
    expect(await readFrom("/sized?bytes=1001", 1_000, 5_000)).toEqual({ ok: true, text: "x".repeat(1_000), truncated: true });
  });

  it("caps a compressed body by what it inflates to, not by its announced length", async () => {
    const body = await readFrom("/gzip-bomb", 10_000, 5_000);
    expect(body).toMatchObject({ ok: true, truncated: true });
    expect(body.ok && body.text.length).toBe(10_000);
  });
});
