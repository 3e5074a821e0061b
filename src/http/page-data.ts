import * as z from "zod";
import type { Bindings } from "../env/deps";
import { dayKeyOf, hourKeyOf, RECENT_KEY, SUMMARY_KEY } from "../history/keys";
import { Counts, HistorySummary, HourRollup, RawHour } from "../history/schemas";
import type { Incident } from "../incidents/types";
import { consoleLog, type Log } from "../core/log";
import type { PageCarry } from "../read-model/page-carry";
import { parseStored } from "../storage/parse-stored";
import { readObjectText } from "../storage/r2-text";
import { LATEST_KEY } from "../storage/r2-latest-store";
import { incidentKey, r2IncidentStore } from "../storage/r2-incident-store";
import type { HourMedians } from "../decide/hot-state";
import { type LatestView, parseLatestText } from "../storage/latest-object";

/**
 * Only what the page reads of the history carry: the current hour's ticks, the finished hours' rollups and today's
 * counts. Zod drops every other field unread, so the carry's pending objects (the bulk of it) cost no validation.
 */
const PageCarrySchema = z.object({
  hour: RawHour,
  hours: z.array(HourRollup),
  today: z.object({ d: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), m: z.record(z.string(), z.object({ c: Counts })) }),
});

export interface PageData {
  latest: LatestView | null;
  carry: PageCarry | null;
  summary: HistorySummary | null;
}

/**
 * What the status page renders from: three R2 reads, made together: `latest.json` (the last tick, with today's
 * counts), `summary.json` (the 90 complete days) and `recent.json` (the sparklines' 24 hours). A missing, corrupt
 * or unreadable object is null (logged); this never throws. Unlike the JSON API, the page does not fall back to the
 * KV copy: it says its data is stale instead.
 */
export async function readPageData(env: Pick<Bindings, "HISTORY">, log: Log = consoleLog): Promise<PageData> {
  const [latestText, summaryText, recentText] = await Promise.all(
    [LATEST_KEY, SUMMARY_KEY, RECENT_KEY].map((key) => readObjectText(env.HISTORY, key, log)),
  );
  const latest = parseLatestText(latestText ?? null);
  if (latest.kind === "corrupt") log("warn", "R2 latest is corrupt", { reason: latest.reason });
  const summary = parseStored(HistorySummary, summaryText ?? null);
  if (summary.kind === "corrupt") log("warn", "R2 summary is corrupt", { reason: summary.reason });
  const view = latest.kind === "ok" ? latest.value : null;
  return {
    latest: view,
    carry: view ? carryOf(view, latestText!, recentText ?? null, log) : null,
    summary: summary.kind === "ok" ? summary.value : null,
  };
}

/** Medians as the page's rollup rows: the sparkline reads the median (index 5) only. */
function rollupsOfMedians(p50: HourMedians["p50"]): PageCarry["hours"][number]["m"] {
  const out: PageCarry["hours"][number]["m"] = {};
  for (const [id, median] of Object.entries(p50)) out[id] = [0, 0, 0, 0, 0, median, null, null];
  return out;
}

/**
 * The history parts the page draws: from recent.json and the latest object's counts of today (the current hour is
 * in those counts; its sparkline point comes once the hour is archived), or, from a latest.json written before the
 * coordinator kept the state, from the carry inside it.
 */
function carryOf(latest: LatestView, text: string, recentText: string | null, log: Log): PageCarry | null {
  const tickMs = Date.parse(latest.tickAt);
  if (!Number.isFinite(tickMs)) return null;
  if (Object.keys(latest.today).length === 0) {
    const history = (JSON.parse(text) as { history?: unknown }).history;
    const carry = history ? PageCarrySchema.safeParse(history) : null;
    if (carry && !carry.success)
      log("warn", "history carry is corrupt; the page shows no sparklines", { reason: carry.error.issues[0]?.message ?? "invalid" });
    if (carry?.success) return carry.data;
  }
  let hours: PageCarry["hours"] = [];
  if (recentText !== null) {
    // The coordinator's own object (each hour's median per monitor): shape-checked, not validated hour by hour.
    try {
      const recent = JSON.parse(recentText) as { v?: unknown; hours?: unknown };
      if (recent.v === 2 && Array.isArray(recent.hours))
        hours = (recent.hours as HourMedians[]).map(({ h, p50 }) => ({ h, m: rollupsOfMedians(p50) }));
      else log("warn", "R2 recent.json is damaged; the page shows no sparklines");
    } catch {
      log("warn", "R2 recent.json is not JSON; the page shows no sparklines");
    }
  }
  const m: PageCarry["today"]["m"] = {};
  for (const [id, c] of Object.entries(latest.today)) m[id] = { c };
  return { hour: warmupHour(latest, tickMs), hours, today: { d: dayKeyOf(tickMs), m } };
}

/**
 * A new deployment's last latencies as the current hour's ticks, for a "this hour" sparkline until two hours are
 * archived. Their status letters are `-` (not counted): today's counts come from the latest object.
 */
function warmupHour(latest: LatestView, tickMs: number): PageCarry["hour"] {
  const h = hourKeyOf(tickMs);
  const ids = Object.keys(latest.warmup ?? {});
  const length = Math.max(0, ...ids.map((id) => latest.warmup![id]!.length));
  const ticks: PageCarry["hour"]["ticks"] = [];
  for (let i = 0; i < length; i++) {
    ticks.push([
      i,
      "-".repeat(ids.length),
      ids.map((id) => {
        const list = latest.warmup![id]!;
        return list[list.length - length + i] ?? null;
      }),
    ]);
  }
  return { h, ids, ticks };
}

/**
 * One incident for its page: from latest.json when it is open or recently resolved there (the freshest copy), else
 * from its own object in R2. Null when neither has it, or when `id` is not an incident id (then nothing is read).
 */
export async function readIncident(env: Pick<Bindings, "HISTORY">, id: string, log: Log = consoleLog): Promise<Incident | null> {
  if (incidentKey(id) === null) return null;
  const latest = parseLatestText(await readObjectText(env.HISTORY, LATEST_KEY, log));
  const recent = latest.kind === "ok" ? latest.value.incidents.find((i) => i.id === id) : undefined;
  if (recent) return recent;
  try {
    const stored = await r2IncidentStore(env.HISTORY).getIncident(id);
    if (stored.kind === "corrupt") log("warn", "R2 incident is corrupt", { id, reason: stored.reason });
    return stored.kind === "ok" ? stored.value : null;
  } catch (error) {
    log("error", "R2 incident read failed", { id, error: String(error) });
    return null;
  }
}
