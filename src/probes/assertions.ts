import type { Assertion } from "../config/assertion";
import type { ProbeStatus } from "../core/vocabulary";

/** A failing assertion as details report it: what was checked, and what was seen. */
export interface AssertionReport {
  /** `/checks/queue_depth` or `header x-ratelimit-remaining`. */
  target: string;
  op: Assertion["op"];
  value: Assertion["value"] | null;
  severity: "degraded" | "down";
  /** Whether the field was there at all. */
  found: boolean;
  /** The field's value (a JSON value; objects and lists as JSON text), null when not found. */
  seen: string | number | boolean | null;
  /** Why it could not be read, when that is the reason (`invalid JSON body`). */
  why?: string;
}

export interface AssertionOutcome {
  /** The worst severity among the failures, or up. */
  status: ProbeStatus;
  failed: AssertionReport[];
  passed: number;
  /** Words for the message: the first failure, and how many more there are. */
  note: string | null;
}

/** The body as the assertions read it: its JSON, or why there is none. */
export type BodyJson = { ok: true; value: unknown } | { ok: false; why: string };

/** Characters of a value tested with `matches`: bounds the work of any pattern the config allowed. */
const MATCH_INPUT_CHARS = 256;
/** Characters of a seen value kept in details. */
const SEEN_CHARS = 200;

/** RFC 6901: the value at `pointer` in `doc`, or `undefined` when there is none. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (pointer === "") return doc;
  let node = doc;
  for (const raw of pointer.slice(1).split("/")) {
    const token = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (node !== null && typeof node === "object" && Object.hasOwn(node, token)) {
      node = (node as Record<string, unknown>)[token];
    } else return undefined;
  }
  return node;
}

/** Evaluates every assertion against the answer; the first failure (in config order) names the message. */
export function evaluateAssertions(assertions: readonly Assertion[], headers: Headers, body: BodyJson): AssertionOutcome {
  const failed: AssertionReport[] = [];
  for (const a of assertions) {
    const report = check(a, headers, body);
    if (report) failed.push(report);
  }
  const status = failed.some((f) => f.severity === "down") ? "down" : failed.length ? "degraded" : "up";
  const first = failed[0];
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more assertion${failed.length > 2 ? "s" : ""} failing)` : "";
  return { status, failed, passed: assertions.length - failed.length, note: first ? `${describe(first)}${more}` : null };
}

/** The failure report of one assertion, or null when it holds. */
function check(a: Assertion, headers: Headers, body: BodyJson): AssertionReport | null {
  const target = a.header !== undefined ? `header ${a.header.toLowerCase()}` : a.path || "(body)";
  const base = { target, op: a.op, value: a.value ?? null, severity: a.severity };
  let seen: unknown;
  if (a.header !== undefined) seen = headers.get(a.header) ?? undefined;
  else if (!body.ok) return holds(a.op, undefined, a.value) ? null : { ...base, found: false, seen: null, why: body.why };
  else seen = resolvePointer(body.value, a.path ?? "");
  if (holds(a.op, seen, a.value)) return null;
  return { ...base, found: seen !== undefined, seen: seen === undefined ? null : shown(seen) };
}

/** A header is text: `"42"` compares with 42, `"true"` with true. JSON values compare as they are. */
function coerce(seen: unknown, expected: unknown): unknown {
  if (typeof seen !== "string") return seen;
  if (typeof expected === "number" && seen.trim() !== "" && Number.isFinite(Number(seen))) return Number(seen);
  if (typeof expected === "boolean" && (seen === "true" || seen === "false")) return seen === "true";
  return seen;
}

function holds(op: Assertion["op"], raw: unknown, expected: Assertion["value"]): boolean {
  if (op === "exists") return raw !== undefined;
  if (op === "notExists") return raw === undefined;
  if (raw === undefined) return false;
  const seen = coerce(raw, expected);
  switch (op) {
    case "==":
      return seen === expected;
    case "!=":
      return seen !== expected;
    case "<":
    case "<=":
    case ">":
    case ">=":
      return typeof seen === "number" && typeof expected === "number" && compareNumbers(op, seen, expected);
    case "contains":
      if (typeof seen === "string") return seen.includes(String(expected));
      return Array.isArray(seen) && seen.some((item) => item === expected || (typeof item === "string" && item === String(expected)));
    case "matches":
      return (typeof seen === "string" || typeof seen === "number") && testPattern(String(expected), String(seen));
  }
}

function compareNumbers(op: "<" | "<=" | ">" | ">=", a: number, b: number): boolean {
  return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
}

/** The config refused patterns that backtrack without end (config/assertion.ts); the input is capped here as well. */
function testPattern(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text.slice(0, MATCH_INPUT_CHARS));
  } catch {
    return false;
  }
}

function shown(value: unknown): string | number | boolean | null {
  if (value === null || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "string") return value.slice(0, SEEN_CHARS);
  return JSON.stringify(value).slice(0, SEEN_CHARS);
}

/** `/checks/queue_depth is 250, expected < 100`; `header x-ratelimit-remaining is missing, expected > 10`. */
function describe(f: AssertionReport): string {
  const seen = f.why ? `unreadable (${f.why})` : f.found ? `is ${JSON.stringify(f.seen)?.slice(0, 60)}` : "is missing";
  if (f.op === "exists") return `${f.target} ${seen}, expected to exist`;
  if (f.op === "notExists") return `${f.target} ${seen}, expected not to exist`;
  return `${f.target} ${seen}, expected ${f.op} ${JSON.stringify(f.value)}`;
}
