import type { Incident } from "../incidents/types";
import type { StatusView } from "./status-view";
import { htmlEscape, xmlEscape } from "./xml-escape";

/**
 * The incidents as an Atom 1.0 feed (RFC 4287): one entry per incident, as Statuspage's own feeds do, updated with
 * each of its updates (the entry's `updated` moves, its content lists every update, newest first). The open and the
 * recently resolved incidents of the status view (7 days). Pure.
 *
 * Everything from outside (titles, messages, names) is escaped: text elements once for XML; the HTML content is
 * escaped for HTML and then, as a whole, for XML, so `<script>` or `]]>` in a message arrive as text. No CDATA.
 */

export const ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8";

const STATUS_WORD: Record<string, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  update: "Update",
  resolved: "Resolved",
};

/** `tag:status.example.com,2026-11-28:incident/api-gateway-20261128T210100Z`: permanent, whatever the feed's URL. */
export function entryId(hostname: string, incident: Incident): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(incident.startedAt)?.[0] ?? "2026-01-01";
  return `tag:${hostname},${day}:incident/${incident.id}`;
}

const readable = (iso: string) => iso.replace("T", " ").replace(/:\d{2}(\.\d+)?Z$/, " UTC");

function entry(incident: Incident, origin: string, hostname: string): string {
  const updates = [...incident.updates].reverse();
  const updated = incident.updates.at(-1)?.at ?? incident.resolvedAt ?? incident.startedAt;
  // When the incident began, not when its first update was written (the same minute, or later for a late import).
  const published = incident.startedAt;
  const link = `${origin}/incidents/${encodeURIComponent(incident.id)}`;
  const state =
    incident.status === "resolved" ? "Resolved" : (STATUS_WORD[incident.updates.at(-1)?.status ?? "investigating"] ?? "Investigating");
  const html = [
    `<p>Impact: ${htmlEscape(incident.impact)} (${htmlEscape(incident.severity)}). Started ${htmlEscape(readable(incident.startedAt))}${incident.resolvedAt ? `, resolved ${htmlEscape(readable(incident.resolvedAt))}` : ""}.</p>`,
    ...updates.map(
      (u) =>
        `<p><small>${htmlEscape(readable(u.at))}</small><br><strong>${htmlEscape(STATUS_WORD[u.status] ?? u.status)}</strong> - ${htmlEscape(u.message)}</p>`,
    ),
  ].join("");
  const summary = `${state}: ${incident.updates.at(-1)?.message ?? incident.cause.message}`;
  return [
    `<entry>`,
    `<id>${xmlEscape(entryId(hostname, incident))}</id>`,
    `<title type="text">${xmlEscape(incident.title)}</title>`,
    `<updated>${xmlEscape(updated)}</updated>`,
    `<published>${xmlEscape(published)}</published>`,
    `<link rel="alternate" type="text/html" href="${xmlEscape(link)}"/>`,
    `<category term="${xmlEscape(incident.impact)}"/>`,
    `<category term="${xmlEscape(incident.severity)}"/>`,
    `<summary type="text">${xmlEscape(summary)}</summary>`,
    `<content type="html">${xmlEscape(html)}</content>`,
    `</entry>`,
  ].join("\n");
}

export function atomFeed(view: StatusView, origin: string, nowMs: number): string {
  const { hostname } = new URL(origin);
  const incidents = [...view.incidents].sort(
    (a, b) => Date.parse(b.updates.at(-1)?.at ?? b.startedAt) - Date.parse(a.updates.at(-1)?.at ?? a.startedAt),
  );
  const times = incidents.map((i) => Date.parse(i.updates.at(-1)?.at ?? i.resolvedAt ?? i.startedAt)).filter(Number.isFinite);
  const lastTick = view.updatedAt ? Date.parse(view.updatedAt) : NaN;
  // The feed changes when an entry does; without entries, its time is the last tick's (or now, before any).
  const updated = new Date(times.length ? Math.max(...times) : Number.isFinite(lastTick) ? lastTick : nowMs).toISOString();
  const self = `${origin}/feed.atom`;
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<feed xmlns="http://www.w3.org/2005/Atom">`,
    `<id>${xmlEscape(self)}</id>`,
    `<title type="text">${xmlEscape(`${view.title}: incidents`)}</title>`,
    `<subtitle type="text">${xmlEscape(`Incidents of ${view.title}, opened and resolved by Edgewatch`)}</subtitle>`,
    `<updated>${updated}</updated>`,
    `<link rel="self" type="application/atom+xml" href="${xmlEscape(self)}"/>`,
    `<link rel="alternate" type="text/html" href="${xmlEscape(`${origin}/`)}"/>`,
    `<author><name>${xmlEscape(view.title)}</name></author>`,
    `<generator>Edgewatch</generator>`,
    ...incidents.map((i) => entry(i, origin, hostname)),
    `</feed>`,
    ``,
  ].join("\n");
}
