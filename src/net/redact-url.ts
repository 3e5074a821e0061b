/** A URL fit for a log line: no user or password, no query values (tokens often travel there), no fragment. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = "";
    url.password = "";
    url.hash = "";
    for (const key of [...url.searchParams.keys()]) url.searchParams.set(key, "redacted");
    return url.toString();
  } catch {
    return "(invalid URL)";
  }
}
