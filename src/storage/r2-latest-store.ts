import { parseLatestText } from "./latest-object";
import type { LatestStore } from "./types";

export const LATEST_KEY = "latest.json";

/** latest.json in R2: one write per tick by the coordinator, one read per uncached public request. */
export function r2LatestStore(bucket: R2Bucket): LatestStore {
  const text = async () => {
    const object = await bucket.get(LATEST_KEY);
    return object ? await object.text() : null;
  };
  return {
    async readLatest() {
      return parseLatestText(await text());
    },
    readLatestText: text,
    async writeLatest(body) {
      await bucket.put(LATEST_KEY, body, { httpMetadata: { contentType: "application/json" } });
    },
  };
}
