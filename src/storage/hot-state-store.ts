import type { DayAccumulators, HotState, HourMedians, KeptResult, Meta, UptimeSums } from "../decide/hot-state";
import type { Rollups } from "../history/schemas";
import { emptyHotState } from "../decide/hot-state";
import type { Log } from "../core/log";
import { EMPTY_DELIVERY } from "../notify/delivery-state";
import type { BlobName, CoordinatorSql } from "./coordinator-sql";

/** One archived hour's medians as stored: its key, and its JSON text (JSON holds no raw newline). */
export interface RecentHourText {
  h: string;
  text: string;
}

type Part = Exclude<BlobName, "meta" | "results" | "windows" | "dayacc" | "pending" | "recent" | "dayrollup">;

/**
 * The results blob, one line a monitor: `id TAB status TAB since TAB checkedAt TAB raw TAB message (JSON) TAB said
 * (JSON) TAB result (JSON)`. Read
 * back by splitting, so a cold start does not parse every monitor's details; JSON text holds no raw tab or newline.
 */
function encodeResults(results: HotState["results"]): string {
  let out = "";
  for (const [id, r] of Object.entries(results)) {
    const said = r.said === r.message ? "=" : JSON.stringify(r.said);
    out += `${out ? "\n" : ""}${id}\t${r.status}\t${r.since}\t${r.checkedAt}\t${r.raw ?? "-"}\t${JSON.stringify(r.message)}\t${said}\t${r.json}`;
  }
  return out;
}

function decodeResults(text: string): HotState["results"] | null {
  const out: HotState["results"] = {};
  for (const line of text.split("\n")) {
    if (!line) continue;
    const cut: number[] = [];
    for (let at = -1, i = 0; i < 7; i++) cut.push((at = line.indexOf("\t", at + 1)));
    if (cut.some((c) => c < 0)) return null;
    const [a, b, c, d, e, f, g] = cut as [number, number, number, number, number, number, number];
    const raw = line.slice(d + 1, e);
    try {
      const message = JSON.parse(line.slice(e + 1, f)) as string;
      const said = line.slice(f + 1, g);
      out[line.slice(0, a)] = {
        status: line.slice(a + 1, b) as KeptResult["status"],
        since: line.slice(b + 1, c),
        checkedAt: line.slice(c + 1, d),
        raw: raw === "-" ? null : (raw as KeptResult["raw"]),
        message,
        said: said === "=" ? message : (JSON.parse(said) as string),
        json: line.slice(g + 1),
      };
    } catch {
      return null;
    }
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Shape checks, not validation: this is the writer's own data. A part that fails one is started afresh (logged). */
const CHECKS: Record<Part, (v: unknown) => boolean> = {
  tracks: isObject,
  incidents: Array.isArray,
  delivery: (v) => isObject(v) && Array.isArray(v.outbox) && isObject(v.done),
  hour: (v) => v === null || (isObject(v) && typeof v.h === "string" && Array.isArray(v.ids) && Array.isArray(v.counts)),
  uptime: (v) => isObject(v) && isObject(v.today),
  warmup: (v) => v === null || isObject(v),
  slo: isObject,
};

const isWindows = (v: unknown): v is NonNullable<UptimeSums["windows"]> | null =>
  v === null || (isObject(v) && typeof v.through === "string" && isObject(v.d7) && isObject(v.d30) && isObject(v.d90));

/**
 * The uptime blob without the complete-day sums, which change once a day and are three of its six maps: they are
 * the windows blob, so the tick that closes an hour does not serialise them again.
 */
const uptimeText = (uptime: UptimeSums) => JSON.stringify({ ...uptime, windows: undefined });

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
      this.log("error", "coordinator state is corrupt; starting from the stored copies", {
        reason: metaRead.kind === "corrupt" ? metaRead.reason : "unknown version",
      });
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
      if (read.kind !== "missing")
        this.log("error", `coordinator ${name} is corrupt; it starts afresh`, {
          reason: read.kind === "corrupt" ? read.reason : "unexpected shape",
        });
      return fallback;
    };
    const resultsText = this.sql.blobText("results");
    let results = resultsText === null ? null : decodeResults(resultsText);
    if (resultsText !== null && results === null) this.log("error", "coordinator results are corrupt; they start afresh");
    if (results !== null) this.written.set("results", { value: results, text: resultsText! });
    results ??= empty.results;
    const state: HotState = {
      meta,
      results,
      incidents: { tracks: part("tracks", {}), incidents: part("incidents", []) },
      delivery: { ...EMPTY_DELIVERY, ...part("delivery", EMPTY_DELIVERY) },
      hour: part("hour", null),
      uptime: this.uptimeOf(part("uptime", empty.uptime)),
      warmup: meta.sparkReady ? null : part("warmup", null),
      // Missing in state stored before SLOs existed: every SLO starts counting.
      slo: part("slo", empty.slo),
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
      ["windows", next.uptime.windows],
      ["warmup", next.warmup],
      ["slo", next.slo],
      ["meta", next.meta],
    ];
    const changes: [BlobName, unknown, string][] = [];
    for (const [name, value] of parts) {
      const last = this.written.get(name);
      if (last?.value === value) continue;
      const text =
        name === "results"
          ? encodeResults(value as HotState["results"])
          : name === "uptime"
            ? uptimeText(value as UptimeSums)
            : JSON.stringify(value);
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

  /**
   * The uptime sums with their complete-day sums from the windows blob; state stored before that blob existed kept
   * them inside the uptime blob, and they are read from there until the next commit writes both.
   */
  private uptimeOf(stored: UptimeSums): UptimeSums {
    const read = this.sql.blob("windows");
    const uptime = { ...stored, windows: stored.windows ?? null };
    if (read.kind === "ok" && isWindows(read.value)) {
      this.written.set("windows", { value: read.value, text: read.text });
      uptime.windows = read.value;
    } else if (read.kind !== "missing") {
      this.log("error", "coordinator windows are corrupt; they are summed again by the next day's archive", {
        reason: read.kind === "corrupt" ? read.reason : "unexpected shape",
      });
    }
    const last = this.written.get("uptime");
    if (last) this.written.set("uptime", { value: uptime, text: last.text });
    return uptime;
  }

  /** Forgets the copy in memory, so the next load reads storage (after a failed transaction). */
  forget(): void {
    this.cached = null;
    this.written.clear();
  }

  dayAccumulators(): DayAccumulators | null {
    const read = this.sql.blob("dayacc");
    return read.kind === "ok" && isObject(read.value) && typeof read.value.d === "string" && isObject(read.value.m)
      ? (read.value as unknown as DayAccumulators)
      : null;
  }

  putDayAccumulators(acc: DayAccumulators): void {
    this.sql.putBlob("dayacc", JSON.stringify(acc));
  }

  /**
   * The medians of the last 24 archived hours, oldest first, each as its JSON text (`{"h":...,"p50":{...}}`): an
   * hour's archive adds one and drops one, and recent.json is their texts joined, so no hour is parsed again. Stored
   * one a line; the JSON array the previous release stored is still read.
   */
  recentHourTexts(): RecentHourText[] {
    const text = this.sql.blobText("recent");
    if (text === null) return [];
    if (text.startsWith("[")) {
      try {
        const hours: unknown = JSON.parse(text);
        return Array.isArray(hours) ? (hours as HourMedians[]).map((x) => ({ h: x.h, text: JSON.stringify(x) })) : [];
      } catch {
        return [];
      }
    }
    const out: RecentHourText[] = [];
    for (const line of text.split("\n")) {
      const h = /^\{"h":"([^"\\]+)"/.exec(line)?.[1];
      if (h) out.push({ h, text: line });
    }
    return out;
  }

  putRecentHourTexts(hours: readonly RecentHourText[]): void {
    this.sql.putBlob("recent", hours.map((x) => x.text).join("\n"));
  }

  /** The last finished day's rollup, kept for its month (so the month step need not read the day object back). */
  dayRollup(d: string): Rollups | null {
    const read = this.sql.blob("dayrollup");
    return read.kind === "ok" && isObject(read.value) && read.value.d === d && isObject(read.value.rollup)
      ? (read.value.rollup as Rollups)
      : null;
  }

  putDayRollup(d: string, rollup: Rollups): void {
    this.sql.putBlob("dayrollup", JSON.stringify({ d, rollup }));
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
