import { resetBindings } from "../helpers/reset";

import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { pruneStep } from "../../src/coordinator/archive-day";
import { loadState } from "../../src/coordinator/writer-deps";
import { storesFrom } from "../../src/env/deps";
import { incidentId } from "../../src/incidents/incident-id";
import { incident } from "../helpers/fixtures";
import { configOf, inWriter } from "../helpers/writer";

afterEach(resetBindings);

const DAY = 86_400_000;
const TODAY = "2096-06-01";
const at = (daysAgo: number) => new Date(Date.parse(`${TODAY}T00:00:00Z`) - daysAgo * DAY - 3_600_000).toISOString();

function storedIncident(daysAgo: number, status: "open" | "resolved") {
  const startedAt = at(daysAgo);
  return incident({
    id: incidentId("gw", startedAt),
    monitorIds: ["gw"],
    startedAt,
    status,
    resolvedAt: status === "resolved" ? startedAt : null,
  });
}

describe("incident records in R2 are pruned after their retention", () => {
  it("the day's prune deletes resolved incidents older than incidentRetentionDays (default 400), and keeps open ones", async () => {
    const stores = storesFrom(env);
    const old = [storedIncident(401, "resolved"), storedIncident(500, "resolved"), storedIncident(1200, "resolved")];
    const keep = [storedIncident(399, "resolved"), storedIncident(10, "resolved"), storedIncident(450, "open")];
    for (const i of [...old, ...keep]) await stores.incidents.putIncident(i);

    const config = configOf({ monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://gw.example.test/health" }] });
    expect(config.history.incidentRetentionDays).toBe(400);
    const logs: string[] = [];
    await inWriter({ config, log: (_level, msg) => logs.push(msg) }, async (deps) =>
      pruneStep(deps, await loadState(deps), TODAY, Date.parse(`${TODAY}T00:05:00Z`)),
    );

    for (const i of old) expect((await stores.incidents.getIncident(i.id)).kind, i.id).toBe("missing");
    for (const i of keep) expect((await stores.incidents.getIncident(i.id)).kind, i.id).toBe("ok");
    expect(logs).toContain("resolved incidents past their retention deleted");
    const listed = await stores.incidents.listIncidents({ limit: 100 });
    expect(listed.incidents.map((i) => i.id).sort()).toEqual(keep.map((i) => i.id).sort());
  });

  it("honours a shorter retention from the config", async () => {
    const stores = storesFrom(env);
    const recent = storedIncident(40, "resolved");
    await stores.incidents.putIncident(recent);
    const config = configOf({
      monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://gw.example.test/health" }],
      history: { incidentRetentionDays: 30 },
    });
    await inWriter({ config }, async (deps) => pruneStep(deps, await loadState(deps), TODAY, Date.parse(`${TODAY}T00:05:00Z`)));
    expect((await stores.incidents.getIncident(recent.id)).kind).toBe("missing");
  });
});
