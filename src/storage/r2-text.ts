import type { Log } from "../core/log";

/** An object's text, or null when it is missing or could not be read (logged): a read face must never throw. */
export async function readObjectText(bucket: R2Bucket, key: string, log: Log): Promise<string | null> {
  try {
    const object = await bucket.get(key);
    return object ? await object.text() : null;
  } catch (error) {
    log("error", `R2 ${key} read failed`, { error: String(error) });
    return null;
  }
}
