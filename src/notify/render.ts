// Words shared by every channel: what an event is called, how severe it is, its facts, and the text tools that keep
// rendered strings escaped for their target and within each provider's limits. Pure.
import type { Severity } from "../config/schema";
import type { NotificationEvent } from "./event";

export type AlertSeverity = "critical" | "error" | "warning" | "info";

/** The guide's SEV levels in PagerDuty's (and Alertmanager's `severity` label's) words. */
const SEVERITY_OF: Record<Severity, AlertSeverity> = { "SEV-1": "critical", "SEV-2": "error", "SEV-3": "warning", "SEV-4": "info" };

const ELLIPSIS = "…";

/** Cuts to at most `max` UTF-16 code units (what Telegram counts; never less than what the others count), ending in `…`. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  const points = Array.from(text);
  let out = "";
  for (const point of points) {
    if (out.length + point.length + ELLIPSIS.length > max) break;
    out += point;
  }
  return out + ELLIPSIS;
}

/**
 * `escape(text)` within `max`: the text is cut before escaping, so an entity (`&amp;`) or an escape (`\*`) is never
 * split in half. Returns "" only when even `…` does not fit.
 */
export function fitEscaped(text: string, max: number, escapeRaw: (raw: string) => string): string {
  const whole = escapeRaw(text);
  if (whole.length <= max) return whole;
  // Escaping works character by character, so a longer prefix never escapes shorter: search for the longest that fits.
  const points = Array.from(text);
  const fits = (keep: number) => escapeRaw(points.slice(0, keep).join("")).length + ELLIPSIS.length <= max;
  if (!fits(0)) return "";
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return escapeRaw(points.slice(0, lo).join("")) + ELLIPSIS;
}

/** Slack mrkdwn: `&`, `<` and `>` are control characters (links, mentions `<!everyone>`); nothing else can be escaped. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Telegram's HTML parse mode: `&`, `<` and `>` outside tags; `"` too inside an attribute value. */
export function escapeTelegramHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
export function escapeHtmlAttribute(text: string): string {
  return escapeTelegramHtml(text).replace(/"/g, "&quot;");
}

/**
 * Discord markdown: a backslash before punctuation shows it as it is. Escaped everywhere: what formats (`*`, `_`,
 * `~`, `` ` ``, `|`), links (`[x](https://evil)`) and mentions or timestamps (`<@123>`, `<t:...>`); at a line's start,
 * what makes headings, quotes and lists. Pings are stopped by `allowed_mentions` anyway.
 */
export function escapeDiscord(text: string): string {
  return text
    .replace(/[\\`*_~|\[\]<>]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#+-])/gm, "$1\\$2")
    .replace(/^(\s*)(\d+)\./gm, "$1$2\\.");
}

/** The URL when it is a valid http(s) URL, normalised; undefined otherwise (never rendered). */
export function httpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How severe an event is: the incident's SEV level; certificates by how soon they expire; planned maintenance is
 * information; a stale monitor, a warning.
 */
export function alertSeverity(event: NotificationEvent): AlertSeverity {
  if (event.incident) return SEVERITY_OF[event.incident.severity];
  if (event.maintenance) return "info";
  if (event.slo) return event.type === "slo.fast_burn" ? "critical" : "warning";
  if (event.type === "certificate.expiring" && event.certificate) {
    const days = event.certificate.daysLeft;
    return days <= 1 ? "critical" : days <= 7 ? "error" : days <= 14 ? "warning" : "info";
  }
  return "warning";
}

function isResolved(event: NotificationEvent): boolean {
  return event.type === "incident.resolved";
}

/** `Incident opened`, `Incident escalated (level 2)`, `Certificate expiring`. */
export function headline(event: NotificationEvent): string {
  switch (event.type) {
    case "incident.opened":
      return "Incident opened";
    case "incident.updated":
      return "Incident updated";
    case "incident.resolved":
      return "Incident resolved";
    case "incident.escalated":
      return event.escalationLevel ? `Incident escalated (level ${event.escalationLevel})` : "Incident escalated";
    case "certificate.expiring":
      return "Certificate expiring";
    case "monitor.stale":
      return "Monitor stale";
    case "maintenance.started":
      return "Maintenance started";
    case "maintenance.ended":
      return "Maintenance ended";
    case "slo.fast_burn":
      return "Error budget burning fast";
    case "slo.slow_burn":
      return "Error budget burning slowly";
  }
}

function inDays(days: number): string {
  const whole = Math.floor(days);
  if (whole < 0) return "has expired";
  if (whole === 0) return "today";
  return `in ${whole} day${whole === 1 ? "" : "s"}`;
}

/** What it is about, in a line: the incident's title, or the certificate or monitor. */
export function subject(event: NotificationEvent): string {
  // One line: a title with line breaks could otherwise start a quote or a heading in chat.
  if (event.incident) return event.incident.title.replace(/\s+/g, " ").trim();
  if (event.type === "certificate.expiring" && event.certificate) {
    const c = event.certificate;
    const date = Number.isFinite(Date.parse(c.notAfter)) ? ` (${new Date(c.notAfter).toISOString().slice(0, 10)})` : "";
    return `TLS certificate of ${c.monitorId} ${c.daysLeft < 0 ? "has expired" : `expires ${inDays(c.daysLeft)}`}${date}`;
  }
  if (event.maintenance) return `Maintenance: ${event.maintenance.title.replace(/\s+/g, " ").trim()}`;
  if (event.slo) return `SLO of ${event.slo.name}: ${event.slo.objective}% over ${event.slo.window}`;
  const monitors = event.monitorIds.join(", ") || "Edgewatch";
  return event.type === "monitor.stale" ? `${monitors}: no fresh results` : monitors;
}

/** `[SEV-1] API gateway is down (opened)`: a plain line for notifications, PagerDuty's summary and Alertmanager's. */
export function summaryLine(event: NotificationEvent): string {
  const tag = event.incident
    ? isResolved(event)
      ? "RESOLVED"
      : event.incident.severity
    : event.type === "certificate.expiring"
      ? "CERTIFICATE"
      : event.maintenance
        ? "MAINTENANCE"
        : event.slo
          ? "SLO"
          : "STALE";
  return `[${tag}] ${subject(event)} (${event.reason})`;
}

/** A mark that reads at a glance in chat: red to blue by severity, green when resolved. */
export function emoji(event: NotificationEvent): string {
  if (isResolved(event)) return "✅";
  if (event.type === "certificate.expiring") return "🔒";
  if (event.type === "monitor.stale") return "⏸️";
  if (event.maintenance) return event.type === "maintenance.ended" ? "✅" : "🛠️";
  if (event.slo) return event.type === "slo.fast_burn" ? "🔥" : "📉";
  return { critical: "🔴", error: "🟠", warning: "🟡", info: "🔵" }[alertSeverity(event)];
}

/** Discord embed colours (0xRRGGBB) in the same scheme. */
export function colour(event: NotificationEvent): number {
  if (isResolved(event)) return 0x2ecc71;
  return { critical: 0xe74c3c, error: 0xe67e22, warning: 0xf1c40f, info: 0x3498db }[alertSeverity(event)];
}

/** `2026-11-28 21:01:00 UTC`: an ISO time for people; anything unparsable as it is. */
export function humanTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC` : iso;
}

/** `12 min`, `2 h 5 min`, `3 d 4 h`, `40 s`. */
export function describeDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

export interface Fact {
  name: string;
  value: string;
  /** Short enough to sit beside another (Slack fields, Discord inline fields). */
  short: boolean;
  /** An ISO time, which chat channels may show in the reader's own time zone. */
  time?: boolean;
}

/** The facts a person wants under the headline, in plain text: each channel escapes them for itself. */
export function facts(event: NotificationEvent): Fact[] {
  const out: Fact[] = [];
  const add = (name: string, value: string | null | undefined, short = true, time = false) => {
    if (value !== null && value !== undefined && value !== "") out.push({ name, value, short, ...(time ? { time } : {}) });
  };
  const incident = event.incident;
  if (incident) {
    add("Severity", `${incident.severity} (${incident.impact} impact)`);
    add("Status", incident.status === "resolved" ? "resolved" : incident.flapping ? "open, flapping" : "open");
    add("Monitors", incident.monitorIds.join(", "));
    add("Started", incident.startedAt, true, true);
    if (incident.resolvedAt) add("Resolved", incident.resolvedAt, true, true);
    if (incident.durationMs !== null) add("Duration", describeDuration(incident.durationMs));
    if (incident.acknowledgedAt)
      add("Acknowledged", `${incident.acknowledgedBy ? `by ${incident.acknowledgedBy} ` : ""}at ${incident.acknowledgedAt}`);
    if (event.escalationLevel) add("Escalation", `level ${event.escalationLevel}`);
    add("Cause", incident.cause.message, false);
  } else if (event.slo) {
    const { burnRate: b, budgetRemaining } = event.slo;
    add("Objective", `${event.slo.objective}% over ${event.slo.window}`);
    add("Burn rate", `${b.long}× over ${b.longWindow}, ${b.short}× over ${b.shortWindow} (alert at ${b.threshold}×)`);
    if (budgetRemaining !== null) add("Budget left", `${budgetRemaining}%`);
    add("Monitors", event.monitorIds.join(", "));
  } else if (event.maintenance) {
    add("Monitors", event.monitorIds.join(", "));
    add("Starts", event.maintenance.start, true, true);
    add("Ends", event.maintenance.end, true, true);
  } else if (event.certificate) {
    const c = event.certificate;
    add("Monitor", c.monitorId);
    add("Expires", c.notAfter, true, true);
    add("Days left", String(Math.floor(c.daysLeft)));
    add("Warning tier", `${c.tier} days`);
  } else {
    add("Monitors", event.monitorIds.join(", "));
  }
  if (event.group) add("Group", event.group);
  add("Why", event.reason, false);
  add("Runbook", httpUrl(event.runbook), false);
  return out;
}

/** The key that ties every message about one thing together: PagerDuty's dedup_key, Alertmanager's identity. */
export function subjectKey(event: NotificationEvent): string {
  if (event.incident) return event.incident.id;
  if (event.certificate) return `certificate:${event.certificate.monitorId}:${event.certificate.notAfter}`;
  // Started and ended share it: PagerDuty resolves, Alertmanager ends, the alert the start raised.
  if (event.maintenance) return `maintenance:${event.maintenance.id}:${event.maintenance.start}`;
  if (event.slo) return `slo:${event.slo.key}:${event.type}`;
  return `${event.type}:${event.monitorIds.join(",") || event.id}`;
}
