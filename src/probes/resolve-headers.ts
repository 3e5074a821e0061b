import type { HeaderValue } from "../config/schema";

export type ResolvedHeaders = { ok: true; value: Headers } | { ok: false; message: string };

/** Builds request headers, taking `{ "secret": NAME }` values from Worker secrets. Names a missing secret, never a value. */
export function resolveHeaders(
  spec: Record<string, HeaderValue> | undefined,
  secret: (name: string) => string | undefined,
): ResolvedHeaders {
  const headers = new Headers();
  for (const [name, value] of Object.entries(spec ?? {})) {
    if (typeof value === "string") {
      headers.set(name, value);
      continue;
    }
    const resolved = secret(value.secret);
    if (resolved === undefined || resolved === "") return { ok: false, message: `secret ${value.secret} is not set` };
    headers.set(name, resolved);
  }
  return { ok: true, value: headers };
}
