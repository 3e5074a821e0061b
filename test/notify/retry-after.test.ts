// A receiver's Retry-After (429 or 503, in seconds or as an HTTP date) holds its outbox entry back until then, through
// real ticks of the writer and a real local receiver (the recording server), capped at MAX_RETRY_AFTER_MS.
import { afterEach, describe, expect, it } from "vitest";
import { MAX_RETRY_AFTER_MS } from "../../src/notify/outbox";
import { sendNotification } from "../../src/notify/send";
import { probeDeps } from "../helpers/monitors";
import { resetBindings } from "../helpers/reset";
import { configOf, storedState, tick } from "../helpers/writer";
import { opened, recorded, recorderUrl, respond, sendDeps, uniquePrefix } from "./fixtures";
import { setSwitch, targetsBase } from "../helpers/targets";

afterEach(resetBindings);

const base = targetsBase();
// Far in the future: the writer arms the coordinator's alarm at its own clock, and a real alarm must not fire mid-test.
const T0 = Date.parse("2096-06-01T08:00:00Z");
const minute = (n: number) => T0 + n * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** Each tick runs 20 s after its minute, as a late tick would: Retry-After counts from the answer, not the minute. */
const LATE_MS = 20_000;

/** A monitor that is down (one failure opens an incident) and a webhook channel on the recording server. */
async function setup(name: string) {
  const key = `ra-${crypto.randomUUID()}`;
  const prefix = uniquePrefix(name);
  const config = configOf({
    monitors: [{ id: "gw", name: "Gateway", type: "http", url: `${base}/switch/${key}`, failureThreshold: 1, successThreshold: 1 }],
    notifications: { channels: [{ id: "ops", type: "webhook", urlSecret: "HOOK" }] },
  });
  let clock = 0;
  const probe = { ...probeDeps({ HOOK: `${recorderUrl()}${prefix}` }), now: () => clock };
  await setSwitch(key, 500);
  const at = async (m: number) => {
    clock = minute(m) + LATE_MS;
    await tick({ config, probe }, minute(m));
  };
  const sent = async () => (await recorded(prefix)).length;
  const entry = async () => {
    const outbox = (await storedState(config)).delivery.outbox;
    expect(outbox).toHaveLength(1);
    return outbox[0]!;
  };
  return { prefix, config, at, sent, entry };
}

describe("Retry-After from a notification channel", () => {
  it("429 with Retry-After in seconds: the next attempt waits that long from the answer, not the 1-minute backoff", async () => {
    const t = await setup("ra-429");
    await respond(t.prefix, { status: 429, retryAfter: "300", body: "slow down" });
    await t.at(0);
    expect(await t.sent()).toBe(1);
    expect(await t.entry()).toMatchObject({
      attempts: 1,
      nextAttemptAt: iso(minute(5) + LATE_MS),
      lastError: expect.stringContaining("HTTP 429"),
    });
    // The backoff alone would retry at minute 1; minute 5 is still 20 s early.
    for (let m = 1; m <= 5; m++) await t.at(m);
    expect(await t.sent()).toBe(1);
    await t.at(6);
    expect(await t.sent()).toBe(2);
    expect((await storedState(t.config)).delivery.outbox).toEqual([]);
  });

  it("503 with Retry-After as an HTTP date: the next attempt is not before that date", async () => {
    const t = await setup("ra-503");
    await respond(t.prefix, { status: 503, retryAfter: new Date(minute(10)).toUTCString(), body: "maintenance" });
    await t.at(0);
    expect(await t.entry()).toMatchObject({ attempts: 1, nextAttemptAt: iso(minute(10)) });
    await t.at(9);
    expect(await t.sent()).toBe(1);
    await t.at(10);
    expect(await t.sent()).toBe(2);
  });

  it("a hostile Retry-After (a year, or a date in 2199) holds the entry back at most an hour", async () => {
    expect(MAX_RETRY_AFTER_MS).toBe(3_600_000);
    const t = await setup("ra-cap");
    await respond(t.prefix, { status: 429, retryAfter: String(365 * 24 * 3600) });
    await t.at(0);
    expect(await t.entry()).toMatchObject({ attempts: 1, nextAttemptAt: iso(minute(0) + MAX_RETRY_AFTER_MS) });
    await respond(t.prefix, { status: 503, retryAfter: "Wed, 01 Jan 2199 00:00:00 GMT" });
    await t.at(60);
    expect(await t.sent()).toBe(2);
    expect(await t.entry()).toMatchObject({ attempts: 2, nextAttemptAt: iso(minute(60) + MAX_RETRY_AFTER_MS) });
  });

  it("the sender passes Retry-After on 429 and 503 only", async () => {
    const prefix = uniquePrefix("ra-send");
    const channel = configOf({
      monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://example.com" }],
      notifications: { channels: [{ id: "ops", type: "webhook", urlSecret: "HOOK" }] },
    }).notifications.channels[0]!;
    const deps = sendDeps({ HOOK: `${recorderUrl()}${prefix}` });
    const retryAfterMs = async (status: number) => {
      await respond(prefix, { status, retryAfter: "120" });
      const result = await sendNotification(channel, opened(), deps);
      return result.ok ? "sent" : result.retryAfterMs;
    };
    expect([await retryAfterMs(429), await retryAfterMs(503), await retryAfterMs(500), await retryAfterMs(502)]).toEqual([
      120_000,
      120_000,
      undefined,
      undefined,
    ]);
  });

  it("Retry-After on a 500 is not a promise: the usual backoff applies", async () => {
    const t = await setup("ra-500");
    await respond(t.prefix, { status: 500, retryAfter: "600" });
    await t.at(0);
    expect(await t.entry()).toMatchObject({ attempts: 1, nextAttemptAt: iso(minute(1)) });
    await t.at(1);
    expect(await t.sent()).toBe(2);
  });

  it("a Retry-After shorter than the backoff does not hurry the retry", async () => {
    const t = await setup("ra-short");
    await respond(t.prefix, { status: 429, retryAfter: "0", times: 2 });
    await t.at(0);
    await t.at(1);
    // Two failures: the backoff is now 2 minutes, Retry-After 0 does not shorten it.
    expect(await t.entry()).toMatchObject({ attempts: 2, nextAttemptAt: iso(minute(3)) });
  });
});
