import * as z from "zod";

/** Longest `matches` pattern: long enough for a version or an id format, short enough to read at a glance. */
const MAX_PATTERN = 200;
/** Unbounded quantifiers (`*`, `+`, `{n,}`) one pattern may hold: each one multiplies what a backtracking match may try. */
const MAX_UNBOUNDED = 3;

/**
 * Why a `matches` pattern could make the tick hang (catastrophic backtracking), or null when it is fine. JavaScript's
 * engine backtracks, and a pattern such as `(a+)+$` takes exponential time on a long enough answer; nothing can stop a
 * regular expression once it runs. So what makes the blow-ups is refused: a quantified group that holds a quantifier or
 * an alternation (`(a+)+`, `(a|aa)*`), backreferences and lookarounds, and more than three unbounded quantifiers.
 * With the probe testing at most 256 characters, what is left is polynomial and small.
 */
export function regexProblem(pattern: string): string | null {
  try {
    new RegExp(pattern);
  } catch (error) {
    return `not a valid regular expression: ${(error as Error).message}`;
  }
  if (/\\[1-9]|\\k</.test(pattern)) return "backreferences are not allowed";
  if (/\(\?<?[=!]/.test(pattern)) return "lookarounds are not allowed";
  // Classes and escapes cannot nest or quantify anything: leave them out before looking at groups.
  const plain = pattern.replace(/\\./g, "e").replace(/\[(?:[^\]\\]|\\.)*\]/g, "c");
  const unbounded = (plain.match(/[*+]|\{\d+,\}/g) ?? []).length;
  if (unbounded > MAX_UNBOUNDED) return `at most ${MAX_UNBOUNDED} unbounded quantifiers (*, +, {n,})`;
  const stack: number[] = [];
  for (let i = 0; i < plain.length; i++) {
    if (plain[i] === "(") stack.push(i);
    else if (plain[i] === ")") {
      const start = stack.pop() ?? 0;
      const body = plain.slice(start + 1, i).replace(/^\?(?::|<[^>]*>)/, "");
      // `?` repeats nothing: `(a+)?` is linear. `{n}` does repeat: `(a+){10}` is not.
      const quantified = /^[*+{]/.test(plain.slice(i + 1));
      if (quantified && /[*+?|]|\{\d+,\d*\}/.test(body))
        return "a repeated group must not hold a quantifier or an alternation (catastrophic backtracking)";
    }
  }
  return null;
}

/** RFC 6901: empty (the whole document) or `/`-separated tokens, `~0` for `~` and `~1` for `/`. */
const JsonPointer = z.string().regex(/^(\/([^~/]|~[01])*)*$/, 'must be a JSON Pointer such as "/checks/queue_depth"');

const Op = z.enum(["==", "!=", "<", "<=", ">", ">=", "contains", "matches", "exists", "notExists"]);

/**
 * A check on any field of an http answer: a JSON Pointer into its body (`path`) or a response header (`header`),
 * an operator and a value; a failing one makes the monitor `severity`.
 */
export const Assertion = z
  .strictObject({
    path: JsonPointer.optional(),
    header: z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be a header name")
      .optional(),
    op: Op,
    value: z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]).optional(),
    severity: z.enum(["degraded", "down"]).default("down"),
  })
  .superRefine((a, ctx) => {
    if ((a.path === undefined) === (a.header === undefined))
      ctx.addIssue({ code: "custom", path: ["path"], message: "give either path (a JSON Pointer into the body) or header" });
    const needsValue = a.op !== "exists" && a.op !== "notExists";
    if (needsValue !== (a.value !== undefined))
      ctx.addIssue({ code: "custom", path: ["value"], message: needsValue ? `op "${a.op}" needs a value` : `op "${a.op}" takes no value` });
    if (["<", "<=", ">", ">="].includes(a.op) && a.value !== undefined && typeof a.value !== "number")
      ctx.addIssue({ code: "custom", path: ["value"], message: `op "${a.op}" compares numbers: value must be a number` });
    if (a.op === "matches") {
      if (typeof a.value !== "string" || a.value.length > MAX_PATTERN)
        ctx.addIssue({ code: "custom", path: ["value"], message: `must be a regular expression of at most ${MAX_PATTERN} characters` });
      else {
        const problem = regexProblem(a.value);
        if (problem) ctx.addIssue({ code: "custom", path: ["value"], message: problem });
      }
    }
  });
export type Assertion = z.infer<typeof Assertion>;
