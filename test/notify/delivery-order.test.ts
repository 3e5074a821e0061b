import { afterEach, describe, expect, it } from "vitest";
import { probeDeps } from "../helpers/monitors";
import { resetBindings } from "../helpers/reset";
import { configOf, storedState, tick } from "../helpers/writer";
import { recorded, recorderUrl, respond, uniquePrefix } from "./fixtures";
import { setSwitch, targetsBase } from "../helpers/targets";

afterEach(resetBindings);

const base = targetsBase();
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
const minute = (n: number) => T0 + n * 60_000;

describe("events reach each channel in the order they happened", () => {
  it("an incident that resolves while its opening is being retried is delivered opened, then resolved", async () => {
    const prefix = uniquePrefix("order");
    const key = `ord-${crypto.randomUUID()}`;
    const config = configOf({
      monitors: [{ id: "gw", name: "Gateway", type: "http", url: `${base}/switch/${key}`, failureThreshold: 1, successThreshold: 1 }],
      notifications: { channels: [{ id: "ops", type: "webhook", urlSecret: "HOOK" }] },
    });
    const probe = probeDeps({ HOOK: `${recorderUrl()}${prefix}` });
    // The receiver refuses its first two requests (HTTP 500: retried after 1, then 2 minutes).
    await respond(prefix, { status: 500, times: 2 });
    await setSwitch(key, 500);
    await tick({ config, probe }, minute(0)); // opened; refused
    await setSwitch(key, 200);
    await tick({ config, probe }, minute(1)); // opened retried, refused again; resolved must not go after it
    await tick({ config, probe }, minute(2)); // opened not due until minute 3: resolved waits behind it
    expect((await storedState(config)).delivery.outbox.map((e) => [e.event.type, e.attempts])).toEqual([
      ["incident.opened", 2],
      ["incident.resolved", 0],
    ]);
    await tick({ config, probe }, minute(3)); // both, in order
    const requests = (await recorded(prefix)).map((r) => (JSON.parse(r.body) as { event: string }).event);
    expect(requests).toEqual(["incident.opened", "incident.opened", "incident.opened", "incident.resolved"]);
    expect((await storedState(config)).delivery.outbox).toEqual([]);
  });
});
