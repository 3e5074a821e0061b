import type * as z from "zod";

/** What reading a stored object found: its value, nothing, or something unreadable (with why). */
export type ReadResult<T> = { kind: "ok"; value: T; etag?: string } | { kind: "missing" } | { kind: "corrupt"; reason: string };

/** Stored JSON parsed, or why it could not be: missing, or corrupt with the parser's reason. Never throws. */
export function parseJson(text: string | null): { kind: "ok"; raw: unknown } | { kind: "missing" } | { kind: "corrupt"; reason: string } {
  if (text === null) return { kind: "missing" };
  try {
    return { kind: "ok", raw: JSON.parse(text) as unknown };
  } catch (error) {
    return { kind: "corrupt", reason: `not JSON: ${(error as Error).message}` };
  }
}

/** Parses and validates stored JSON; never throws, so corrupt state degrades to "missing" with a reason. */
export function parseStored<T>(schema: z.ZodType<T>, text: string | null): ReadResult<T> {
  const json = parseJson(text);
  if (json.kind !== "ok") return json;
  const raw = json.raw;
  const parsed = schema.safeParse(raw);
  return parsed.success ? { kind: "ok", value: parsed.data } : { kind: "corrupt", reason: parsed.error.issues[0]?.message ?? "invalid" };
}
