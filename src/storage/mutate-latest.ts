import type { LatestSnapshot } from "./snapshot";
import type { LatestStore } from "./types";

export type Mutation<T> = { ok: true; snapshot: LatestSnapshot; value: T } | { ok: false; status: number; error: string };

const ATTEMPTS = 4;

/**
 * Read, change, write back only if nobody wrote in between (the tick or another admin request), else start over.
 * This is how requests change the state the tick owns without losing either side's change.
 */
export async function mutateLatest<T>(store: LatestStore, change: (snapshot: LatestSnapshot) => Mutation<T>): Promise<Mutation<T>> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await store.readLatest();
    if (current.kind !== "ok") return { ok: false, status: 503, error: current.kind === "missing" ? "no state yet: wait for the first tick" : "stored state is unreadable; the next tick rewrites it" };
    const result = change(current.value);
    if (!result.ok) return result;
    const written = await store.writeLatest(result.snapshot, current.etag ? { ifMatch: current.etag } : {});
    if (written !== null) return result;
  }
  return { ok: false, status: 409, error: "the state kept changing under this request; try again" };
}
