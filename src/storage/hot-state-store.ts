import type { DayAccumulators, HotState, Meta } from "../decide/hot-state";
import { emptyHotState } from "../decide/hot-state";
import type { Log } from "../log";
import { EMPTY_DELIVERY } from "../notify/delivery-state";
import type { BlobName, CoordinatorSql } from "./coordinator-sql";

type Part = Exclude<BlobName, "meta" | "dayacc" | "pending">;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Shape checks, not validation: this is the writer's own data. A part that fails one is started afresh (logged). */
const CHECKS: Record<Part, (v: unknown) => boolean> = {
  results: isObject,
  tracks: isObject,
  incidents: Array.isArray,
  delivery: (v) => isObject(v) && Array.isArray(v.outbox) && isObject(v.done),
  hour: (v) => v === null || (isObject(v) && typeof v.h === "string" && Array.isArray(v.ids) && Array.isArray(v.counts)),
  uptime: (v) => isObject(v) && isObject(v.today),
};

const isMeta = (v: unknown): v is Meta => isObject(v) && v.v === 2 && typeof v.seq === "number" && Array.isArray(v.jobs);

/**
 * The writer's state in the coordinator's blobs. A commit writes only the parts that changed (compared with what was
 * last read or written), with `meta.seq` bumped, in one transaction; a load reuses the copy in memory while the stored
 * `seq` still matches it (one small read), so a warm object parses nothing.
 */
export class HotStateStore {
  private cached: HotState | null = null;
  private readonly written = new Map<BlobName, { value: unknown; text: string }>();

  constructor(
    private readonly sql: CoordinatorSql,
    private readonly log: Log,
  ) {}

  /** The stored state, or null when nothing was ever stored here (a new object, or a reset one). */
  load(): HotState | null {
    const metaRead = this.sql.blob("meta");
    if (metaRead.kind === "missing") {
      this.cached = null;
      return null;
    }
    if (metaRead.kind === "corrupt" || !isMeta(metaRead.value)) {
      this.log("error", "coordinator state is corrupt; starting from the stored copies", { reason: metaRead.kind === "corrupt" ? metaRead.reason : "unknown version" });
      this.cached = null;
      return null;
    }
    const meta = metaRead.value;
    if (this.cached && this.cached.meta.seq === meta.seq) return this.cached;
    this.written.clear();
    this.written.set("meta", { value: meta, text: metaRead.text });
    const empty = emptyHotState();
    const part = <T>(name: Part, fallback: T): T => {
      const read = this.sql.blob(name);
      if (read.kind === "ok" && CHECKS[name](read.value)) {
        this.written.set(name, { value: read.value, text: read.text });
        return read.value as T;
      }
      if (read.kind !== "missing") this.log("error", `coordinator ${name} is corrupt; it starts afresh`, { reason: read.kind === "corrupt" ? read.reason : "unexpected shape" });
      return fallback;
    };
    const state: HotState = {
      meta,
      results: part("results", empty.results),
      incidents: { tracks: part("tracks", {}), incidents: part("incidents", []) },
      delivery: { ...EMPTY_DELIVERY, ...part("delivery", EMPTY_DELIVERY) },
      hour: part("hour", null),
      uptime: part("uptime", empty.uptime),
    };
    this.cached = state;
    return state;
  }

  /** Writes what changed of `state` (and whatever `extra` writes) in one transaction, and keeps it as the cached copy. */
  commit(state: HotState, extra: () => void = () => {}): HotState {
    const next: HotState = { ...state, meta: { ...state.meta, seq: state.meta.seq + 1 } };
    const parts: [BlobName, unknown][] = [
      ["results", next.results],
      ["tracks", next.incidents.tracks],
      ["incidents", next.incidents.incidents],
      ["delivery", next.delivery],
      ["hour", next.hour],
      ["uptime", next.uptime],
      ["meta", next.meta],
    ];
    const changes: [BlobName, unknown, string][] = [];
    for (const [name, value] of parts) {
      const last = this.written.get(name);
      if (last?.value === value) continue;
      const text = JSON.stringify(value);
      if (last?.text !== text) changes.push([name, value, text]);
    }
    this.sql.transaction(() => {
      for (const [name, , text] of changes) this.sql.putBlob(name, text);
      extra();
    });
    for (const [name, value, text] of changes) this.written.set(name, { value, text });
    this.cached = next;
    return next;
  }

  /** Forgets the copy in memory, so the next load reads storage (after a failed transaction). */
  forget(): void {
    this.cached = null;
    this.written.clear();
  }

  dayAccumulators(): DayAccumulators | null {
    const read = this.sql.blob("dayacc");
    return read.kind === "ok" && isObject(read.value) && typeof read.value.d === "string" && isObject(read.value.m) ? (read.value as unknown as DayAccumulators) : null;
  }

  putDayAccumulators(acc: DayAccumulators): void {
    this.sql.putBlob("dayacc", JSON.stringify(acc));
  }

  /** Archive objects waiting to be written (from an upgrade, or a write that failed), by key. */
  pending(): Record<string, string> {
    const read = this.sql.blob("pending");
    return read.kind === "ok" && isObject(read.value) ? (read.value as Record<string, string>) : {};
  }

  putPending(pending: Record<string, string>): void {
    this.sql.putBlob("pending", JSON.stringify(pending));
  }
}
