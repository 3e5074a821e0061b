// Alertmanager lease renewals are subrequests of the writer's invocation like its sends: one POST per channel a tick
// (all its open incidents in it), and sends plus renewals never pass limits.subrequests.
import { afterEach, describe, expect, it } from "vitest";
import { notificationBudget } from "../../src/notify/notification-budget";
import type { Log } from "../../src/core/log";
import { leaseRenewalBudget } from "../../src/notify/deliver";
import { probeDeps } from "../helpers/monitors";
import { resetBindings } from "../helpers/reset";
import { configOf, tick } from "../helpers/writer";
import { recorded, recorderUrl, uniquePrefix } from "./fixtures";
import { setSwitch, targetsBase } from "../helpers/targets";

afterEach(resetBindings);

const base = targetsBase();
const T0 = Date.parse("2096-08-01T06:00:00Z");

/** A monitor that is down, and `channels` Alertmanager channels on the recording server that renew every minute. */
async function setup(name: string, channels: number, subrequests?: number) {
  const key = `lease-${crypto.randomUUID()}`;
  const prefix = uniquePrefix(name);
  const config = configOf({
    monitors: [{ id: "gw", name: "Gateway", type: "http", url: `${base}/switch/${key}`, failureThreshold: 1 }],
    notifications: {
      channels: Array.from({ length: channels }, (_, i) => ({
        id: `am-${i}`,
        type: "alertmanager",
        url: `${recorderUrl()}${prefix}/am-${i}`,
        leaseMinutes: 3,
      })),
    },
    ...(subrequests ? { limits: { subrequests } } : {}),
  });
  await setSwitch(key, 500);
  const warnings: { msg: string; fields?: Record<string, unknown> }[] = [];
  const log: Log = (level, msg, fields) => void (level === "warn" && warnings.push({ msg, ...(fields ? { fields } : {}) }));
  const run = () => tick({ config, log, probe: { ...probeDeps(), now: () => T0 } }, T0);
  /** What each channel received: the opening (one alert, fresh) and renewals, as POST paths. */
  const requests = async () =>
    (await recorded(`${prefix}/`)).map((r) => ({ channel: r.path.split("/")[2]!, body: JSON.parse(r.body) as { endsAt: string }[] }));
  return { config, run, requests, warnings };
}

describe("Alertmanager lease renewals and the subrequest budget", () => {
  it("the send budget and the renewal budget add up to the subrequests, and every channel of a config that fits renews", () => {
    for (const [subrequests, channels] of [
      [50, 0],
      [50, 3],
      [20, 15],
      [20, 20],
      [20, 24],
      [1000, 200],
    ] as const) {
      const config = configOf({
        monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://example.com" }],
        notifications: {
          channels: Array.from({ length: channels }, (_, i) => ({ id: `am-${i}`, type: "alertmanager", url: "https://am.example.com" })),
        },
        limits: { subrequests },
      });
      expect(notificationBudget(config) + leaseRenewalBudget(config)).toBe(subrequests);
      expect(leaseRenewalBudget(config)).toBe(Math.max(Math.min(channels, subrequests), subrequests - 10));
    }
  });

  it("with more Alertmanager channels than subrequests, a tick makes at most limits.subrequests requests and names the channels it skipped", async () => {
    const t = await setup("lease-over", 24, 20);
    // Four channels more than subrequests: no room for sends at all (the opening waits in the outbox).
    expect(notificationBudget(t.config)).toBe(0);
    await t.run();
    const requests = await t.requests();
    expect(requests).toHaveLength(20);
    expect(new Set(requests.map((r) => r.channel))).toEqual(new Set(Array.from({ length: 20 }, (_, i) => `am-${i}`)));
    expect(t.warnings).toContainEqual({
      msg: "Alertmanager lease renewals skipped: out of subrequests",
      fields: { budget: 20, skipped: 4, channels: ["am-20", "am-21", "am-22", "am-23"] },
    });
  });

  it("a config that fits sends each opening and renews each channel: one request each, within the budget", async () => {
    const t = await setup("lease-fits", 3);
    await t.run();
    const requests = await t.requests();
    expect(requests).toHaveLength(6);
    for (const channel of ["am-0", "am-1", "am-2"]) {
      const mine = requests.filter((r) => r.channel === channel);
      // The opening, then the renewal: each one POST of one alert whose lease ends 3 minutes on.
      expect(mine.map((r) => r.body.map((a) => a.endsAt))).toEqual([
        [new Date(T0 + 3 * 60_000).toISOString()],
        [new Date(T0 + 3 * 60_000).toISOString()],
      ]);
    }
    expect(t.warnings.filter((w) => w.msg.startsWith("Alertmanager"))).toEqual([]);
  });
});
