// The outbox holds at most MAX_OUTBOX entries: past it the oldest go (closed as done, so they cannot come back late),
// never one being sent this tick, and what went is summed up for one warning.
import { afterEach, describe, expect, it } from "vitest";
import { loadState } from "../../src/coordinator/writer-deps";
import type { OutboxEntry } from "../../src/notify/delivery-state";
import { EMPTY_DELIVERY } from "../../src/notify/delivery-state";
import type { NotificationEvent } from "../../src/notify/event";
import { claimDue, enqueue, logDropped, MAX_OUTBOX, MAX_OUTBOX_CHARS } from "../../src/notify/outbox";
import type { Log } from "../../src/core/log";
import { probeDeps } from "../helpers/monitors";
import { resetBindings } from "../helpers/reset";
import { configOf, inWriter, storedState, tick } from "../helpers/writer";
import { opened, recorded, recorderUrl, uniquePrefix } from "./fixtures";
import { setSwitch, targetsBase } from "../helpers/targets";

afterEach(resetBindings);

const base = targetsBase();
const T0 = Date.parse("2096-07-01T12:00:00Z");
const NOW = new Date(T0).toISOString();

/** `n` events, each about an incident of its own (so none waits behind another), opened and updated by turns. */
function events(n: number): NotificationEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const e = opened({ id: `inc-${i}:ev` }, { id: `inc-${i}` });
    return i % 2 === 0 ? e : { ...e, type: "incident.updated", reason: "impact raised" };
  });
}

describe("the outbox cap", () => {
  it("drops the oldest entries past MAX_OUTBOX, keeps the ones claimed to send, and closes the dropped as done", () => {
    // 255 events to two channels: 510 entries, all due now.
    const queued = enqueue(
      EMPTY_DELIVERY,
      events(255).map((event) => ({ event, channelIds: ["ops", "pager"] })),
      NOW,
    );
    expect(queued.outbox).toHaveLength(510);
    const keys = queued.outbox.map((e) => e.key);

    const { state, claimed, dropped } = claimDue(queued, T0, 10);
    // The ten oldest are this tick's sends; the ten after them are the oldest that wait, and go.
    expect(claimed.map((e) => e.key)).toEqual(keys.slice(0, 10));
    expect(state.outbox).toHaveLength(MAX_OUTBOX);
    expect(state.outbox.map((e) => e.key)).toEqual([...keys.slice(0, 10), ...keys.slice(20)]);
    for (const key of keys.slice(10, 20)) expect(state.done[key]).toBe(NOW);
    // Events 5..9 to both channels: 5, 7, 9 are updates, 6 and 8 openings.
    expect(dropped).toEqual({ count: 10, types: { "incident.updated": 6, "incident.opened": 4 }, channels: { ops: 5, pager: 5 } });

    // A dropped event computed again is not queued again: it would arrive late and out of order.
    const again = enqueue(state, [{ event: events(255)[5]!, channelIds: ["ops"] }], NOW);
    expect(again.outbox).toHaveLength(MAX_OUTBOX);
  });

  it("under the cap nothing is dropped", () => {
    const queued = enqueue(
      EMPTY_DELIVERY,
      events(MAX_OUTBOX).map((event) => ({ event, channelIds: ["ops"] })),
      NOW,
    );
    const { state, dropped } = claimDue(queued, T0, 0);
    expect(dropped).toBeNull();
    expect(state.outbox).toHaveLength(MAX_OUTBOX);
    expect(state.done).toEqual({});
  });

  it("entries whose incidents carry 50 updates are dropped by size before the count is reached: the row stays storable", () => {
    const updates = Array.from({ length: 50 }, (_, i) => ({
      at: NOW,
      status: "investigating" as const,
      message: `update ${i}: ${"x".repeat(200)}`,
    }));
    const big = Array.from({ length: 100 }, (_, i) => opened({ id: `big-${i}:ev` }, { id: `big-${i}`, updates }));
    const queued = enqueue(
      EMPTY_DELIVERY,
      big.map((event) => ({ event, channelIds: ["ops"] })),
      NOW,
    );
    const size = (entries: OutboxEntry[]) => entries.reduce((sum, e) => sum + JSON.stringify(e).length + 1, 0);
    expect(size(queued.outbox)).toBeGreaterThan(MAX_OUTBOX_CHARS);

    const { state, dropped } = claimDue(queued, T0, 0);
    const kept = state.outbox.length;
    expect(kept).toBeLessThan(100);
    // The newest that fit, and not one more: the next older entry would pass the limit.
    expect(state.outbox.map((e) => e.key)).toEqual(queued.outbox.slice(100 - kept).map((e) => e.key));
    expect(size(state.outbox)).toBeLessThanOrEqual(MAX_OUTBOX_CHARS);
    expect(size(queued.outbox.slice(100 - kept - 1))).toBeGreaterThan(MAX_OUTBOX_CHARS);
    expect(dropped).toEqual({ count: 100 - kept, types: { "incident.opened": 100 - kept }, channels: { ops: 100 - kept } });
  });

  it("logDropped writes one warning naming how many went, their event types and channels", () => {
    const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
    const log: Log = (level, msg, fields) => void lines.push({ level, msg, ...(fields ? { fields } : {}) });
    logDropped(log, null);
    expect(lines).toEqual([]);
    logDropped(log, { count: 3, types: { "incident.opened": 3 }, channels: { ops: 2, pager: 1 } });
    expect(lines).toEqual([
      {
        level: "warn",
        msg: "notification outbox full: oldest entries dropped",
        fields: {
          dropped: 3,
          max: MAX_OUTBOX,
          maxChars: MAX_OUTBOX_CHARS,
          types: { "incident.opened": 3 },
          channels: { ops: 2, pager: 1 },
        },
      },
    ]);
  });

  it("a tick of the real writer leaves at most MAX_OUTBOX entries stored, the newest", async () => {
    const prefix = uniquePrefix("cap");
    const key = `cap-${crypto.randomUUID()}`;
    const config = configOf({
      monitors: [{ id: "gw", name: "Gateway", type: "http", url: `${base}/switch/${key}` }],
      notifications: { channels: [{ id: "ops", type: "webhook", urlSecret: "HOOK" }] },
    });
    // A backlog of 600 entries not yet due (a receiver that asked to wait): the tick sends none of them.
    const later = new Date(T0 + 30 * 60_000).toISOString();
    const backlog: OutboxEntry[] = events(600).map((event) => ({
      key: `${event.id}@ops`,
      channelId: "ops",
      event,
      attempts: 1,
      nextAttemptAt: later,
      claimedAt: null,
      lastError: "HTTP 429",
    }));
    await inWriter({ config }, async (deps) => {
      const state = await loadState(deps);
      deps.hot.commit({ ...state, delivery: { ...state.delivery, outbox: backlog } });
    });
    await setSwitch(key, 200);
    const logged: { msg: string; fields?: Record<string, unknown> }[] = [];
    const log: Log = (_level, msg, fields) => void logged.push({ msg, ...(fields ? { fields } : {}) });
    await tick({ config, log, probe: { ...probeDeps({ HOOK: `${recorderUrl()}${prefix}` }), now: () => T0 } }, T0);
    // The tick says what it dropped.
    expect(logged.filter((l) => /outbox/.test(l.msg))).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ dropped: 100 }) }),
    ]);

    const stored = (await storedState(config)).delivery;
    expect(stored.outbox.map((e) => e.key)).toEqual(backlog.slice(100).map((e) => e.key));
    expect(Object.keys(stored.done).sort()).toEqual(
      backlog
        .slice(0, 100)
        .map((e) => e.key)
        .sort(),
    );
    expect(await recorded(prefix)).toEqual([]);
  });
});
