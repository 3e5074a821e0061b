import { resetBindings } from "../helpers/reset";
import { env, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { coordinatorOf } from "../../src/coordinator/coordinator";
import { probed } from "../helpers/fixtures";
import { clockedWriter, configOf, storedState } from "../helpers/writer";

afterEach(resetBindings);

const T0 = Date.parse("2096-03-01T00:00:00Z");
const minute = (n: number) => T0 + n * 60_000;

describe("the SLO blob", () => {
  it("state stored before SLOs existed loads with every SLO counting afresh, and nothing else lost", async () => {
    const config = configOf({
      monitors: [{ id: "gw", name: "GW", type: "http", url: "https://gw.example.test/", failureThreshold: 1, slo: { objective: 99.9 } }],
    });
    const writer = clockedWriter(config);
    await writer.at(minute(0), [probed("gw", "down", minute(0))]);
    expect((await storedState(config)).slo.gw?.ring).toBe("b");
    // What the version before SLOs stored: the same blobs, without `slo`.
    await runInDurableObject(coordinatorOf(env), (_instance, state) => void state.storage.sql.exec("DELETE FROM blobs WHERE name = 'slo'"));
    const before = await storedState(config);
    expect(before.slo).toEqual({});
    expect(before.incidents.incidents.map((i) => i.id)).toEqual(["gw-20960301T000000Z"]);
    await writer.at(minute(1), [probed("gw", "up", minute(1))]);
    expect((await storedState(config)).slo.gw).toMatchObject({ ring: "g", days: [["2096-03-01", 1, 0]] });
  });
});
