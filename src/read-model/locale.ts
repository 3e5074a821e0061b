import type { PageLanguage } from "../config/page";
import { stringsOf } from "./strings";
import type { PageStrings } from "./strings/types";

/**
 * Numbers, durations, days and times for people, in the page's language and time zone. Intl does the arithmetic of
 * zones and decimal separators; the language's table (strings/) orders the words. Pure apart from Intl's data; the
 * formatters are made once per language and zone (making one costs far more than using it).
 */
export interface Locale {
  lang: PageLanguage;
  timeZone: string;
  t: PageStrings;
  /** With exactly `places` decimals when given (else as few as needed, at most 3), never grouped: `1234`, `0,5`. */
  number(value: number, places?: number): string;
  /** Cut, never rounded up (see cutPercent): `99.97%`, `99,97 %`. */
  percent(value: number, places?: number): string;
  ms(ms: number): string;
  minutes(minutes: number): string;
  duration(ms: number): string;
  /** The day (`YYYY-MM-DD`) a time falls on in the page's zone. */
  dayOf(ms: number): string;
  /** `21:01 UTC`, `22:01 MEZ`. */
  time(iso: string): string;
  /** `Nov 28, 21:01 UTC`, with the year when it is not the current one. */
  dateTime(iso: string, nowMs: number): string;
  /** A span of time: `Nov 28, 21:01 to 21:31 UTC` within a day, both dates across days. */
  span(fromIso: string, toIso: string, nowMs: number): string;
  /** A day key (UTC days of history, or dayOf's) as `Nov 28`, `Today`, `Nov 28, 2025`. */
  dayName(day: string, today: string): string;
  /** `Nov 9–24` within a month, `Oct 20 – Nov 7` across months, `Nov 26 – Today`. */
  dayRange(from: string, to: string, today: string): string;
  /** `Saturday, Nov 28, 2026`: a day heading. */
  longDay(day: string): string;
}

/**
 * A percentage cut (not rounded) to `places` decimals: 100 only when exactly so, so 99.999 is 99.99 and a day with a
 * failure never reads 100. The nudge keeps float noise (0.29 * 100 is 28.999…) from cutting a value that is exactly on
 * a step down to the step below; the cap keeps a value a hair below 100 from reading 100.
 */
export function cutPercent(value: number, places: number): number {
  if (value >= 100) return 100;
  if (value <= 0) return 0;
  const scale = 10 ** places;
  return Math.min(Math.floor(value * scale + 1e-9), 100 * scale - 1) / scale;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function cached<F extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => F): F {
  let formatter = formatters.get(key) as F | undefined;
  if (!formatter) {
    formatter = make();
    if (formatters.size > 200) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

const isUtc = (timeZone: string) => /^(?:Etc\/)?(?:UTC|GMT|Zulu|UCT|Universal)$/i.test(timeZone);

/** The wall clock in `timeZone` at `ms`: UTC by hand, other zones through Intl. */
function wallClock(ms: number, timeZone: string): WallClock {
  if (isUtc(timeZone)) {
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
  }
  const format = cached(
    `clock ${timeZone}`,
    () =>
      new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
      }),
  ) as Intl.DateTimeFormat;
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(ms)) if (part.type !== "literal") parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute! };
}

const pad = (n: number) => String(n).padStart(2, "0");
const dayKey = (c: Pick<WallClock, "year" | "month" | "day">) => `${c.year}-${pad(c.month)}-${pad(c.day)}`;
const partsOfDay = (day: string) => ({ year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), day: Number(day.slice(8, 10)) });

export function localeOf(lang: PageLanguage, timeZone = "UTC"): Locale {
  const t = stringsOf(lang);
  const zoneName = (ms: number): string => {
    if (isUtc(timeZone)) return "UTC";
    const format = cached(`zone ${t.lang} ${timeZone}`, () => new Intl.DateTimeFormat(t.lang, { timeZone, timeZoneName: "short" }));
    return (format as Intl.DateTimeFormat).formatToParts(ms).find((p) => p.type === "timeZoneName")?.value ?? timeZone;
  };
  // Intl names the decimal separator once; the digits are toFixed's, which is what Intl writes without grouping and
  // costs a tenth of a format() call: a page of 1,000 monitors writes thousands of numbers.
  const decimal = cached(`decimal ${t.lang}`, () => new Intl.NumberFormat(t.lang))
    .formatToParts(1.5)
    .find((p) => p.type === "decimal")?.value;
  const number = (value: number, places?: number) =>
    (places === undefined ? String(Number(value.toFixed(3))) : value.toFixed(places)).replace(".", decimal ?? ".");
  const minutes = (n: number) => {
    if (n < 60) return t.minutes(n);
    const m = n % 60;
    return m === 0 ? t.hours(Math.floor(n / 60)) : `${t.hours(Math.floor(n / 60))} ${t.minutes(m)}`;
  };
  const clock = (ms: number) => {
    const c = wallClock(ms, timeZone);
    return `${pad(c.hour)}:${pad(c.minute)}`;
  };
  const time = (ms: number) => `${clock(ms)} ${zoneName(ms)}`;
  /** The date part of a date and time, with the year when it is not the current one. */
  const date = (ms: number, nowMs: number) => {
    const c = wallClock(ms, timeZone);
    return t.dateOfDateTime(c.day, t.months[c.month - 1]!, c.year === wallClock(nowMs, timeZone).year ? undefined : c.year);
  };
  const dayName = (day: string, today: string) => {
    if (day === today) return t.today;
    const d = partsOfDay(day);
    return t.date(d.day, t.months[d.month - 1]!, day.slice(0, 4) === today.slice(0, 4) ? undefined : d.year);
  };
  return {
    lang,
    timeZone,
    t,
    number,
    percent: (value, places = 2) => t.percent(number(cutPercent(value, places), value > 0 && value < 100 ? places : 0)),
    ms: (ms) => (ms >= 10_000 ? t.seconds(number(ms / 1000, 1)) : t.ms(number(Math.round(ms), 0))),
    minutes,
    duration: (ms) => minutes(Math.max(0, Math.round(ms / 60_000))),
    dayOf: (ms) => dayKey(wallClock(ms, timeZone)),
    time: (iso) => time(Date.parse(iso)),
    dateTime: (iso, nowMs) => t.dateTime(date(Date.parse(iso), nowMs), time(Date.parse(iso))),
    span: (fromIso, toIso, nowMs) => {
      const from = Date.parse(fromIso);
      const to = Date.parse(toIso);
      if (dayKey(wallClock(from, timeZone)) !== dayKey(wallClock(to, timeZone)))
        return t.range(t.dateTime(date(from, nowMs), time(from)), t.dateTime(date(to, nowMs), time(to)));
      return t.range(t.dateTime(date(from, nowMs), clock(from)), time(to));
    },
    dayName,
    dayRange: (from, to, today) => {
      if (from.slice(0, 7) !== to.slice(0, 7) || to === today) return t.dayToDay(dayName(from, today), dayName(to, today));
      const f = partsOfDay(from);
      return t.daysInMonth(f.day, partsOfDay(to).day, t.months[f.month - 1]!, from.slice(0, 4) === today.slice(0, 4) ? undefined : f.year);
    },
    longDay: (day) => {
      const d = partsOfDay(day);
      return t.longDay(t.weekdays[new Date(`${day}T00:00:00Z`).getUTCDay()]!, d.day, t.months[d.month - 1]!, d.year);
    },
  };
}
