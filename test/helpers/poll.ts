// Runs inside workerd: waits for a real server to reach a state, by polling with a deadline instead of sleeping.

/**
 * Calls `read` every `intervalMs` until `done(value)` or the deadline; returns the last value either way, so the
 * test's own assertions say what was found when the state never came.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { deadlineMs = 15_000, intervalMs = 200 } = {},
): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() >= until) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
