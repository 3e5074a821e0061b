import type * as z from "zod";
import type { ReadResult } from "./types";

/** Parses and validates stored JSON; never throws, so corrupt state degrades to "missing" with a reason. */
export function parseStored<T>(schema: z.ZodType<T>, text: string | null): ReadResult<T> {
  if (text === null) return { kind: "missing" };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { kind: "corrupt", reason: `not JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? { kind: "ok", value: parsed.data } : { kind: "corrupt", reason: parsed.error.issues[0]?.message ?? "invalid" };
}
