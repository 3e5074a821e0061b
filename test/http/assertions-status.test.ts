import { resetBindings } from "../helpers/reset";
import { afterEach, describe, expect, it } from "vitest";
import { targetsBase } from "../helpers/targets";
import { envWith, fireCron, get } from "../helpers/worker";

afterEach(resetBindings);

/** Far in the future, so the coordinator's alarm (armed at the tick's time plus minutes) never fires during the test. */
const TICK = Date.UTC(2096, 2, 10, 9, 0);

describe("assertions end to end", () => {
  it("an assertion on a numeric field of the gateway's /health turns it degraded, and /api/status shows what was seen, addresses hidden", async () => {
    const config = {
      title: "Platform",
      monitors: [
        {
          id: "api-gateway",
          name: "API gateway",
          type: "http",
          url: `${targetsBase()}/gateway/health`,
          assertions: [
            { path: "/queue_depth", op: "<", value: 100, severity: "degraded" },
            { path: "/upstream", op: "==", value: "10.20.30.41:5432", severity: "degraded" },
            { path: "/checks/database", op: "==", value: "up" },
          ],
        },
      ],
    };
    const bindings = envWith(config, { ADMIN_TOKEN: "admin-token" });
    await fireCron(bindings, TICK);

    const body = await (await get(bindings, "/api/status")).json<{ monitors: Record<string, any>[] }>();
    const gateway = body.monitors[0]!;
    expect(gateway).toMatchObject({
      status: "degraded",
      message: expect.stringMatching(/^HTTP 200 in \d+ ms; \/queue_depth is 120, expected < 100 \(and 1 more assertion failing\)$/),
    });
    expect(gateway.details).toMatchObject({
      assertionsPassed: 1,
      assertions: [
        { target: "/queue_depth", op: "<", value: 100, severity: "degraded", found: true, seen: 120 },
        { target: "/upstream", op: "==", value: "(address hidden)", severity: "degraded", found: true, seen: "(address hidden)" },
      ],
    });
    expect(JSON.stringify(body)).not.toContain("10.20.30.4");

    // The admin view keeps what was seen as it was.
    const admin = await (await get(bindings, "/api/admin/status", { Authorization: "Bearer admin-token" })).json<{
      monitors: Record<string, any>[];
    }>();
    expect(admin.monitors[0]!.details.assertions[1]).toMatchObject({ seen: "10.20.30.40:5432", value: "10.20.30.41:5432" });
  });
});
