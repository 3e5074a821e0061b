import type { Context } from "hono";
import type * as z from "zod";

/** 400 naming the first bad query parameter: `{ "error": "limit: Too big: expected number to be <=100", "parameter": "limit" }`. */
export function parameterError(c: Context, error: z.ZodError) {
  const issue = error.issues[0];
  const parameter = issue?.path.length ? String(issue.path[0]) : ((issue as { keys?: string[] } | undefined)?.keys?.[0] ?? "query");
  return c.json({ error: `${parameter}: ${issue?.message ?? "invalid"}`, parameter }, 400);
}
