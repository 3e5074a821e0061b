import { resetBindings } from "../helpers/reset";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, inject, it } from "vitest";
import worker from "../../src/index";
import type { Bindings } from "../../src/env/deps";
import { MAX_BODY_BYTES } from "../../src/http/body-cap";
import { envWith } from "../helpers/worker";

const base = `http://127.0.0.1:${inject("httpPort")}`;
const TOKEN = "cap-token-9d2e";
const config = { title: "t", monitors: [{ id: "ok", name: "Fine", type: "http", url: `${base}/ok` }] };
const MIB = 1024 * 1024;

afterEach(resetBindings);

/** A POST through the Worker; a `stream` body has no Content-Length, so the cap must count what it reads. */
async function post(bindings: Bindings, path: string, body: string | ReadableStream, token: string | null = TOKEN): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://edgewatch.test${path}`, { method: "POST", headers, body }), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** `bytes` of JSON, in chunks of 16 KiB, from a stream that never says its length. */
function streamOf(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode(" ".repeat(16 * 1024));
  let left = bytes;
  return new ReadableStream({
    pull(controller) {
      if (left <= 0) return controller.close();
      const part = chunk.subarray(0, Math.min(chunk.length, left));
      left -= part.length;
      controller.enqueue(part);
    },
  });
}

/** Alertmanager's payload, padded with a field it ignores to exactly `bytes` of JSON. */
function payloadOf(bytes: number): string {
  const body = (pad: string) => JSON.stringify({ version: "4", status: "firing", receiver: "edgewatch", groupKey: "{}", alerts: [], pad });
  const text = body("x".repeat(bytes - body("").length));
  expect(text.length).toBe(bytes);
  return text;
}

async function expect413(response: Response, what: string) {
  expect(response.status, what).toBe(413);
  expect(response.headers.get("content-type"), what).toMatch(/^application\/json/);
  expect(await response.json(), what).toEqual({ error: expect.stringContaining(String(MAX_BODY_BYTES)) });
}

describe("the request body cap", () => {
  it("is 64 KiB", () => {
    expect(MAX_BODY_BYTES).toBe(65_536);
  });

  it("refuses a 1 MiB POST to the Alertmanager receiver with a JSON 413, before the token is looked at", async () => {
    const bindings = envWith(config, { ALERTMANAGER_TOKEN: TOKEN });
    const huge = payloadOf(MIB);
    await expect413(await post(bindings, "/api/alertmanager/webhook", huge), "with the token");
    await expect413(await post(bindings, "/api/alertmanager/webhook", huge, null), "without a token");
    await expect413(await post(bindings, "/api/alertmanager/webhook", huge, "wrong"), "with a wrong token");
    await expect413(await post(bindings, "/api/alertmanager/webhook", streamOf(MIB)), "streamed, without a length");
  });

  it("lets a receiver body of exactly 64 KiB through, and refuses one byte more", async () => {
    const bindings = envWith(config, { ALERTMANAGER_TOKEN: TOKEN });
    const fits = await post(bindings, "/api/alertmanager/webhook", payloadOf(MAX_BODY_BYTES));
    expect(fits.status).toBe(200);
    expect(await fits.json()).toEqual({ changed: [], ignored: 0 });
    await expect413(await post(bindings, "/api/alertmanager/webhook", payloadOf(MAX_BODY_BYTES + 1)), "64 KiB + 1");
    // The same counted while streaming: at the cap it is read whole (then fails as JSON), past it refused.
    expect((await post(bindings, "/api/alertmanager/webhook", streamOf(MAX_BODY_BYTES))).status).toBe(400);
    await expect413(await post(bindings, "/api/alertmanager/webhook", streamOf(MAX_BODY_BYTES + 1)), "streamed 64 KiB + 1");
  });

  it("refuses a 1 MiB POST to every admin route with a JSON 413, with or without the token", async () => {
    const bindings = envWith(config, { ADMIN_TOKEN: TOKEN });
    const huge = JSON.stringify({ message: "x".repeat(MIB) });
    const paths = [
      "/api/admin/incidents",
      "/api/admin/incidents/x/acknowledge",
      "/api/admin/incidents/x/resolve",
      "/api/admin/incidents/x/updates",
      "/api/admin/maintenance",
      "/api/admin/monitors/ok/run",
    ];
    for (const path of paths) {
      await expect413(await post(bindings, path, huge), path);
      await expect413(await post(bindings, path, huge, null), `${path} without a token`);
      await expect413(await post(bindings, path, streamOf(MIB)), `${path} streamed`);
    }
  });

  it("refuses a 1 MiB beat to a push monitor, with or without its token, before anything is read", async () => {
    const pushConfig = { title: "t", monitors: [{ id: "job", name: "Job", type: "push", tokenSecret: "PUSH_TOKEN" }] };
    const bindings = envWith(pushConfig, { PUSH_TOKEN: TOKEN });
    const huge = JSON.stringify({ message: "x".repeat(MIB) });
    await expect413(await post(bindings, "/api/push/job", huge), "with the token");
    await expect413(await post(bindings, "/api/push/job", huge, null), "without a token");
    await expect413(await post(bindings, "/api/push/no-such-id", streamOf(MIB), "wrong"), "streamed, to an unknown id");
  });

  it("leaves small admin POSTs to the route", async () => {
    const bindings = envWith(config, { ADMIN_TOKEN: TOKEN });
    expect((await post(bindings, "/api/admin/incidents/x/acknowledge", "{}")).status).toBe(404);
    expect((await post(bindings, "/api/admin/incidents/x/acknowledge", "{}", null)).status).toBe(401);
  });
});
