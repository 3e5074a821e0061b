import { resetBindings } from "../helpers/reset";

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Incident } from "../../src/incidents/types";
import { countingStores } from "../helpers/counting-stores";
import { incident } from "../helpers/fixtures";
import { envWith, get } from "../helpers/worker";

const config = { title: "t", monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://x.test/" }] };
const bindings = envWith(config);

/** The gateway's incident started `minute` minutes into November (resolved on the spot when not open). */
const gatewayIncident = (minute: number, status: Incident["status"]): Incident => {
  const startedAt = new Date(Date.parse("2026-11-01T00:00:00Z") + minute * 60_000).toISOString();
  return incident({
    id: `gw-${startedAt.replace(/\.\d{3}/, "").replace(/[-:]/g, "")}`,
    monitorIds: ["gw"],
    title: "Gateway is down",
    status,
    startedAt,
    resolvedAt: status === "resolved" ? startedAt : null,
    durationMs: status === "resolved" ? 0 : null,
    updates: [],
  });
};

beforeEach(async () => {
  const { incidents } = countingStores();
  for (let i = 0; i < 7; i++) await incidents.putIncident(gatewayIncident(i * 10, i === 3 || i === 6 ? "open" : "resolved"));
});
afterEach(resetBindings);

describe("GET /api/incidents", () => {
  it("lists newest first and pages with a cursor", async () => {
    const first = await (await get(bindings, "/api/incidents?limit=4")).json<{ incidents: Incident[]; cursor: string }>();
    expect(first.incidents.map((i) => i.startedAt.slice(11, 16))).toEqual(["01:00", "00:50", "00:40", "00:30"]);
    const second = await (await get(bindings, `/api/incidents?limit=4&cursor=${first.cursor}`)).json<{
      incidents: Incident[];
      cursor: string | null;
    }>();
    expect(second.incidents.map((i) => i.startedAt.slice(11, 16))).toEqual(["00:20", "00:10", "00:00"]);
    expect(second.cursor).toBeNull();
  });

  it("filters by status", async () => {
    const open = await (await get(bindings, "/api/incidents?status=open")).json<{ incidents: Incident[] }>();
    expect(open.incidents.map((i) => i.startedAt.slice(11, 16))).toEqual(["01:00", "00:30"]);
    const resolved = await (await get(bindings, "/api/incidents?status=resolved&limit=2")).json<{
      incidents: Incident[];
      cursor: string;
    }>();
    expect(resolved.incidents).toHaveLength(2);
    expect(resolved.incidents.every((i) => i.status === "resolved")).toBe(true);
  });

  it("answers 400 naming the parameter for bad input", async () => {
    for (const [query, parameter] of [
      ["status=closed", "status"],
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["limit=ten", "limit"],
      ["cursor=%%%", "cursor"],
      ["cursor=bm9wZQ", "cursor"],
      ["colour=red", "colour"],
    ]) {
      const response = await get(bindings, `/api/incidents?${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.json(), query).toMatchObject({ parameter });
    }
  });
});

describe("GET /api/incidents/:id", () => {
  it("returns one incident, and 404 for unknown or malformed ids", async () => {
    const one = await get(bindings, "/api/incidents/gw-20261101T003000Z");
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: "gw-20261101T003000Z", status: "open" });
    for (const id of ["gw-20261101T003100Z", "nonsense", "..%2F..%2Flatest"]) {
      const response = await get(bindings, `/api/incidents/${id}`);
      expect(response.status, id).toBe(404);
      expect(await response.json()).toEqual({ error: "unknown incident", parameter: "id" });
    }
  });
});
