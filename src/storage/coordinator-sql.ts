import type { RawPointRow } from "../decide/minute-history";
import type { CountsOf } from "../decide/hot-state";
import type { Rollups } from "../history/schemas";

/**
 * The coordinator object's SQLite storage: the only code that touches it. Small named blobs hold the writer's state
 * (each bounded by monitors or incidents, written only when it changed); one row per minute holds the raw points of
 * the current hour, and one row per finished hour its counts and, once archived, its rollup. Durable Objects on the
 * Free plan allow 100,000 rows written a day: a tick writes about four.
 */

export type BlobName =
  | "meta"
  | "results"
  | "tracks"
  | "incidents"
  | "delivery"
  | "hour"
  | "uptime"
  | "windows"
  | "dayacc"
  | "pending"
  | "recent"
  | "dayrollup"
  | "warmup"
  | "slo";

export type BlobRead = { kind: "ok"; value: unknown; text: string } | { kind: "missing" } | { kind: "corrupt"; reason: string };

export interface HourRow {
  h: string;
  ids: string[];
  counts: CountsOf;
  rollup: Rollups | null;
}

const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS blobs (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS points (t INTEGER PRIMARY KEY, letters TEXT NOT NULL, latencies TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS hours (h TEXT PRIMARY KEY, ids TEXT NOT NULL, counts TEXT NOT NULL, rollup TEXT)",
  // One row per push monitor, its last beat. WITHOUT ROWID: the key is the row, so storing a beat writes one row (a
  // rowid table would write its key index too). Added after the first release: CREATE IF NOT EXISTS adds it to old state.
  "CREATE TABLE IF NOT EXISTS beats (id TEXT PRIMARY KEY, at INTEGER NOT NULL, beat TEXT NOT NULL) WITHOUT ROWID",
];

/** A push monitor's last beat as stored: when (ms) and what it said (JSON text, validated by its reader). */
export interface BeatRow {
  id: string;
  at: number;
  beat: string;
}

export class CoordinatorSql {
  private readonly sql: SqlStorage;
  /** Rows read and written through this object, as SQLite counts them (what the Free plan's daily limits count). */
  readonly stats = { rowsRead: 0, rowsWritten: 0 };
  /** The standing alarm as last set or read here; undefined when not known. */
  private alarmAt: number | null | undefined = undefined;

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql = storage.sql;
    for (const statement of SCHEMA) this.run(statement);
  }

  private run<T extends Record<string, SqlStorageValue>>(query: string, ...params: SqlStorageValue[]): T[] {
    const cursor = this.sql.exec<T>(query, ...params);
    const rows = cursor.toArray();
    this.stats.rowsRead += cursor.rowsRead;
    this.stats.rowsWritten += cursor.rowsWritten;
    return rows;
  }

  /** Runs `fn` as one transaction: all of its writes land, or none. */
  transaction<T>(fn: () => T): T {
    return this.storage.transactionSync(fn);
  }

  /** A blob's text as stored, or null. */
  blobText(name: BlobName): string | null {
    return this.run<{ value: string }>("SELECT value FROM blobs WHERE name = ?", name)[0]?.value ?? null;
  }

  blob(name: BlobName): BlobRead {
    const row = this.run<{ value: string }>("SELECT value FROM blobs WHERE name = ?", name)[0];
    if (!row) return { kind: "missing" };
    try {
      return { kind: "ok", value: JSON.parse(row.value), text: row.value };
    } catch (error) {
      return { kind: "corrupt", reason: `not JSON: ${(error as Error).message}` };
    }
  }

  putBlob(name: BlobName, text: string): void {
    this.run("INSERT INTO blobs (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value", name, text);
  }

  /** Whether anything was ever stored: a new object (or a reset one) has nothing. */
  isEmpty(): boolean {
    return this.run("SELECT 1 AS one FROM blobs LIMIT 1").length === 0;
  }

  addPoint(point: RawPointRow): void {
    this.run(
      "INSERT OR REPLACE INTO points (t, letters, latencies) VALUES (?, ?, ?)",
      point.t,
      point.letters,
      JSON.stringify(point.latencies),
    );
  }

  /** Raw points in [fromMs, toMs), oldest first; a row that does not parse is left out. */
  points(fromMs: number, toMs: number): RawPointRow[] {
    const rows = this.run<{ t: number; letters: string; latencies: string }>(
      "SELECT t, letters, latencies FROM points WHERE t >= ? AND t < ? ORDER BY t",
      fromMs,
      toMs,
    );
    // A damaged row is a gap in the archive, not a failed hour.
    return parsedRows(rows, (row) => ({ t: row.t, letters: row.letters, latencies: JSON.parse(row.latencies) as (number | null)[] }));
  }

  deletePoints(beforeMs: number): void {
    this.run("DELETE FROM points WHERE t < ?", beforeMs);
  }

  putHour(row: HourRow): void {
    this.run(
      "INSERT INTO hours (h, ids, counts, rollup) VALUES (?, ?, ?, ?) ON CONFLICT(h) DO UPDATE SET ids = excluded.ids, counts = excluded.counts, rollup = excluded.rollup",
      row.h,
      JSON.stringify(row.ids),
      JSON.stringify(row.counts),
      row.rollup === null ? null : JSON.stringify(row.rollup),
    );
  }

  /** Finished hours from `fromHour` on (inclusive), oldest first. */
  hours(fromHour: string): HourRow[] {
    const rows = this.run<{ h: string; ids: string; counts: string; rollup: string | null }>(
      "SELECT h, ids, counts, rollup FROM hours WHERE h >= ? ORDER BY h",
      fromHour,
    );
    // A damaged row counts as an hour without data.
    return parsedRows(rows, (row) => ({
      h: row.h,
      ids: JSON.parse(row.ids) as string[],
      counts: JSON.parse(row.counts) as CountsOf,
      rollup: row.rollup === null ? null : (JSON.parse(row.rollup) as Rollups),
    }));
  }

  /** Only the counts of finished hours from `fromHour` on, oldest first: what the uptime sums need, nothing more parsed. */
  hourCounts(fromHour: string, toHour = "9999"): { h: string; counts: CountsOf }[] {
    const rows = this.run<{ h: string; counts: string }>(
      "SELECT h, counts FROM hours WHERE h >= ? AND h <= ? ORDER BY h",
      fromHour,
      toHour,
    );
    // A damaged row counts as an hour without data.
    return parsedRows(rows, (row) => ({ h: row.h, counts: JSON.parse(row.counts) as CountsOf }));
  }

  /** Only the rollups of archived hours in [fromHour, toHour], oldest first. */
  hourRollups(fromHour: string, toHour: string): { h: string; rollup: Rollups }[] {
    const sql = "SELECT h, rollup FROM hours WHERE h >= ? AND h <= ? AND rollup IS NOT NULL ORDER BY h";
    // A damaged row is an hour without a rollup.
    return parsedRows(this.run<{ h: string; rollup: string }>(sql, fromHour, toHour), (row) => ({
      h: row.h,
      rollup: JSON.parse(row.rollup) as Rollups,
    }));
  }

  /**
   * The archived hours' rollups as stored (JSON text), for an object that embeds them unchanged: a day's 24 hours
   * for 1,000 monitors are 1.4 MB that need not be parsed and written again. Only this class writes them (from
   * JSON.stringify); a row that is not even an object's text is left out, like a damaged one above.
   */
  hourRollupTexts(fromHour: string, toHour: string): { h: string; text: string }[] {
    const sql = "SELECT h, rollup FROM hours WHERE h >= ? AND h <= ? AND rollup IS NOT NULL ORDER BY h";
    const rows = this.run<{ h: string; rollup: string }>(sql, fromHour, toHour);
    return rows.filter((row) => row.rollup.startsWith("{") && row.rollup.endsWith("}")).map((row) => ({ h: row.h, text: row.rollup }));
  }

  /** Sets an archived hour's rollup, leaving its counts as the tick wrote them. */
  setHourRollup(h: string, rollup: Rollups): void {
    this.run("UPDATE hours SET rollup = ? WHERE h = ?", JSON.stringify(rollup), h);
  }

  /** The ids of a finished hour (the order of its points' letters). */
  hourIds(h: string): string[] | null {
    const row = this.run<{ ids: string }>("SELECT ids FROM hours WHERE h = ?", h)[0];
    if (!row) return null;
    try {
      return JSON.parse(row.ids) as string[];
    } catch {
      return null;
    }
  }

  deleteHours(beforeHour: string): void {
    this.run("DELETE FROM hours WHERE h < ?", beforeHour);
  }

  /**
   * Stores a beat unless the monitor's last one is less than `minGapMs` old: one statement, one row written when
   * stored, none when refused. Refused, it answers when the next one may come.
   */
  putBeat(row: BeatRow, minGapMs: number): { stored: true } | { stored: false; retryAfterMs: number } {
    const cursor = this.sql.exec(
      "INSERT INTO beats (id, at, beat) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET at = excluded.at, beat = excluded.beat WHERE excluded.at - beats.at >= ?",
      row.id,
      row.at,
      row.beat,
      minGapMs,
    );
    cursor.toArray();
    this.stats.rowsRead += cursor.rowsRead;
    this.stats.rowsWritten += cursor.rowsWritten;
    if (cursor.rowsWritten > 0) return { stored: true };
    const last = this.run<{ at: number }>("SELECT at FROM beats WHERE id = ?", row.id)[0]?.at ?? row.at;
    return { stored: false, retryAfterMs: Math.max(0, last + minGapMs - row.at) };
  }

  /** Every push monitor's last beat. */
  beats(): BeatRow[] {
    return this.run<{ id: string; at: number; beat: string }>("SELECT id, at, beat FROM beats").map((r) => ({ ...r }));
  }

  /** Forgets the beats of monitors no longer configured as push monitors. */
  deleteBeatsExcept(ids: readonly string[]): void {
    // Bound parameters are capped at 100 a statement: the ids go as one JSON list.
    this.run("DELETE FROM beats WHERE id NOT IN (SELECT value FROM json_each(?))", JSON.stringify(ids));
  }

  /** Bytes of each blob as stored: what a tick reads on a cold start and rewrites when it changes. */
  blobSizes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const row of this.run<{ name: string; size: number }>("SELECT name, length(value) AS size FROM blobs")) out[row.name] = row.size;
    return out;
  }

  async setAlarm(atMs: number): Promise<void> {
    await this.storage.setAlarm(atMs);
    this.alarmAt = atMs;
  }

  getAlarm(): Promise<number | null> {
    return this.storage.getAlarm();
  }

  /**
   * The alarm as this object last set or read it: a tick's watchdog decision without a storage call. Only for a
   * choice that is safe when wrong (the alarm firing early only looks and re-arms); `forgetAlarm` at each alarm.
   */
  async knownAlarm(): Promise<number | null> {
    if (this.alarmAt === undefined) this.alarmAt = await this.storage.getAlarm();
    return this.alarmAt;
  }

  /** An alarm fired (or is retried): the standing one is gone or unknown until read again. */
  forgetAlarm(): void {
    this.alarmAt = undefined;
  }
}

/** Each row through `parse`, leaving out the rows it throws on: one damaged row must not hide the others. */
function parsedRows<R, T>(rows: Iterable<R>, parse: (row: R) => T): T[] {
  const out: T[] = [];
  for (const row of rows) {
    try {
      out.push(parse(row));
    } catch {
      // skipped: see above
    }
  }
  return out;
}
