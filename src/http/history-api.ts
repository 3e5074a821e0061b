import { Hono } from "hono";
import { cors } from "hono/cors";
import * as z from "zod";
import { r2HistoryStore } from "../storage/r2-history-store";
import { type Points, readDayPoints, readHourPoints, readRawPoints } from "../storage/history-points";
import { DAY_MS, dayKeyOf, dayStartMs, HOUR_MS, hourKeyOf, hourStartMs } from "../history/keys";
import { consoleLog } from "../core/log";
import { STALE_AFTER_MS } from "../read-model/status-view";
import type { AppEnv } from "./app-env";
import { edgeCache } from "./edge-cache";
import { jsonError } from "./error-body";
import { freshFor } from "./fresh-for";
import { validQuery } from "./validate";
import { liveHistoryOf } from "./live-history";
import { withConfig } from "./with-config";

/** How far back `from` defaults to, and the widest range each resolution serves (which bounds the objects read). */
const RESOLUTIONS = {
  raw: { defaultSpanMs: HOUR_MS, maxSpanMs: 24 * HOUR_MS, limit: "24 hours" },
  hour: { defaultSpanMs: 24 * HOUR_MS, maxSpanMs: 31 * DAY_MS, limit: "31 days" },
  day: { defaultSpanMs: 90 * DAY_MS, maxSpanMs: 400 * DAY_MS, limit: "400 days" },
} as const;

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/** `2026-11-28` (midnight UTC) or an ISO 8601 timestamp (UTC unless it says otherwise), as milliseconds. */
const Instant = z
  .string()
  .trim()
  .toUpperCase()
  .regex(ISO, "must be an ISO 8601 date or timestamp, like 2026-11-28 or 2026-11-28T21:00:00Z")
  .refine((text) => {
    const match = ISO.exec(text);
    if (!match) return true; // the regex has said so
    const [, y, m, d] = match;
    const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
    return Number.isFinite(ms) && dayKeyOf(ms) === `${y}-${m}-${d}`;
  }, "is not a real date")
  .transform((text) => Date.parse(text.length === 10 ? `${text}T00:00:00Z` : /(?:Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}Z`))
  .pipe(z.number({ error: "is not a real time" }));

const emptyIsAbsent = (value: unknown) => (value === "" ? undefined : value);

export const HistoryQuery = z.object({
  resolution: z.preprocess(emptyIsAbsent, z.enum(["raw", "hour", "day"], { error: "must be raw, hour or day" }).default("hour")),
  from: z.preprocess(emptyIsAbsent, Instant.optional()),
  to: z.preprocess(emptyIsAbsent, Instant.optional()),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const history = new Hono<AppEnv>();

history.use(cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"] }));

/** The range asked for with its defaults filled in, or what is wrong with it (always `from`'s fault). */
function rangeOf(query: HistoryQuery, now: number): { from: number; to: number } | string {
  const limits = RESOLUTIONS[query.resolution];
  const to = query.to ?? now;
  const from = query.from ?? to - limits.defaultSpanMs;
  if (from > to) return "from is after to";
  if (to - from > limits.maxSpanMs) return `range too large for resolution=${query.resolution}: at most ${limits.limit} from from to to`;
  return { from, to };
}

/** GET /monitors/:id/history?from=&to=&resolution=raw|hour|day (mounted under /api). */
history.get("/monitors/:id/history", edgeCache({ query: HistoryQuery }), validQuery(HistoryQuery), withConfig, async (c) => {
  const id = c.req.param("id");
  if (!c.var.config.monitors.some((m) => m.id === id)) return jsonError(c, 404, "unknown monitor", { parameter: "id" });
  const query = c.req.valid("query");
  const { resolution } = query;
  const now = Date.now();
  const range = rangeOf(query, now);
  if (typeof range === "string") return jsonError(c, 400, range, { parameter: "from" });
  const { from, to } = range;

  const store = r2HistoryStore(c.env.HISTORY);
  const { carry, failed } = await liveHistoryOf(c.env, id);
  const read = resolution === "raw" ? readRawPoints : resolution === "hour" ? readHourPoints : readDayPoints;
  const result: Points<unknown> = await read({ store, carry, id, fromMs: from, toMs: to, log: consoleLog });
  const incomplete = failed || result.incomplete;

  const lastTickMs = carry?.hour.ticks.length ? hourStartMs(carry.hour.h) + carry.hour.ticks.at(-1)![0] : null;
  c.header("Cache-Control", `public, max-age=${maxAgeOf(resolution, to, lastTickMs, incomplete, now)}`);
  return c.json({
    monitorId: id,
    resolution,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    incomplete,
    points: result.points,
  });
});

/** The last tick of a period (scheduled a minute before its end) has landed by this long after the period ends. */
const LAST_TICK_LANDS_MS = 65_000;

/**
 * A range that ends before the current hour (raw, hour) or day (day), once that period's last tick has landed, does
 * not change: an hour. One that reaches the present changes with every tick: fresh until the next tick's results are
 * due (raw, hour), or five minutes (day, whose bars move slowly). An incomplete answer is retried soon.
 */
export function maxAgeOf(
  resolution: HistoryQuery["resolution"],
  toMs: number,
  lastTickMs: number | null,
  incomplete: boolean,
  now: number,
): number {
  if (incomplete) return 5;
  // The range is finished once the period holding its end is over and that period's last tick has landed.
  const endOfLast = resolution === "day" ? dayStartMs(dayKeyOf(toMs)) + DAY_MS : hourStartMs(hourKeyOf(toMs)) + HOUR_MS;
  if (now - endOfLast >= LAST_TICK_LANDS_MS) return 3600;
  if (resolution === "day") return 300;
  const last = lastTickMs === null ? null : new Date(lastTickMs).toISOString();
  return freshFor(last, lastTickMs === null || now - lastTickMs > STALE_AFTER_MS, now);
}
