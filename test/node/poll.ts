/**
 * Calls `fn` every 250 ms until it gives something other than undefined (a throw counts as not yet), for at most
 * `timeoutMs`; then fails naming what it waited for, with `context()` (what the server printed) appended.
 */
export async function poll<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 90_000,
  context: () => string = () => "",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}\n${context().slice(-4000)}`);
}
