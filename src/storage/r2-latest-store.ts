import { LatestSnapshot } from "./snapshot";
import { parseStored } from "./parse-stored";
import type { LatestStore, ReadResult } from "./types";

export const LATEST_KEY = "latest.json";

/** The latest tick in R2: one read and one write per tick, whatever the number of monitors. */
export function r2LatestStore(bucket: R2Bucket): LatestStore {
  return {
    async readLatest(): Promise<ReadResult<LatestSnapshot>> {
      const object = await bucket.get(LATEST_KEY);
      return parseStored(LatestSnapshot, object ? await object.text() : null);
    },
    async writeLatest(snapshot) {
      await bucket.put(LATEST_KEY, JSON.stringify(snapshot), { httpMetadata: { contentType: "application/json" } });
    },
  };
}
