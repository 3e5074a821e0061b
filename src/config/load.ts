import type * as z from "zod";
import { dependencyProblems } from "./dependencies";
import { Config } from "./schema";

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** `monitors[2].url`, the way a user finds the field in their file. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || "(root)";
}

/**
 * The issues of the one branch of a union that came closest, with the union's path before theirs: the branch with
 * the fewest issues, when it has strictly fewer than any other and got the type right (a plain list of escalation
 * levels and a list of policies differ only inside). Otherwise the union's own "Invalid input".
 */
function closestBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] | null {
  if (issue.code !== "invalid_union" || !issue.errors?.length) return null;
  const ranked = [...issue.errors].sort((a, b) => a.length - b.length);
  const best = ranked[0]!;
  if (best.length === 0 || (ranked[1] && ranked[1].length === best.length)) return null;
  if (best.some((i) => i.path.length === 0 && i.code === "invalid_type")) return null;
  return best.map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    const branch = closestBranch(issue);
    return branch ? formatIssues(branch) : [`${formatPath(issue.path)}: ${issue.message}`];
  });
}

/** Ids used twice, read from the raw input so they are reported even when other fields are wrong too. */
function duplicateIds(raw: unknown): string[] {
  const monitors = (raw as { monitors?: unknown } | null)?.monitors;
  if (!Array.isArray(monitors)) return [];
  const seen = new Map<string, number>();
  const errors: string[] = [];
  monitors.forEach((monitor, index) => {
    const id = (monitor as { id?: unknown } | null)?.id;
    if (typeof id !== "string") return;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, index);
    else errors.push(`monitors[${index}].id: duplicate id "${id}" (also monitors[${first}].id)`);
  });
  return errors;
}

/** Maintenance windows that name monitors or groups the config does not have. */
function unknownReferences(raw: unknown): string[] {
  const config = raw as { monitors?: unknown; maintenance?: unknown } | null;
  if (!Array.isArray(config?.monitors) || !Array.isArray(config?.maintenance)) return [];
  const ids = new Set(config.monitors.map((m) => (m as { id?: unknown } | null)?.id));
  const groups = new Set(config.monitors.map((m) => (m as { group?: unknown } | null)?.group));
  const errors: string[] = [];
  config.maintenance.forEach((w, i) => {
    const window = w as { monitors?: unknown; groups?: unknown } | null;
    if (Array.isArray(window?.monitors))
      window.monitors.forEach(
        (id, j) => !ids.has(id) && errors.push(`maintenance[${i}].monitors[${j}]: unknown monitor ${JSON.stringify(id)}`),
      );
    if (Array.isArray(window?.groups))
      window.groups.forEach((g, j) => !groups.has(g) && errors.push(`maintenance[${i}].groups[${j}]: unknown group ${JSON.stringify(g)}`));
  });
  return errors;
}

/** Routes and escalation levels that name channels, monitors or groups the config does not have. */
function unknownNotificationReferences(raw: unknown): string[] {
  const config = raw as { monitors?: unknown; notifications?: { channels?: unknown; routes?: unknown; escalation?: unknown } } | null;
  const n = config?.notifications;
  if (!n || typeof n !== "object") return [];
  const channels = new Set(Array.isArray(n.channels) ? n.channels.map((c) => (c as { id?: unknown } | null)?.id) : []);
  const monitors = Array.isArray(config?.monitors) ? config.monitors : [];
  const ids = new Set(monitors.map((m) => (m as { id?: unknown } | null)?.id));
  const groups = new Set(monitors.map((m) => (m as { group?: unknown } | null)?.group));
  const errors: string[] = [];
  const check = (list: unknown, known: Set<unknown>, path: string, what: string) => {
    if (Array.isArray(list)) list.forEach((v, j) => !known.has(v) && errors.push(`${path}[${j}]: unknown ${what} ${JSON.stringify(v)}`));
  };
  (Array.isArray(n.routes) ? n.routes : []).forEach((r, i) => {
    const route = r as { channels?: unknown; monitors?: unknown; groups?: unknown } | null;
    check(route?.channels, channels, `notifications.routes[${i}].channels`, "channel");
    check(route?.monitors, ids, `notifications.routes[${i}].monitors`, "monitor");
    check(route?.groups, groups, `notifications.routes[${i}].groups`, "group");
  });
  (Array.isArray(n.escalation) ? n.escalation : []).forEach((entry, i) => {
    // A policy's levels, or (the older form) a level itself.
    const { levels, channels: own } = (entry ?? {}) as { levels?: unknown; channels?: unknown };
    if (!Array.isArray(levels)) return check(own, channels, `notifications.escalation[${i}].channels`, "channel");
    levels.forEach((l, j) =>
      check((l as { channels?: unknown } | null)?.channels, channels, `notifications.escalation[${i}].levels[${j}].channels`, "channel"),
    );
  });
  return errors;
}

/** A quorum needs locations to count, and no more of them than the monitor lists. */
function impossibleQuorums(raw: unknown): string[] {
  const monitors = (raw as { monitors?: unknown } | null)?.monitors;
  if (!Array.isArray(monitors)) return [];
  return monitors.flatMap((m, i) => {
    const { quorum, locations } = (m ?? {}) as { quorum?: unknown; locations?: unknown };
    if (typeof quorum !== "number") return [];
    const count = Array.isArray(locations) ? locations.length : 0;
    if (count === 0) return [`monitors[${i}].quorum: needs locations to count (list at least ${quorum} in monitors[${i}].locations)`];
    return quorum > count ? [`monitors[${i}].quorum: ${quorum} is more than the ${count} location${count === 1 ? "" : "s"} listed`] : [];
  });
}

/** Validates a parsed config object and reports every problem; never throws. */
export function parseConfig(raw: unknown): ConfigResult {
  const result = Config.safeParse(raw);
  const errors = [
    ...(result.success ? [] : formatIssues(result.error.issues)),
    ...duplicateIds(raw),
    ...unknownReferences(raw),
    ...unknownNotificationReferences(raw),
    ...impossibleQuorums(raw),
    ...dependencyProblems(raw),
  ];
  return result.success && errors.length === 0 ? { ok: true, config: result.data } : { ok: false, errors };
}

/** Validates config text (JSON); never throws. */
export function parseConfigText(text: string): ConfigResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`(root): not valid JSON: ${(error as Error).message}`] };
  }
  return parseConfig(raw);
}
