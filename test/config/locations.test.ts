import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import { monitorInput } from "../helpers/fixtures";

const errorsOf = (raw: unknown): string[] => {
  const result = parseConfig(raw);
  return result.ok ? [] : result.errors;
};

describe("parseConfig monitors[].locations", () => {
  it("accepts every known location hint", () => {
    const all = ["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"];
    const result = parseConfig({ title: "t", monitors: [monitorInput({ locations: all })] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.monitors[0]!.locations).toEqual(all);
  });

  it("rejects an unknown location, naming the field path", () => {
    const errors = errorsOf({ title: "t", monitors: [monitorInput({ locations: ["weur", "mars"] })] });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^monitors\[0\]\.locations\[1\]: /);
  });

  it("names the right monitor for an unknown location", () => {
    const errors = errorsOf({ title: "t", monitors: [monitorInput(), monitorInput({ id: "b", locations: ["us-east"] })] });
    expect(errors.map((e) => e.split(":")[0])).toEqual(["monitors[1].locations[0]"]);
  });

  it("rejects a location listed twice", () => {
    const errors = errorsOf({ title: "t", monitors: [monitorInput({ locations: ["weur", "apac", "weur"] })] });
    expect(errors).toEqual(["monitors[0].locations: must not list a location twice"]);
  });

  it("rejects an empty list of locations", () => {
    const errors = errorsOf({ title: "t", monitors: [monitorInput({ locations: [] })] });
    expect(errors.map((e) => e.split(":")[0])).toEqual(["monitors[0].locations"]);
  });

  it("leaves locations unset when not given", () => {
    const result = parseConfig({ title: "t", monitors: [monitorInput()] });
    expect(result.ok && result.config.monitors[0]!.locations).toBeUndefined();
  });
});

describe("parseConfig monitors[].quorum", () => {
  it("accepts a quorum up to the number of locations", () => {
    const result = parseConfig({ title: "t", monitors: [monitorInput({ locations: ["wnam", "weur", "apac"], quorum: 3 })] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.monitors[0]!.quorum).toBe(3);
  });

  it("rejects a quorum larger than the number of locations, naming the monitor", () => {
    const errors = errorsOf({ title: "t", monitors: [monitorInput(), monitorInput({ id: "b", locations: ["wnam", "weur"], quorum: 3 })] });
    expect(errors).toEqual(["monitors[1].quorum: 3 is more than the 2 locations listed"]);
  });

  it("says 'location' for a single one", () => {
    const errors = errorsOf({ title: "t", monitors: [monitorInput({ locations: ["weur"], quorum: 2 })] });
    expect(errors).toEqual(["monitors[0].quorum: 2 is more than the 1 location listed"]);
  });

  it("rejects a quorum without locations", () => {
    const errors = errorsOf({ title: "t", monitors: [monitorInput({ quorum: 1 })] });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^monitors\[0\]\.quorum: /);
    expect(errors[0]).toContain("monitors[0].locations");
  });

  it("rejects a quorum below 1", () => {
    const errors = errorsOf({ title: "t", monitors: [monitorInput({ locations: ["weur"], quorum: 0 })] });
    expect(errors.map((e) => e.split(":")[0])).toEqual(["monitors[0].quorum"]);
  });
});

describe("parseConfig limits", () => {
  it("defaults cpuMs to 10 and monitorsPerShard to 25", () => {
    const result = parseConfig({ title: "t", monitors: [monitorInput()] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.limits.cpuMs).toBe(10);
    expect(result.config.limits.monitorsPerShard).toBe(25);
  });

  it("keeps cpuMs and monitorsPerShard when given", () => {
    const result = parseConfig({ title: "t", monitors: [monitorInput()], limits: { cpuMs: 30_000, monitorsPerShard: 100 } });
    expect(result.ok && result.config.limits).toEqual({ subrequests: 50, cpuMs: 30_000, monitorsPerShard: 100 });
  });

  it("rejects a monitorsPerShard of 0 and a cpuMs below 10", () => {
    const errors = errorsOf({ title: "t", monitors: [monitorInput()], limits: { cpuMs: 5, monitorsPerShard: 0 } });
    expect(errors.map((e) => e.split(":")[0]).sort()).toEqual(["limits.cpuMs", "limits.monitorsPerShard"]);
  });
});
