import { resetBindings } from "../helpers/reset";

import { afterEach, describe, expect, it } from "vitest";
import { runNextJob } from "../../src/coordinator/archive-jobs";
import { commitTick } from "../../src/coordinator/commit-tick";
import { type IncidentState, transition } from "../../src/incidents/transition";
import type { ProbeDeps } from "../../src/probes/types";
import { probeBatch } from "../../src/probes/probe-batch";
import { probeDeps } from "../helpers/monitors";
import { rng } from "../helpers/rng";
import { configOf, inWriter, storedState } from "../helpers/writer";

// Far ahead of the real clock: the alarm the writer arms (at its own clock) then never fires on its own mid-test.
const T0 = Date.parse("2096-11-28T00:00:00Z");
const MINUTE = 60_000;
const DAY = 1440;

afterEach(resetBindings);

// Default thresholds (2 failing ticks to open, 2 good to resolve, 6 changes in 30 minutes is flapping) and no
// escalation levels: the only messages are the ones incidents themselves cause.
const config = configOf({
  monitors: [{ id: "api", name: "API", type: "http", url: "https://api.example.test/health" }],
  notifications: { channels: [{ id: "ops", type: "webhook", urlSecret: "HOOK_OPS" }] },
});

/**
 * Whether a minute counts as down when each request fails at random with probability `p`. The tick tries a failed
 * probe once more (probeWithRetry in src/tick/probe-batch.ts), so a minute is down only when both requests fail:
 * p² a minute, and the second request is made only when the first failed. "1 request in 10" is thus 1 minute in
 * 100, and "50 %" is 1 minute in 4. Drawing p per minute instead would model a target whose retries always fail
 * with the first request, which is not what a target failing requests at random does.
 */
const downMinute = (rand: () => number, p: number): boolean => rand() < p && rand() < p;

/**
 * A simulated day of one-minute ticks through the real writer (the coordinator object), with the hour and day
 * archive jobs run between them as the alarm would, then healthy minutes until no incident is open (at most an
 * hour). Each minute's result is a real probe batch's up or down result stamped with the minute's time: every probe
 * leaves a timeout timer running, and a day of probes in one test invocation passes the runtime's 10,000 active
 * timers (a real tick is an invocation of its own).
 */
async function flakyDay(p: number, seed: number) {
  const rand = rng(seed);
  let now = T0;
  let failing = false;
  const sends: string[] = [];
  const deps: ProbeDeps = {
    ...probeDeps({ HOOK_OPS: "https://hooks.example.test/x" }),
    now: () => now,
    fetch: async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.startsWith("https://hooks.")) {
        const body = JSON.parse(input instanceof Request ? await input.text() : String(init?.body)) as {
          event: string;
          incident: { flapping: boolean };
        };
        sends.push(`${body.event}${body.incident.flapping ? " (flapping)" : ""}`);
        return new Response("ok");
      }
      return new Response('{"status":"ok"}', { status: failing ? 500 : 200, headers: { "content-type": "application/json" } });
    },
  };
  const template = async (down: boolean) => {
    failing = down;
    const { results } = await probeBatch(config.monitors, deps, 100, 100);
    expect(results.map((r) => r.status)).toEqual([down ? "down" : "up"]);
    return results;
  };
  const up = await template(false);
  const down = await template(true);

  const events: string[] = [];
  const minute = async (m: number, isDown: boolean) => {
    now = T0 + m * MINUTE;
    const checkedAt = new Date(now).toISOString();
    const results = (isDown ? down : up).map((r) => ({ ...r, checkedAt }));
    const summary = await inWriter({ config, send: deps }, (w) => commitTick(w, { scheduledTime: now, startedAt: now, results }));
    expect(summary.skipped).toBeNull();
    for (const e of summary.events) events.push(`${m}:${e.type}:${e.reason}`);
    for (let steps = 0; steps < 20; steps++) if (!(await inWriter({ config, send: deps }, (w) => runNextJob(w))).more) break;
  };

  let downMinutes = 0;
  let lastDown = -1;
  for (let m = 0; m < DAY; m++) {
    const isDown = downMinute(rand, p);
    if (isDown) downMinutes++, (lastDown = m);
    await minute(m, isDown);
  }
  const atMidnight = (await storedState(config)).incidents.incidents;
  const sendsInDay = sends.length;
  let healthy = 0;
  const open = async () => (await storedState(config)).incidents.incidents.some((i) => i.status === "open");
  while (healthy < 60 && (await open())) await minute(DAY + healthy++, false);
  const incidents = (await storedState(config)).incidents.incidents;
  return { downMinutes, lastDown, events, sends, sendsInDay, atMidnight, incidents, healthy };
}

describe("flaky targets over a simulated day (seeded)", () => {
  // Seed 2 for both. The claims are about chance, so one day proves only that day; the odds over 200 seeded days
  // are measured below with the state machine alone. Of seeds 1-200, 167 open nothing at 1 in 10, and 83 give
  // exactly the day below at 1 in 2 (43 more keep one incident but open it before it is flapping, so its one
  // `flapping` update is a second message; the other 74 start with a short incident before the flapping one).
  const SEED = 2;

  it("a target failing 1 request in 10 opens no incident and sends nothing", async () => {
    const day = await flakyDay(0.1, SEED);
    console.log("1 request in 10:", JSON.stringify({ downMinutes: day.downMinutes, events: day.events, sends: day.sends }));
    // About 1 % of the minutes are down (each a lone minute here): too few and too far apart to open or flap.
    expect(day.downMinutes).toBeGreaterThan(0);
    expect(day.events).toEqual([]);
    expect(day.incidents).toEqual([]);
    expect(day.sends).toEqual([]);
  }, 600_000);

  it("a target failing 1 request in 2 opens one flapping incident, pages once, and once more when it recovers", async () => {
    const day = await flakyDay(0.5, SEED);
    console.log(
      "1 request in 2:",
      JSON.stringify({ downMinutes: day.downMinutes, events: day.events, sends: day.sends, healthyMinutesToResolve: day.healthy }),
    );
    expect(day.downMinutes).toBeGreaterThan(DAY / 5);
    // One incident all day, open at midnight and marked flapping, rather than one per bad patch.
    expect(day.events.filter((e) => e.includes(":incident.opened:"))).toHaveLength(1);
    expect(day.atMidnight).toHaveLength(1);
    expect(day.atMidnight[0]).toMatchObject({ status: "open", flapping: true });
    // Nothing else happened to it during the day: no resolve-and-reopen, no repeated page.
    expect(day.events.filter((e) => Number(e.split(":")[0]) < DAY)).toEqual([expect.stringMatching(/:incident\.opened:opened$/)]);
    expect(day.sendsInDay).toBe(1);
    // Healthy again: it resolves once a whole flapping window (30 minutes) has passed without a change, the last
    // change being the first good minute after the last bad one.
    expect(day.incidents).toHaveLength(1);
    const resolvedAt = new Date(T0 + (day.lastDown + 1 + 30) * MINUTE).toISOString();
    expect(day.incidents[0]).toMatchObject({ id: day.atMidnight[0]!.id, status: "resolved", flapping: true, resolvedAt });
    expect(day.sends).toEqual(["incident.opened (flapping)", "incident.resolved (flapping)"]);
  }, 600_000);
});

describe("the odds over 200 seeded days (the state machine alone)", () => {
  /** One day of `transition` for `p`, as above: what opened and what would page (every event goes to the channel). */
  function day(p: number, seed: number) {
    const rand = rng(seed);
    let state: IncidentState = { tracks: {}, incidents: [] };
    let opened = 0;
    let pages = 0;
    let afterFlapping = 0;
    for (let m = 0; m < DAY; m++) {
      const status = downMinute(rand, p) ? "down" : "up";
      const flappingBefore = state.incidents.some((i) => i.flapping);
      const t = transition(state, [{ monitorId: "api", status, message: status, phase: null }], config, T0 + m * MINUTE);
      state = t.state;
      pages += t.events.length;
      for (const e of t.events) if (e.type === "incident.opened") opened++, (afterFlapping += Number(flappingBefore));
    }
    return { opened, pages, afterFlapping, flappingAtMidnight: state.incidents.some((i) => i.status === "open" && i.flapping) };
  }
  const days = (p: number) => Array.from({ length: 200 }, (_, i) => day(p, i + 1));

  it("1 request in 10: most days open nothing, and the rest one incident (rarely two)", () => {
    const d = days(0.1);
    const withIncident = d.filter((x) => x.opened > 0).length;
    console.log(
      "1 request in 10, 200 days:",
      JSON.stringify({ withIncident, moreThanOne: d.filter((x) => x.opened > 1).length, maxPages: Math.max(...d.map((x) => x.pages)) }),
    );
    // "Never" does not hold for every day (33 of these 200 open one): two down minutes in a row, i.e. four failed
    // requests (p⁴ a minute, about 13 % of days), meet the failure threshold of 2, and three lone down minutes within
    // 30 minutes are six changes, flapping. That is the thresholds doing their job on a rare bad patch; a higher
    // failureThreshold makes such a target quieter.
    expect(withIncident / d.length).toBeLessThan(0.2);
    expect(d.every((x) => x.opened <= 2)).toBe(true);
  });

  it("1 request in 2: every day ends flapping, and a flapping incident is seldom resolved and reopened", () => {
    const d = days(0.5);
    const one = d.filter((x) => x.opened === 1).length;
    const reopened = d.filter((x) => x.afterFlapping > 0).length;
    const meanOpened = d.reduce((sum, x) => sum + x.opened, 0) / d.length;
    console.log(
      "1 request in 2, 200 days:",
      JSON.stringify({
        exactlyOne: one,
        reopenedAfterFlapping: reopened,
        meanOpened,
        maxOpened: Math.max(...d.map((x) => x.opened)),
        maxPages: Math.max(...d.map((x) => x.pages)),
      }),
    );
    expect(d.every((x) => x.flappingAtMidnight)).toBe(true);
    // Before a flapping window has six changes in it the monitor is judged by the thresholds alone: two bad minutes
    // open an incident and two good ones resolve it. So some days start with one short incident before the flapping
    // one. Once flapping, an incident waits for a whole quiet window, which a target down 1 minute in 4 gets
    // rarely (0.75³⁰, a few days in a hundred). Ending it when the changes dipped below six opened about 6 a day.
    expect(one / d.length).toBeGreaterThan(0.5);
    expect(reopened / d.length).toBeLessThan(0.1);
    expect(meanOpened).toBeLessThan(2);
  });
});
