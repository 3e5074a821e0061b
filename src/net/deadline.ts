/**
 * A time limit that several requests may share (a session of GETs, a redirect chain): one `AbortSignal.timeout`,
 * read by every request under it, and its length for the words `timeout after N ms`.
 */
export interface Deadline {
  signal: AbortSignal;
  ms: number;
}

export function deadline(ms: number): Deadline {
  return { signal: AbortSignal.timeout(ms), ms };
}
