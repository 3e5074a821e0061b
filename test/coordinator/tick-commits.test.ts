// What an ordinary minute costs the writer's storage: one transaction, and the watchdog's alarm moved only every few
// minutes, while a minute that has more to record (the KV copy, sent notifications) commits it.
import { afterEach, describe, expect, it } from "vitest";
import { commitTick } from "../../src/coordinator/commit-tick";
import { watchdogRearm } from "../../src/coordinator/stale-check";
import type { WriterDeps } from "../../src/coordinator/writer-deps";
import { resetBindings } from "../helpers/reset";
import { probed } from "../helpers/fixtures";
import { configOf, inWriter } from "../helpers/writer";

afterEach(resetBindings);

const MINUTE = 60_000;
const T0 = Date.UTC(2096, 2, 4, 9, 0);
const config = configOf({ monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://gw.example.test/health" }] });
/** A tick at `at` in the writer, counting the transactions it commits. */
function countedTick(at: number) {
  return inWriter({ config }, async (deps: WriterDeps) => {
    let transactions = 0;
    const transaction = deps.sql.transaction.bind(deps.sql);
    deps.sql.transaction = (fn) => (transactions++, transaction(fn));
    const summary = await commitTick(deps, { scheduledTime: at, startedAt: at, results: [probed("gw", "up", at, 5)] });
    return { transactions, wroteState: summary.wroteState };
  });
}

describe("a tick's commits", () => {
  it("commits an ordinary minute once; a minute that writes the KV copy records it in a second", async () => {
    // The very first also stores the empty state it starts from.
    expect(await countedTick(T0)).toEqual({ transactions: 3, wroteState: true });
    for (let m = 1; m <= 3; m++) expect(await countedTick(T0 + m * MINUTE)).toEqual({ transactions: 1, wroteState: false });
  });
});

describe("watchdogRearm", () => {
  const now = Date.UTC(2026, 11, 2, 12, 0);
  const watch = now + 3.5 * MINUTE;

  it("arms the watchdog after a live tick when none stands, or when the standing one is later than the tick's check", () => {
    expect(watchdogRearm(null, now, now)).toBe(watch);
    expect(watchdogRearm(watch + MINUTE, now, now)).toBe(watch);
  });

  it("leaves a standing alarm well ahead of the tick alone, and moves one that would fire within 90 s", () => {
    // Set by the tick two minutes ago: it stands 1.5 minutes ahead, so it moves.
    expect(watchdogRearm(now + 1.5 * MINUTE - 1, now, now)).toBe(watch);
    // Set by the last tick: 2.5 minutes ahead, left where it is.
    expect(watchdogRearm(now + 2.5 * MINUTE, now, now)).toBeNull();
  });

  it("never arms for a tick replayed far from the clock", () => {
    expect(watchdogRearm(null, now - 60 * MINUTE, now)).toBeNull();
  });
});
