import * as z from "zod";
import type { Bindings } from "../deps";
import { SUMMARY_KEY } from "../history/keys";
import { Counts, HistorySummary, HourRollup, RawHour } from "../history/schemas";
import type { Incident } from "../incidents/types";
import { consoleLog, type Log } from "../log";
import type { PageCarry } from "../read-model/page-view";
import { parseStored } from "../storage/parse-stored";
import { LATEST_KEY } from "../storage/r2-latest-store";
import { incidentKey, r2IncidentStore } from "../storage/r2-incident-store";
import { LatestSnapshot } from "../storage/snapshot";

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
  latest: LatestSnapshot | null;
  carry: PageCarry | null;
  summary: HistorySummary | null;
}

/**
 * What the status page renders from: exactly two R2 reads, made together: `latest.json` (the last tick, with the
 * part of its history carry the sparklines and today's cell need) and `summary.json` (the 90 complete days). A
 * missing, corrupt or unreadable object is null (logged); this never throws. Unlike the JSON API, the page does not
 * fall back to the KV copy: it says its data is stale instead.
 */
export async function readPageData(env: Pick<Bindings, "HISTORY">, log: Log = consoleLog): Promise<PageData> {
  const [latestText, summaryText] = await Promise.all([textOf(env.HISTORY, LATEST_KEY, log), textOf(env.HISTORY, SUMMARY_KEY, log)]);
  const { latest, carry } = parseLatest(latestText, log);
  const summary = parseStored(HistorySummary, summaryText);
  if (summary.kind === "corrupt") log("warn", "R2 summary is corrupt", { reason: summary.reason });
  return { latest, carry, summary: summary.kind === "ok" ? summary.value : null };
}

async function textOf(bucket: R2Bucket, key: string, log: Log): Promise<string | null> {
  try {
    const object = await bucket.get(key);
    return object ? await object.text() : null;
  } catch (error) {
    log("error", `R2 ${key} read failed`, { error: String(error) });
    return null;
  }
}

/** latest.json parsed once: the snapshot (whose schema leaves `history` unvalidated) and, separately, the carry's parts. */
export function parseLatest(text: string | null, log: Log): { latest: LatestSnapshot | null; carry: PageCarry | null } {
  if (text === null) return { latest: null, carry: null };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    log("warn", "R2 latest is corrupt", { reason: `not JSON: ${(error as Error).message}` });
    return { latest: null, carry: null };
  }
  const parsed = LatestSnapshot.safeParse(raw);
  if (!parsed.success) {
    log("warn", "R2 latest is corrupt", { reason: parsed.error.issues[0]?.message ?? "invalid" });
    return { latest: null, carry: null };
  }
  const history = (raw as { history?: unknown }).history;
  if (history === undefined || history === null) return { latest: parsed.data, carry: null };
  const carry = PageCarrySchema.safeParse(history);
  if (!carry.success) log("warn", "history carry is corrupt; the page shows no sparklines", { reason: carry.error.issues[0]?.message ?? "invalid" });
  return { latest: parsed.data, carry: carry.success ? carry.data : null };
}

/**
 * One incident for its page: from latest.json when it is open or recently resolved there (the freshest copy), else
 * from its own object in R2. Null when neither has it, or when `id` is not an incident id (then nothing is read).
 */
export async function readIncident(env: Pick<Bindings, "HISTORY">, id: string, log: Log = consoleLog): Promise<Incident | null> {
  if (incidentKey(id) === null) return null;
  const { latest } = parseLatest(await textOf(env.HISTORY, LATEST_KEY, log), log);
  const recent = latest?.incidents.incidents.find((i) => i.id === id);
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
