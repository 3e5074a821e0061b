// Inside workerd, whose clock cannot be faked: for a file that builds its data around the current hour and day, then
// asks the Worker, which reads the clock again itself.

const HOUR_MS = 3_600_000;

/**
 * The real clock, read once at least `marginMs` of the current UTC hour is left (the rest of the hour waited out
 * otherwise): a file that takes less than the margin sees neither the hour nor the day turn between its data and
 * the Worker's reading of the clock.
 */
export async function clockClearOfHourEnd(marginMs = 60_000): Promise<number> {
  const left = HOUR_MS - (Date.now() % HOUR_MS);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 1_000));
  return Date.now();
}
