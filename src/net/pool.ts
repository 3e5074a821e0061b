/** Workers allow six simultaneous outbound connections per invocation. */
export const MAX_CONCURRENT_PROBES = 6;

/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping input order in the output.
 * Workers allow about six simultaneous outbound connections per invocation; more only queue inside the runtime,
 * where their timeouts would run while they wait.
 */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
