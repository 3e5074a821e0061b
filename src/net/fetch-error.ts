/** Turns what fetch() throws into plain words. The runtime's own texts are terse and differ between local and edge. */
export function describeFetchError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/network connection lost/i.test(message)) return "connection refused or lost";
  if (/internal error/i.test(message)) return "connection failed (DNS, TLS or network error)";
  if (/too many redirects/i.test(message)) return "too many redirects";
  return `connection failed: ${message.slice(0, 160)}`;
}
