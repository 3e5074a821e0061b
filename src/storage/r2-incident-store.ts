import { startOfIncidentId } from "../incidents/incident-id";
import { Incident } from "../incidents/types";
import { parseStored } from "./parse-stored";
import type { IncidentStore } from "./types";

const PREFIX = "incidents/";
const LATEST_POSSIBLE = 9_999_999_999_999;
const MAX_LIST_PAGES = 5;

const encodeCursor = (key: string) => btoa(key).replace(/=+$/, "");
export function decodeCursor(cursor: string): string | undefined {
  try {
    const key = atob(cursor);
    return key.startsWith(PREFIX) ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Keys sort newest first (R2 lists in key order): the start time counted down, then the id. */
export function incidentKey(id: string): string | null {
  const start = startOfIncidentId(id);
  if (start === null) return null;
  return `${PREFIX}${String(LATEST_POSSIBLE - start).padStart(13, "0")}-${id}.json`;
}

/** One object per incident, rewritten when it changes: writes are bounded by incident changes, not by ticks. */
export function r2IncidentStore(bucket: R2Bucket): IncidentStore {
  return {
    async putIncident(incident) {
      const key = incidentKey(incident.id);
      if (!key) throw new Error(`cannot store incident with id ${incident.id}`);
      await bucket.put(key, JSON.stringify(incident), {
        httpMetadata: { contentType: "application/json" },
        customMetadata: { status: incident.status },
      });
    },
    async getIncident(id) {
      const key = incidentKey(id);
      if (!key) return { kind: "missing" };
      const object = await bucket.get(key);
      return parseStored(Incident, object ? await object.text() : null);
    },
    async pruneIncidents(beforeMs) {
      // Keys count the start time down, so every incident that started before `beforeMs` sorts after this one.
      const after = `${PREFIX}${String(LATEST_POSSIBLE - beforeMs).padStart(13, "0")}`;
      const page = await bucket.list({ prefix: PREFIX, startAfter: after, limit: 1000, include: ["customMetadata"] });
      // An incident still open (however old) stays: the writer's state holds it and writes it again.
      const keys = page.objects.filter((o) => o.customMetadata?.status === "resolved").map((o) => o.key);
      if (keys.length) await bucket.delete(keys);
      return keys.length;
    },
    async listIncidents({ status, limit, cursor }) {
      const found: Incident[] = [];
      let after = cursor ? decodeCursor(cursor) : undefined;
      // A status filter is applied to the listing's metadata, so only returned incidents are read; a bounded
      // number of listing pages per request, with a cursor to go on from where it stopped.
      for (let pages = 0; pages < MAX_LIST_PAGES; pages++) {
        const page = await bucket.list({
          prefix: PREFIX,
          limit: 200,
          include: ["customMetadata"],
          ...(after ? { startAfter: after } : {}),
        });
        for (const [index, object] of page.objects.entries()) {
          after = object.key;
          if (status && object.customMetadata?.status !== status) continue;
          const body = await bucket.get(object.key);
          const parsed = parseStored(Incident, body ? await body.text() : null);
          if (parsed.kind === "ok") found.push(parsed.value);
          if (found.length === limit) {
            const more = page.truncated || index < page.objects.length - 1;
            return { incidents: found, cursor: more ? encodeCursor(object.key) : null };
          }
        }
        if (!page.truncated) return { incidents: found, cursor: null };
      }
      return { incidents: found, cursor: after ? encodeCursor(after) : null };
    },
  };
}
