import type { Config, Monitor } from "../config/schema";
import type { Incident } from "../incidents/types";
import type { LatestView } from "../storage/latest-object";
import type { StateSnapshot, StoredResult } from "../decide/snapshot";

/**
 * What a visitor may see. Probes keep everything they learn (a scrape target's instance and last error, the
 * certificate's names, where a redirect pointed) for the admin view and the logs; the public faces (`/api/status`,
 * the page, the Statuspage API, the feed, the badges, `/api/incidents`) get a copy from here, where each monitor
 * type keeps only the fields listed for it and every text of a monitor not marked `public` has its addresses hidden.
 */

const HIDDEN = "(address hidden)";

type Details = Record<string, unknown>;

/** Per monitor type, the details a visitor may see. A new type must say which, or the compiler complains. */
const PUBLIC_DETAILS: { [T in Monitor["type"]]: (details: Details, hide: (text: string) => string) => Details } = {
  http: (d, hide) =>
    pick(d, ["statusCode", "redirects", "locations", "assertionsPassed"], {
      checks: publicChecks(d.checks, hide),
      ...publicAssertions(d.assertions, hide),
    }),
  tls: (d) =>
    pick(d, [
      "source",
      "notBefore",
      "notAfter",
      "daysLeft",
      "issuer",
      "keyType",
      "protocol",
      "chainLength",
      "earliestChainExpiry",
      "trusted",
      "locations",
    ]),
  // Targets down by job only: an `instance` and a `lastError` are internal addresses.
  // Rules by group and name: their lastError quotes queries and series.
  prometheus: (d) =>
    pick(
      d,
      [
        "ready",
        "targetsTotal",
        "targetsDownTotal",
        "alertsFiring",
        "alertsFiringTotal",
        "queries",
        "rulesTotal",
        "rulesUnhealthyTotal",
        "locations",
      ],
      {
        targetsDown: Array.isArray(d.targetsDown)
          ? d.targetsDown.map((t: { job?: unknown }) => ({ job: typeof t?.job === "string" ? t.job : "?" }))
          : [],
        ...(Array.isArray(d.rulesUnhealthy)
          ? { rulesUnhealthy: d.rulesUnhealthy.map((r: Details) => ({ group: r?.group, rule: r?.rule, health: r?.health })) }
          : {}),
      },
    ),
  alertmanager: (d) => pick(d, ["clusterStatus", "alertsFiring", "alertsFiringTotal", "alertsBySeverity", "watchdogSeen", "locations"]),
  // Not the answer itself: a banner names software and versions (`SSH-2.0-OpenSSH_9.6p1 Ubuntu`).
  tcp: (d) => pick(d, ["tls", "connectMs", "answerMatched", "locations"]),
  push: (d, hide) =>
    pick(d, ["lastBeatAt", "ageSeconds", "reportedStatus", "periodMinutes", "graceMinutes", "locations"], {
      checks: publicChecks(d.checks, hide),
    }),
  // Counts, not values: a record of a name not marked public can be an internal address.
  dns: (d) => ({
    ...pick(d, ["recordType", "rcode", "ttl", "locations"]),
    recordCount: Array.isArray(d.records) ? d.records.length : 0,
    missingCount: Array.isArray(d.missing) ? d.missing.length : 0,
    unexpectedCount: Array.isArray(d.unexpected) ? d.unexpected.length : 0,
  }),
};

function pick(details: Details, keys: readonly string[], extra: Details = {}): Details {
  const out: Details = {};
  for (const key of keys) if (key in details) out[key] = details[key];
  return { ...out, ...extra };
}

function publicChecks(checks: unknown, hide: (text: string) => string): unknown {
  if (!checks || typeof checks !== "object") return checks ?? null;
  const out: Record<string, unknown> = {};
  for (const [name, report] of Object.entries(checks as Record<string, { state?: unknown; value?: unknown }>)) {
    out[hide(name)] = { state: report?.state, value: typeof report?.value === "string" ? hide(report.value) : report?.value };
  }
  return out;
}

/** Failing assertions keep what was seen (that is their point), with the addresses in it hidden like any text. */
function publicAssertions(assertions: unknown, hide: (text: string) => string): Details {
  if (!Array.isArray(assertions)) return {};
  const text = (v: unknown) => (typeof v === "string" ? hide(v) : v);
  return { assertions: assertions.map((a: Details) => ({ ...a, seen: text(a?.seen), value: text(a?.value), why: text(a?.why) })) };
}

const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]+/gi;
const IPV4_PATTERN = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g;
const IPV6_PATTERN = /\[[0-9a-f:.]+\](?::\d{1,5})?/gi;
/** `name:port`, the name holding a letter (so a time such as 23:30 stays). */
const HOST_PORT_PATTERN = /\b(?=[a-z0-9.-]*[a-z])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*:\d{2,5}\b/gi;
const INTERNAL_NAME_PATTERN = /\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:internal|local|localdomain|lan|corp|intranet|svc|home\.arpa)\b/gi;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The host names of the monitors not marked public: never shown, wherever a text mentions them. */
function privateHosts(config: Config): string[] {
  const hosts = new Set<string>();
  for (const monitor of config.monitors) {
    if (monitor.public) continue;
    const fields = monitor as { url?: unknown; host?: unknown; servername?: unknown };
    for (const value of [fields.host, fields.servername]) if (typeof value === "string") hosts.add(value.toLowerCase());
    if (typeof fields.url === "string") {
      try {
        hosts.add(new URL(fields.url).hostname.toLowerCase());
      } catch {
        // an invalid URL never passed the config's validation
      }
    }
  }
  return [...hosts].filter((h) => h.length > 0).sort((a, b) => b.length - a.length);
}

/** Replaces URLs, IP addresses, `host:port`, internal-looking names and the private monitors' hosts in a text. */
function addressHider(config: Config): (text: string) => string {
  const hosts = privateHosts(config);
  const hostPattern = hosts.length ? new RegExp(`(?<![a-z0-9.-])(?:${hosts.map(escapeRegExp).join("|")})(?![a-z0-9-])`, "gi") : null;
  return (text) => {
    let out = text
      .replace(URL_PATTERN, HIDDEN)
      .replace(IPV6_PATTERN, HIDDEN)
      .replace(IPV4_PATTERN, HIDDEN)
      .replace(HOST_PORT_PATTERN, HIDDEN);
    if (hostPattern) out = out.replace(hostPattern, HIDDEN);
    return out.replace(INTERNAL_NAME_PATTERN, HIDDEN);
  };
}

/** The public copy of one stored result: its type's public details and a message without addresses. */
function publicResult<R extends Pick<StoredResult, "message" | "details">>(
  monitor: Monitor | undefined,
  result: R,
  hide: (text: string) => string,
): R {
  if (monitor?.public) return result;
  const type = monitor?.type;
  const details = type ? PUBLIC_DETAILS[type](result.details, hide) : {};
  if (Array.isArray(details.locations)) {
    details.locations = details.locations.map((l: Details) => (typeof l?.message === "string" ? { ...l, message: hide(l.message) } : l));
  }
  return { ...result, message: hide(result.message), details };
}

/** An incident as a visitor sees it: texts without addresses, unless every monitor it is about is public. */
export function publicIncident(config: Config, incident: Incident, hide = addressHider(config)): Incident {
  const isPublic = new Map(config.monitors.map((m) => [m.id, m.public]));
  if (incident.monitorIds.length > 0 && incident.monitorIds.every((id) => isPublic.get(id) === true)) return incident;
  // A runbook is often an internal address: a visitor sees it only with a public incident.
  const { runbook: _runbook, ...shown } = incident;
  return {
    ...shown,
    title: hide(incident.title),
    cause: { ...incident.cause, message: hide(incident.cause.message) },
    updates: incident.updates.map((u) => ({ ...u, message: hide(u.message) })),
  };
}

/** The latest tick as the public faces may show it; the tick's own bookkeeping (delivery, tracks) is left as is. */
export function publicSnapshot(config: Config, latest: LatestView): LatestView {
  const hide = addressHider(config);
  const byId = new Map(config.monitors.map((m) => [m.id, m]));
  const monitors: LatestView["monitors"] = {};
  for (const [id, result] of Object.entries(latest.monitors)) monitors[id] = publicResult(byId.get(id), result, hide);
  return { ...latest, monitors, incidents: latest.incidents.map((i) => publicIncident(config, i, hide)) };
}

/** The KV copy as the public faces may show it. */
export function publicState(config: Config, state: StateSnapshot): StateSnapshot {
  const hide = addressHider(config);
  const isPublic = new Map(config.monitors.map((m) => [m.id, m.public]));
  const monitors: StateSnapshot["monitors"] = {};
  for (const [id, m] of Object.entries(state.monitors)) monitors[id] = isPublic.get(id) ? m : { ...m, message: hide(m.message) };
  return { ...state, monitors, incidents: state.incidents.map((i) => publicIncident(config, i, hide)) };
}
