import type { ProbeResult } from "./types";

/**
 * How much text a probed target can put into Edgewatch's state, its pages and its notifications. Every string a
 * probe result carries comes from the target in part (a check's name, an error, an alert name, a Prometheus
 * `lastError`), so each is cut here, once, before anything stores or sends it: a hostile or broken target cannot
 * grow the state, a page or a PagerDuty event. Documented in the README ("Caps").
 */
export const TEXT_LIMITS = {
  /** The result's message (`HTTP 503 in 12 ms; check database is down`). */
  message: 300,
  /** The error's detail (method and redacted URL included; logs and the admin view only). */
  detail: 500,
  /** Any other string inside `details`: a check's value, a target's label, an alert's name. */
  text: 200,
  /** A key inside `details` that the target chose: a check's name. */
  key: 64,
  /** Entries in one object or list inside `details` (the probes keep fewer: 50 checks, 20 targets). */
  entries: 100,
} as const;

const ELLIPSIS = "…";

function cut(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - ELLIPSIS.length) + ELLIPSIS;
}

/** The value with its strings, keys and entries cut; the very same value when nothing needed cutting. */
function capValue(value: unknown, depth: number): unknown {
  if (typeof value === "string") return cut(value, TEXT_LIMITS.text);
  if (value === null || typeof value !== "object" || depth > 6) return value;
  if (Array.isArray(value)) {
    const items = value.slice(0, TEXT_LIMITS.entries).map((v) => capValue(v, depth + 1));
    return items.length === value.length && items.every((v, i) => v === value[i]) ? value : items;
  }
  const entries = Object.entries(value);
  let changed = entries.length > TEXT_LIMITS.entries;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of entries.slice(0, TEXT_LIMITS.entries)) {
    const k = cut(key, TEXT_LIMITS.key);
    const v = capValue(inner, depth + 1);
    changed ||= k !== key || v !== inner;
    out[k] = v;
  }
  return changed ? out : value;
}

/** The result with every string cut to its limit; the same object when nothing was too long (the usual case). */
export function capProbeTexts<R extends ProbeResult>(result: R): R {
  const message = cut(result.message, TEXT_LIMITS.message);
  const details = capValue(result.details, 0);
  const error = result.error && { phase: cut(result.error.phase, 40), detail: cut(result.error.detail, TEXT_LIMITS.detail) };
  const errorCut = result.error !== undefined && (error!.phase !== result.error.phase || error!.detail !== result.error.detail);
  if (message === result.message && details === result.details && !errorCut) return result;
  return { ...result, message, details, ...(error ? { error } : {}) } as R;
}
