import type * as z from "zod";
import { parseStored } from "./parse-stored";
import type { ReadResult } from "./parse-stored";

/** Where history objects live. Each method throws when the bucket fails; callers decide what that means. */
export interface HistoryStore {
  /** The object's text, or null when there is none. */
  get(key: string): Promise<string | null>;
  put(key: string, text: string): Promise<void>;
  /** Deletes these keys (missing ones are fine) in as few bulk calls as the bucket allows. */
  delete(keys: readonly string[]): Promise<void>;
}

/** R2 accepts at most 1,000 keys in one delete. */
const MAX_DELETE_KEYS = 1_000;

export function r2HistoryStore(bucket: R2Bucket): HistoryStore {
  return {
    async get(key) {
      const object = await bucket.get(key);
      return object ? await object.text() : null;
    },
    async put(key, text) {
      await bucket.put(key, text, { httpMetadata: { contentType: "application/json" } });
    },
    async delete(keys) {
      for (let i = 0; i < keys.length; i += MAX_DELETE_KEYS) await bucket.delete(keys.slice(i, i + MAX_DELETE_KEYS));
    },
  };
}

/** Reads and validates one object; throws only when the store does, so a corrupt object reads as `corrupt`. */
export async function readObject<T>(store: HistoryStore, key: string, schema: z.ZodType<T>): Promise<ReadResult<T>> {
  return parseStored(schema, await store.get(key));
}
