import { describe, expect, it } from "vitest";
import { decodeShown, encodeShown } from "../../src/decide/compact-result";
import type { ShownResult } from "../../src/decide/hot-state";
import { latestText, parseLatestText } from "../../src/storage/latest-object";

const gateway: ShownResult = {
  status: "degraded",
  latencyMs: 2_140,
  checkedAt: "2096-03-10T09:41:00.512Z",
  message: "HTTP 200 in 2140 ms; slower than 2000 ms",
  details: { statusCode: 200, checks: { database: { state: "pass", value: "up" } }, redirects: 0, location: null },
  since: "2096-03-10T09:40:00.000Z",
};

const latestParts = (monitors: Record<string, string>) => ({
  tickAt: "2096-03-10T09:41:00.000Z",
  durationMs: 12,
  monitors,
  uptime: {},
  today: {},
  incidents: [],
  adminMaintenance: [],
});

describe("the compact result of latest.json and the writer's state", () => {
  it("reads back to the same result, and is smaller than the object it replaces", () => {
    const text = encodeShown(gateway);
    expect(decodeShown(JSON.parse(text))).toEqual(gateway);
    expect(text.length).toBeLessThan(JSON.stringify(gateway).length - 60);
  });

  it("keeps a time that does not read back exactly as the text it was", () => {
    const odd = { ...gateway, checkedAt: "2096-03-10T09:41:00Z", since: "" };
    expect(decodeShown(JSON.parse(encodeShown(odd)))).toEqual(odd);
  });

  it("reads a result written as an object before the compact form, and nothing else", () => {
    expect(decodeShown(JSON.parse(JSON.stringify(gateway)))).toEqual(gateway);
    expect(decodeShown("up")).toBeNull();
    expect(decodeShown(null)).toBeNull();
  });

  it("latest.json holds both forms after an upgrade: a monitor not probed since keeps the object its state had", () => {
    const text = latestText(latestParts({ fresh: encodeShown(gateway), old: JSON.stringify({ ...gateway, status: "up" }) }));
    expect(JSON.parse(text).v).toBe(3);
    const read = parseLatestText(text);
    expect(read.kind).toBe("ok");
    if (read.kind !== "ok") return;
    expect(read.value.monitors.fresh).toEqual(gateway);
    expect(read.value.monitors.old).toEqual({ ...gateway, status: "up" });
  });

  it("still reads a version 2 latest.json, written by the previous release", () => {
    const v2 = JSON.stringify({
      ...latestParts({}),
      v: 2,
      monitors: { gw: gateway },
      uptime: { gw: [99.5, null, null, null, 1, 0, 0, 0, 0] },
    });
    const read = parseLatestText(v2);
    expect(read.kind === "ok" && read.value.monitors.gw).toEqual(gateway);
    expect(read.kind === "ok" && read.value.uptime.gw?.["24h"]).toBe(99.5);
  });
});

describe("times in the compact form", () => {
  it("read back exactly, across months, leap days and the year's end", () => {
    for (const iso of ["2096-02-29T23:59:59.999Z", "2024-12-31T00:00:00.000Z", "2100-03-01T12:30:45.007Z", "1970-01-01T00:00:00.000Z"]) {
      const text = encodeShown({ ...gateway, checkedAt: iso, since: iso });
      expect(typeof JSON.parse(text)[2]).toBe("number");
      expect(decodeShown(JSON.parse(text))).toMatchObject({ checkedAt: iso, since: iso });
    }
  });

  it("leave impossible or other forms as text", () => {
    for (const iso of [
      "2100-02-29T00:00:00.000Z",
      "2096-13-01T00:00:00.000Z",
      "2096-04-31T00:00:00.000Z",
      "2096-01-01T24:00:00.000Z",
      "0099-01-01T00:00:00.000Z",
      "2096-01-01 00:00:00.000Z",
    ]) {
      const text = encodeShown({ ...gateway, checkedAt: iso });
      expect(JSON.parse(text)[2]).toBe(iso);
      expect(decodeShown(JSON.parse(text))?.checkedAt).toBe(iso);
    }
  });
});
