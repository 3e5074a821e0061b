import type { HeaderValue } from "../config/schema";

/** `value` carries every header; `secretNames` the lower-case names whose values came from Worker secrets. */
export type ResolvedHeaders = { ok: true; value: Headers; secretNames: string[] } | { ok: false; message: string };

/** Builds request headers, taking `{ "secret": NAME }` values from Worker secrets. Names a missing secret, never a value. */
export function resolveHeaders(
  spec: Record<string, HeaderValue> | undefined,
  secret: (name: string) => string | undefined,
): ResolvedHeaders {
  const headers = new Headers();
  const secretNames: string[] = [];
  for (const [name, value] of Object.entries(spec ?? {})) {
    if (typeof value === "string") {
      headers.set(name, value);
      continue;
    }
    const resolved = secret(value.secret);
    if (resolved === undefined || resolved === "") return { ok: false, message: `secret ${value.secret} is not set` };
    headers.set(name, resolved);
    secretNames.push(name.toLowerCase());
  }
  return { ok: true, value: headers, secretNames };
}

/** Headers that are credentials whatever their source: never sent to an origin the config did not name. */
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "cookie"];

/** The headers fit for another origin than the configured one: without secrets and credentials. */
export function crossOriginHeaders(headers: Headers, secretNames: readonly string[]): Headers {
  const out = new Headers(headers);
  for (const name of [...secretNames, ...CREDENTIAL_HEADERS]) out.delete(name);
  return out;
}
