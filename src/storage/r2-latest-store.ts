import { LatestSnapshot } from "./snapshot";
import { parseStored } from "./parse-stored";
import type { LatestStore, ReadResult } from "./types";

export const LATEST_KEY = "latest.json";

/** The latest tick in R2: one read and one write per tick, whatever the number of monitors. */
export function r2LatestStore(bucket: R2Bucket): LatestStore {
  return {
    async readLatest(): Promise<ReadResult<LatestSnapshot>> {
      const object = await bucket.get(LATEST_KEY);
      const result = parseStored(LatestSnapshot, object ? await object.text() : null);
      return result.kind === "ok" && object ? { ...result, etag: object.etag } : result;
    },
    async writeLatest(snapshot, options = {}) {
      const written = await bucket.put(LATEST_KEY, JSON.stringify(snapshot), {
        httpMetadata: { contentType: "application/json" },
        ...(options.ifMatch ? { onlyIf: { etagMatches: options.ifMatch } } : {}),
      });
      return written?.etag ?? null;
    },
  };
}
