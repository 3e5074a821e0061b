import { formatPercent } from "./format";
import type { MonitorView, Uptime } from "./status-view";
import { xmlEscape } from "./xml-escape";

/**
 * Badges for one monitor: its status, its uptime over a window, or its latency. The same words and colours go out as
 * a self-contained flat SVG (shields.io's look) and as shields.io "endpoint" JSON. Pure.
 */

export const BADGE_METRICS = ["status", "uptime", "latency"] as const;
export type BadgeMetric = (typeof BADGE_METRICS)[number];
export const BADGE_WINDOWS = ["24h", "7d", "30d", "90d"] as const satisfies readonly (keyof Uptime)[];
export type BadgeWindow = (typeof BADGE_WINDOWS)[number];

/** shields.io's named colours, and the hex each stands for in the SVG. */
const COLORS = {
  brightgreen: "#4c1",
  green: "#97ca00",
  yellowgreen: "#a4a61d",
  yellow: "#dfb317",
  orange: "#fe7d37",
  red: "#e05d44",
  blue: "#007ec6",
  lightgrey: "#9f9f9f",
} as const;
export type BadgeColor = keyof typeof COLORS;

export interface Badge {
  label: string;
  message: string;
  color: BadgeColor;
}

const STATUS_COLOR: Record<MonitorView["status"], BadgeColor> = {
  up: "brightgreen",
  degraded: "yellow",
  down: "red",
  maintenance: "blue",
  unknown: "lightgrey",
};

function uptimeColor(percent: number): BadgeColor {
  if (percent >= 99.9) return "brightgreen";
  if (percent >= 99) return "green";
  if (percent >= 97) return "yellowgreen";
  if (percent >= 95) return "yellow";
  if (percent >= 90) return "orange";
  return "red";
}

/** Uptime on a badge: `99.95%`, `100%`, to three places without trailing zeros; never rounded up to 100. */
export const BADGE_PERCENT = { places: 3, trimZeros: true } as const;

/**
 * What a badge says. Status: the monitor's name and its status. Uptime: `uptime 30d` and the percentage (`no data`
 * when the window holds no counted tick). Latency: the last probe's time, yellow above the monitor's
 * `degradedAfterMs`, red when down, `n/a` without one.
 */
export function badgeFor(monitor: MonitorView, metric: BadgeMetric, window: BadgeWindow, degradedAfterMs?: number): Badge {
  switch (metric) {
    case "status":
      return { label: monitor.name, message: monitor.status, color: STATUS_COLOR[monitor.status] };
    case "uptime": {
      const percent = monitor.uptime[window];
      const label = `uptime ${window}`;
      return percent === null || !Number.isFinite(percent)
        ? { label, message: "no data", color: "lightgrey" }
        : { label, message: formatPercent(percent, BADGE_PERCENT), color: uptimeColor(percent) };
    }
    case "latency": {
      const ms = monitor.latencyMs;
      if (ms === null || monitor.status === "unknown") return { label: "latency", message: "n/a", color: "lightgrey" };
      const color: BadgeColor =
        monitor.status === "down" ? "red" : degradedAfterMs !== undefined && ms > degradedAfterMs ? "yellow" : "brightgreen";
      return { label: "latency", message: `${Math.round(ms)} ms`, color };
    }
  }
}

/** shields.io's endpoint badge schema: https://shields.io/badges/endpoint-badge */
/**
 * shields.io's endpoint JSON. `cacheSeconds` is the tick period: the data changes no faster (shields.io itself
 * applies a floor of 300 s to endpoint badges; a self-hosted shields honours less).
 */
export function endpointJson(badge: Badge, cacheSeconds: number) {
  return { schemaVersion: 1 as const, label: badge.label, message: badge.message, color: badge.color, cacheSeconds };
}

/**
 * Text width in pixels at Verdana 11px, estimated per character (shields measures the font; this is close enough
 * for a box that fits): narrow punctuation and i/l/j, then f/t/r/I and spaces, wide m/w/M/W, upper case, digits,
 * the rest; wide scripts (CJK and beyond U+2E80) count double.
 */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if ("il.,:;!|'`".includes(ch) || ch === "j") width += 3.3;
    else if ("ftrI ()[]-/\\{}".includes(ch)) width += 4.6;
    else if ("mwMW@%".includes(ch)) width += 10.3;
    else if (ch >= "A" && ch <= "Z") width += 7.6;
    else if (ch >= "0" && ch <= "9") width += 7;
    else if (code < 0x80) width += 6.6;
    else if (code >= 0x2e80) width += 11;
    else width += 7.6;
  }
  return Math.ceil(width);
}

/** A flat, self-contained SVG badge: no script, no external reference, every text escaped. */
export function badgeSvg(badge: Badge): string {
  const labelWidth = textWidth(badge.label) + 10;
  const messageWidth = textWidth(badge.message) + 10;
  const width = labelWidth + messageWidth;
  const label = xmlEscape(badge.label);
  const message = xmlEscape(badge.message);
  const title = `${label}: ${message}`;
  const fill = COLORS[badge.color];
  const lx = labelWidth / 2;
  const mx = labelWidth + messageWidth / 2;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`,
    `<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#r)"><rect width="${labelWidth}" height="20" fill="#555"/><rect x="${labelWidth}" width="${messageWidth}" height="20" fill="${fill}"/><rect width="${width}" height="20" fill="url(#s)"/></g>`,
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="11">`,
    `<text x="${lx}" y="15" fill="#010101" fill-opacity=".3">${label}</text><text x="${lx}" y="14">${label}</text>`,
    `<text x="${mx}" y="15" fill="#010101" fill-opacity=".3">${message}</text><text x="${mx}" y="14">${message}</text>`,
    `</g></svg>`,
  ].join("");
}
