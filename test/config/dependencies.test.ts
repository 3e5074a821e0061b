import { describe, expect, it } from "vitest";
import { dependenciesOf } from "../../src/config/dependencies";
import { parseConfig } from "../../src/config/load";
import { monitorInput } from "../helpers/fixtures";

const errorsOf = (raw: Record<string, unknown>) => {
  const result = parseConfig({ title: "t", ...raw });
  return result.ok ? [] : result.errors;
};

describe("dependsOn", () => {
  it("names unknown monitors, a monitor depending on itself and a group no monitor has", () => {
    expect(
      errorsOf({
        monitors: [monitorInput({ id: "gw", dependsOn: ["gw"] }), monitorInput({ id: "api", dependsOn: ["nope"] })],
        groups: { Services: { dependsOn: ["gateway"] } },
      }),
    ).toEqual([
      'groups["Services"]: no monitor has group "Services"',
      "monitors[0].dependsOn[0]: a monitor cannot depend on itself",
      'monitors[1].dependsOn[0]: unknown monitor "nope"',
      'groups["Services"].dependsOn[0]: unknown monitor "gateway"',
    ]);
  });

  it("reports a cycle once, at the field that closes it, through monitors and groups alike", () => {
    expect(
      errorsOf({
        monitors: [
          monitorInput({ id: "a", dependsOn: ["b"] }),
          monitorInput({ id: "b", dependsOn: ["c"] }),
          monitorInput({ id: "c", dependsOn: ["a"] }),
        ],
      }),
    ).toEqual(["monitors[2].dependsOn[0]: dependency cycle: a → b → c → a"]);
    expect(
      errorsOf({
        monitors: [monitorInput({ id: "gw", group: "Edge", dependsOn: ["db"] }), monitorInput({ id: "db", group: "Data" })],
        groups: { Data: { dependsOn: ["gw"] } },
      }),
    ).toEqual(['groups["Data"].dependsOn[0]: dependency cycle: gw → db → gw']);
  });

  it("lets a group depend on one of its own members, which depends on nothing; parents come first in the order", () => {
    const result = parseConfig({
      title: "t",
      monitors: [
        monitorInput({ id: "svc", group: "Platform" }),
        monitorInput({ id: "search", dependsOn: ["svc"] }),
        monitorInput({ id: "gw", group: "Platform" }),
      ],
      groups: { Platform: { dependsOn: ["gw"] } },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { parents, order } = dependenciesOf(result.config);
    expect(Object.fromEntries(parents)).toEqual({ svc: ["gw"], search: ["svc"] });
    expect(order.map((m) => m.id)).toEqual(["gw", "svc", "search"]);
  });
});
