import { describe, expect, it } from "vitest";
import type { LocationHint } from "../../src/config/base";
import { type HttpMonitor, HttpMonitor as HttpMonitorSchema } from "../../src/config/schema";
import type { ProbeError, ProbeStatus } from "../../src/probes/types";
import { type CollectedResult, unknownResult } from "../../src/probes/probe-batch";
import type { LocationReport } from "../../src/probes/location-report";
import { type LocationResult, mergeLocations, quorumOf, regionSummary } from "../../src/shards/merge-locations";

const AT = Date.parse("2026-03-01T12:00:00.000Z");

function monitor(locations: LocationHint[], quorum?: number): HttpMonitor {
  return HttpMonitorSchema.parse({
    id: "gw",
    name: "Gateway",
    type: "http",
    url: "https://api.example.test/health",
    locations,
    ...(quorum === undefined ? {} : { quorum }),
  });
}

interface Fields {
  status?: ProbeStatus;
  latencyMs?: number | null;
  checkedAt?: string;
  message?: string;
  statusCode?: number | null;
  error?: ProbeError;
}

/** A plain http probe result, as a shard answers it. */
function result(fields: Fields = {}): CollectedResult {
  const status = fields.status ?? "up";
  return {
    type: "http",
    monitorId: "gw",
    status,
    latencyMs: fields.latencyMs === undefined ? 100 : fields.latencyMs,
    checkedAt: fields.checkedAt ?? "2026-03-01T12:00:00.000Z",
    message: fields.message ?? (status === "up" ? "HTTP 200 in 100 ms" : "HTTP 503 in 80 ms"),
    details: { statusCode: fields.statusCode === undefined ? (status === "up" ? 200 : 503) : fields.statusCode, checks: null },
    ...(fields.error ? { error: fields.error } : {}),
  };
}

const down = (fields: Fields = {}) =>
  result({
    status: "down",
    message: "HTTP 503 in 80 ms",
    statusCode: 503,
    latencyMs: 80,
    error: { phase: "status", detail: "GET https://api.example.test/health: HTTP 503" },
    ...fields,
  });

const at = (location: LocationHint, r: CollectedResult, colo: string | null = null): LocationResult => ({ location, colo, result: r });
const noAnswer = (location: LocationHint) =>
  at(location, unknownResult({ id: "gw", type: "http" }, AT, "shard", "not probed this tick: probe shard apac/0 failed"));

describe("mergeLocations", () => {
  it("is degraded when 1 of 3 locations sees the monitor down, naming the regions", () => {
    const merged = mergeLocations(monitor(["wnam", "weur", "apac"]), [at("wnam", result()), at("weur", down()), at("apac", result())], AT);
    expect(merged.status).toBe("degraded");
    expect(merged.message.startsWith("down from weur, up from wnam and apac")).toBe(true);
    expect(merged.message).toBe("down from weur, up from wnam and apac (weur: HTTP 503 in 80 ms)");
    expect(merged.unknown).toBeUndefined();
  });

  it("is down when 2 of 3 locations see it down", () => {
    const merged = mergeLocations(monitor(["wnam", "weur", "apac"]), [at("wnam", down()), at("weur", down()), at("apac", result())], AT);
    expect(merged.status).toBe("down");
    expect(merged.message.startsWith("down from wnam and weur, up from apac")).toBe(true);
  });

  it("is up with the median latency when every location sees it up", () => {
    const merged = mergeLocations(
      monitor(["wnam", "weur", "apac"]),
      [at("wnam", result({ latencyMs: 40 })), at("weur", result({ latencyMs: 300 })), at("apac", result({ latencyMs: 120 }))],
      AT,
    );
    expect(merged.status).toBe("up");
    expect(merged.latencyMs).toBe(120);
    expect(merged.message).toBe("up from wnam, weur and apac");
    expect(merged.error).toBeUndefined();
  });

  it("leaves out locations without a latency from the median", () => {
    const merged = mergeLocations(
      monitor(["wnam", "weur", "apac", "oc"]),
      [
        at("wnam", result({ latencyMs: 300 })),
        at("weur", down({ latencyMs: null })),
        at("apac", result({ latencyMs: 100 })),
        at("oc", result({ latencyMs: 200 })),
      ],
      AT,
    );
    // The median of 100, 200 and 300; counting the missing one as 0 would give 100.
    expect(merged.latencyMs).toBe(200);
  });

  it("takes the latest checkedAt of the locations that answered", () => {
    const merged = mergeLocations(
      monitor(["wnam", "weur", "apac"]),
      [
        at("wnam", result({ checkedAt: "2026-03-01T12:00:01.000Z" })),
        at("weur", result({ checkedAt: "2026-03-01T12:00:03.000Z" })),
        at("apac", result({ checkedAt: "2026-03-01T12:00:02.000Z" })),
      ],
      AT,
    );
    expect(merged.checkedAt).toBe("2026-03-01T12:00:03.000Z");
  });

  it("is degraded under a configured quorum of 3 of 3 when 2 are down", () => {
    const merged = mergeLocations(monitor(["wnam", "weur", "apac"], 3), [at("wnam", down()), at("weur", down()), at("apac", result())], AT);
    expect(merged.status).toBe("degraded");
  });

  it("is down under a configured quorum of 1 when 1 is down", () => {
    const merged = mergeLocations(
      monitor(["wnam", "weur", "apac"], 1),
      [at("wnam", result()), at("weur", down()), at("apac", result())],
      AT,
    );
    expect(merged.status).toBe("down");
  });

  it("is degraded, not down, when a location reports degraded and none down", () => {
    const slow = result({ status: "degraded", message: "HTTP 200 in 4000 ms (slow)", statusCode: 200, latencyMs: 4000 });
    const merged = mergeLocations(monitor(["wnam", "weur", "apac"], 1), [at("wnam", result()), at("weur", slow), at("apac", result())], AT);
    expect(merged.status).toBe("degraded");
    expect(merged.message).toBe("degraded from weur, up from wnam and apac (weur: HTTP 200 in 4000 ms (slow))");
  });

  it("does not count a location without an answer as down, and says it gave none", () => {
    const merged = mergeLocations(monitor(["wnam", "weur", "apac"]), [at("wnam", result()), at("weur", down()), noAnswer("apac")], AT);
    expect(merged.status).toBe("degraded");
    expect(merged.unknown).toBeUndefined();
    expect(merged.message).toContain("no answer from apac");
    expect(merged.message.startsWith("down from weur, up from wnam, no answer from apac")).toBe(true);
  });

  it("is unknown when no location answered", () => {
    const merged = mergeLocations(monitor(["wnam", "weur"]), [noAnswer("wnam"), noAnswer("weur")], AT);
    expect(merged.unknown).toBe(true);
    expect(merged.monitorId).toBe("gw");
    expect(merged.latencyMs).toBeNull();
    expect(merged.checkedAt).toBe(new Date(AT).toISOString());
    expect(merged.message).toContain("no answer from wnam and weur");
    expect(merged.error?.phase).toBe("locations");
    expect(merged.details.locations?.map((l) => [l.location, l.status])).toEqual([
      ["wnam", "unknown"],
      ["weur", "unknown"],
    ]);
  });

  it("lists every location in order under details.locations", () => {
    const merged = mergeLocations(
      monitor(["wnam", "weur", "apac"]),
      [
        at("wnam", result({ latencyMs: 40, checkedAt: "2026-03-01T12:00:01.000Z", message: "HTTP 200 in 40 ms" }), "SJC"),
        at("weur", down({ checkedAt: "2026-03-01T12:00:02.000Z" }), "AMS"),
        noAnswer("apac"),
      ],
      AT,
    );
    const expected: LocationReport[] = [
      { location: "wnam", colo: "SJC", status: "up", latencyMs: 40, checkedAt: "2026-03-01T12:00:01.000Z", message: "HTTP 200 in 40 ms" },
      { location: "weur", colo: "AMS", status: "down", latencyMs: 80, checkedAt: "2026-03-01T12:00:02.000Z", message: "HTTP 503 in 80 ms" },
      {
        location: "apac",
        colo: null,
        status: "unknown",
        latencyMs: null,
        checkedAt: new Date(AT).toISOString(),
        message: "not probed this tick: probe shard apac/0 failed",
      },
    ];
    expect(merged.details.locations).toEqual(expected);
  });

  it("keeps the failing location's details and error phase, its detail prefixed by the location", () => {
    const merged = mergeLocations(monitor(["wnam", "weur", "apac"]), [at("wnam", result()), at("weur", down()), at("apac", result())], AT);
    expect(merged.type).toBe("http");
    if (merged.type !== "http") return;
    expect(merged.details.statusCode).toBe(503);
    expect(merged.details.checks).toBeNull();
    expect(merged.error).toEqual({ phase: "status", detail: "weur: GET https://api.example.test/health: HTTP 503" });
  });

  it("keeps an up location's details and no error when all are up", () => {
    const merged = mergeLocations(monitor(["wnam", "weur"]), [at("wnam", result()), at("weur", result())], AT);
    if (merged.type !== "http") throw new Error("expected an http result");
    expect(merged.details.statusCode).toBe(200);
    expect(merged.error).toBeUndefined();
  });

  it("shows the worst location's result (the down one) when a degraded location is listed before it", () => {
    // The code says the result shown is "the worst one when any failed".
    const slow = result({ status: "degraded", message: "HTTP 200 in 4000 ms (slow)", statusCode: 200, latencyMs: 4000 });
    const merged = mergeLocations(monitor(["wnam", "weur", "apac"]), [at("wnam", slow), at("weur", down()), at("apac", down())], AT);
    expect(merged.status).toBe("down");
    if (merged.type !== "http") throw new Error("expected an http result");
    expect(merged.details.statusCode).toBe(503);
    expect(merged.error).toEqual({ phase: "status", detail: "weur: GET https://api.example.test/health: HTTP 503" });
  });
});

describe("quorumOf", () => {
  it("defaults to half the locations, rounded up", () => {
    expect(quorumOf({ locations: ["wnam", "weur"] })).toBe(1);
    expect(quorumOf({ locations: ["wnam", "weur", "apac"] })).toBe(2);
    expect(quorumOf({ locations: ["wnam", "weur", "apac", "oc"] })).toBe(2);
    expect(quorumOf({ locations: ["wnam", "enam", "weur", "eeur", "apac"] })).toBe(3);
  });

  it("takes the configured quorum over the default", () => {
    expect(quorumOf({ locations: ["wnam", "weur", "apac", "oc"], quorum: 4 })).toBe(4);
    expect(quorumOf({ locations: ["wnam", "weur", "apac"], quorum: 1 })).toBe(1);
  });

  it("makes 1 of 2 locations down enough for down by default", () => {
    const merged = mergeLocations(monitor(["wnam", "weur"]), [at("wnam", result()), at("weur", down())], AT);
    expect(merged.status).toBe("down");
  });

  it("makes 1 of 4 locations down only degraded by default, and 2 of 4 down", () => {
    const four: LocationHint[] = ["wnam", "weur", "apac", "oc"];
    const one = mergeLocations(monitor(four), [at("wnam", down()), at("weur", result()), at("apac", result()), at("oc", result())], AT);
    const two = mergeLocations(monitor(four), [at("wnam", down()), at("weur", down()), at("apac", result()), at("oc", result())], AT);
    expect(one.status).toBe("degraded");
    expect(two.status).toBe("down");
  });
});

describe("regionSummary", () => {
  const report = (location: LocationHint, status: LocationReport["status"]): LocationReport => ({
    location,
    colo: null,
    status,
    latencyMs: null,
    checkedAt: "2026-03-01T12:00:00.000Z",
    message: "",
  });

  it("names every location, worst first, with 'and' before the last of a list", () => {
    expect(regionSummary([report("wnam", "up"), report("weur", "down"), report("apac", "up")])).toBe(
      "down from weur, up from wnam and apac",
    );
    expect(
      regionSummary([
        report("wnam", "up"),
        report("enam", "degraded"),
        report("weur", "up"),
        report("eeur", "up"),
        report("me", "unknown"),
      ]),
    ).toBe("degraded from enam, up from wnam, weur and eeur, no answer from me");
  });

  it("says 'no answer' for unknown locations", () => {
    expect(regionSummary([report("oc", "unknown")])).toBe("no answer from oc");
  });

  it("is empty for no reports", () => {
    expect(regionSummary([])).toBe("");
  });
});
