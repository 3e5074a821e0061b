import { reset } from "cloudflare:test";

/**
 * Wipes every binding (R2, KV, Durable Object storage) between tests. A log line the coordinator object wrote just
 * before a test ended can still be on its way to the test runner; resetting while it is in flight hangs the pool,
 * so this lets it land first.
 */
export async function resetBindings(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  await reset();
}
