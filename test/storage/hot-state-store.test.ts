// The complete-day sums live in their own blob: the tick that closes an hour rewrites the uptime blob without them,
// and state stored before that blob existed (the sums inside the uptime blob) reads them and moves them on commit.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { coordinatorOf } from "../../src/coordinator/coordinator";
import { emptyHotState, type HotState, type UptimeSums } from "../../src/decide/hot-state";
import type { Counts } from "../../src/history/schemas";
import type { Log } from "../../src/core/log";
import { type BlobName, CoordinatorSql } from "../../src/storage/coordinator-sql";
import { HotStateStore } from "../../src/storage/hot-state-store";
import { resetBindings } from "../helpers/reset";

afterEach(resetBindings);

const c = (up: number, down = 0): Counts => [up, 0, down, 0, 0];
const WINDOWS: UptimeSums["windows"] = { through: "2096-03-03", d7: { gw: c(60, 1) }, d30: { gw: c(600, 1) }, d90: { gw: c(900, 1) } };
const UPTIME: Pick<UptimeSums, "sum24" | "today"> = {
  sum24: { h: "2096-03-04T09", m: { gw: c(59, 1) } },
  today: { d: "2096-03-04", m: { gw: c(9) } },
};

/** Runs `fn` on the coordinator's own SQLite storage, with every blob written counted by name. */
function inStore<T>(fn: (sql: CoordinatorSql, put: BlobName[], raw: SqlStorage) => T): Promise<T> {
  return runInDurableObject(coordinatorOf(env), (_instance, state) => {
    const sql = new CoordinatorSql(state.storage);
    const put: BlobName[] = [];
    const putBlob = sql.putBlob.bind(sql);
    sql.putBlob = (name, text) => (put.push(name), putBlob(name, text));
    return fn(sql, put, state.storage.sql);
  });
}

/** State as the release before stored it: the complete-day sums inside the uptime blob, no windows blob. */
function storePrevious(sql: CoordinatorSql, raw: SqlStorage): void {
  new HotStateStore(sql, () => {}).commit(emptyHotState());
  sql.putBlob("uptime", JSON.stringify({ ...UPTIME, yesterday: null, windows: WINDOWS }));
  raw.exec("DELETE FROM blobs WHERE name = 'windows'");
}

describe("HotStateStore: the complete-day sums", () => {
  it("reads them from the uptime blob of the release before, and moves them to their own blob on the next commit", async () => {
    await inStore((sql, put, raw) => {
      storePrevious(sql, raw);
      const loaded = new HotStateStore(sql, () => {}).load()!;
      expect(loaded.uptime).toEqual({ ...UPTIME, yesterday: null, windows: WINDOWS });

      const closed: HotState = { ...loaded, uptime: { ...loaded.uptime, today: { d: "2096-03-04", m: { gw: c(10) } } } };
      new HotStateStore(sql, () => {}).commit(closed);
      expect(put).toContain("windows");
      expect(JSON.parse(sql.blobText("uptime")!)).not.toHaveProperty("windows");
      expect(JSON.parse(sql.blobText("windows")!)).toEqual(WINDOWS);
      expect(new HotStateStore(sql, () => {}).load()!.uptime).toEqual(closed.uptime);
    });
  });

  it("does not write them again when an hour closes, and writes only them when the day's archive replaces them", async () => {
    await inStore((sql, put) => {
      const store = new HotStateStore(sql, () => {});
      const first = store.commit({ ...emptyHotState(), uptime: { ...UPTIME, yesterday: null, windows: WINDOWS } });
      put.length = 0;
      const hourClosed = store.commit({ ...first, uptime: { ...first.uptime, sum24: { h: "2096-03-04T10", m: { gw: c(60) } } } });
      expect(put).toContain("uptime");
      expect(put).not.toContain("windows");
      put.length = 0;
      store.commit({ ...hourClosed, uptime: { ...hourClosed.uptime, windows: { ...WINDOWS!, through: "2096-03-04" } } });
      expect(put).toContain("windows");
      expect(put).not.toContain("uptime");
    });
  });

  it("starts a corrupt windows blob afresh (logged), keeping the rest of the uptime sums", async () => {
    await inStore((sql) => {
      const logged: string[] = [];
      const log: Log = (_level, msg) => logged.push(msg);
      new HotStateStore(sql, () => {}).commit({ ...emptyHotState(), uptime: { ...UPTIME, yesterday: null, windows: WINDOWS } });
      sql.putBlob("windows", "{ not json");
      const loaded = new HotStateStore(sql, log).load()!;
      expect(loaded.uptime).toEqual({ ...UPTIME, yesterday: null, windows: null });
      expect(logged).toEqual([expect.stringContaining("windows are corrupt")]);
    });
  });
});
