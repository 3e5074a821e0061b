import { env } from "cloudflare:test";

export interface OpCounts {
  r2ClassA: number; // put, list, multipart (what R2 bills as Class A)
  r2ClassB: number; // get, head
  r2Deletes: number; // free
  kvReads: number;
  kvWrites: number;
  kvLists: number;
}

const R2_CLASS_A = new Set(["put", "list", "createMultipartUpload", "resumeMultipartUpload"]);
const R2_CLASS_B = new Set(["get", "head"]);

/** The test's real R2 bucket and KV namespace behind proxies that count each billed operation. */
export function countingBindings() {
  const counts: OpCounts = { r2ClassA: 0, r2ClassB: 0, r2Deletes: 0, kvReads: 0, kvWrites: 0, kvLists: 0 };
  const bucket = new Proxy(env.HISTORY, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const name = String(prop);
        if (R2_CLASS_A.has(name)) counts.r2ClassA++;
        else if (R2_CLASS_B.has(name)) counts.r2ClassB++;
        else if (name === "delete") counts.r2Deletes++;
        return value.apply(target, args);
      };
    },
  });
  const kv = new Proxy(env.STATE, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const name = String(prop);
        if (name === "get" || name === "getWithMetadata") counts.kvReads++;
        else if (name === "put" || name === "delete") counts.kvWrites++;
        else if (name === "list") counts.kvLists++;
        return value.apply(target, args);
      };
    },
  });
  return { counts, bucket: bucket as R2Bucket, kv: kv as KVNamespace };
}
