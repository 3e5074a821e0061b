import { resetBindings } from "../helpers/reset";
import { afterEach, describe, expect, it } from "vitest";
import type { Incident } from "../../src/incidents/types";
import { probed } from "../helpers/fixtures";
import { envWith, get } from "../helpers/worker";
import { clockedWriter, configOf, storedState } from "../helpers/writer";
import { recorded, recorderUrl, uniquePrefix } from "../notify/fixtures";

afterEach(resetBindings);

// Far ahead of the real clock: no alarm the writer arms fires mid-test.
const T0 = Date.parse("2096-03-01T00:00:00Z");
const minute = (n: number) => T0 + n * 60_000;
const SERVICES = ["ai-worker", "auth", "search"];

/** An API gateway (SEV-1) and three services behind it (two through their group, one by its own dependsOn). */
function platform() {
  const prefix = uniquePrefix("deps");
  const raw = {
    title: "t",
    monitors: [
      { id: "api-gateway", name: "API gateway", group: "Edge", severity: "SEV-1" },
      { id: "ai-worker", name: "AI worker", group: "Services" },
      { id: "auth", name: "Auth", group: "Services" },
      { id: "search", name: "Search", dependsOn: ["api-gateway"] },
    ].map((m) => ({ type: "http", url: `https://${m.id}.example.test/health`, ...m })),
    groups: { Services: { dependsOn: ["api-gateway"] } },
    notifications: {
      channels: [
        { id: "oncall", type: "pagerduty", routingKeySecret: "PD_KEY", apiUrl: `${recorderUrl()}${prefix}/pd` },
        { id: "chat", type: "webhook", urlSecret: "CHAT_URL" },
      ],
      routes: [
        { severities: ["SEV-1"], channels: ["oncall"] },
        { severities: ["SEV-2", "SEV-3", "SEV-4"], channels: ["chat"] },
      ],
    },
  };
  const config = configOf(raw);
  const writer = clockedWriter(config, { PD_KEY: "R0UT1NGKEY0123456789abcdefABCDEF", CHAT_URL: `${recorderUrl()}${prefix}/chat` });
  type Status = "up" | "down";
  const tick = (m: number, gateway: Status, services: Status | Record<string, Status>) =>
    writer.at(minute(m), [
      probed("api-gateway", gateway, minute(m)),
      ...SERVICES.map((id) => probed(id, typeof services === "string" ? services : (services[id] ?? "up"), minute(m))),
    ]);
  const pages = async () => (await recorded(`${prefix}/pd/`)).map((r) => JSON.parse(r.body) as { event_action: string; dedup_key: string });
  const chat = async () => (await recorded(`${prefix}/chat`)).map((r) => JSON.parse(r.body) as { event: string; monitorIds: string[] });
  return { raw, config, tick, pages, chat };
}

describe("dependencies", () => {
  it("a gateway outage with three dependants sends one page and shows one incident listing four components", async () => {
    const { raw, config, tick, pages, chat } = platform();
    for (let m = 0; m < 5; m++) await tick(m, "down", "down");

    expect((await pages()).map((p) => [p.event_action, p.dedup_key])).toEqual([["trigger", "api-gateway-20960301T000000Z"]]);
    expect(await chat()).toEqual([]);
    const { incidents } = (await storedState(config)).incidents;
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      id: "api-gateway-20960301T000000Z",
      monitorIds: ["api-gateway", ...SERVICES],
      affected: SERVICES,
      status: "open",
    });

    const bindings = envWith(raw);
    const status = (await (await get(bindings, "/api/status")).json()) as {
      monitors: { id: string; dependsOn: string[]; affectedBy: unknown }[];
      incidents: Incident[];
    };
    expect(status.incidents.map((i) => i.monitorIds)).toEqual([["api-gateway", ...SERVICES]]);
    expect(status.monitors.map((m) => [m.id, m.dependsOn, m.affectedBy])).toEqual([
      ["api-gateway", [], null],
      ...SERVICES.map((id) => [id, ["api-gateway"], { incidentId: "api-gateway-20960301T000000Z", monitorId: "api-gateway" }]),
    ]);
    const page = await (await get(bindings, "/")).text();
    expect(page).toContain("Affects API gateway, AI worker, Auth, Search");
    expect(page.match(/affected by <a href="\/incidents\/api-gateway-20960301T000000Z">the API gateway incident<\/a>/g)).toHaveLength(3);
  });

  it("when the gateway recovers and a dependant is still down, the dependant gets an incident of its own", async () => {
    const { config, tick, pages, chat } = platform();
    for (let m = 0; m < 3; m++) await tick(m, "down", "down");
    // Auth recovers with the gateway; the AI worker and search do not.
    for (let m = 3; m < 5; m++) await tick(m, "up", { "ai-worker": "down", search: "down" });

    expect((await pages()).map((p) => p.event_action)).toEqual(["trigger", "resolve"]);
    expect((await chat()).map((e) => [e.event, e.monitorIds])).toEqual([
      ["incident.opened", ["ai-worker"]],
      ["incident.opened", ["search"]],
    ]);
    const { incidents } = (await storedState(config)).incidents;
    expect(incidents.map((i) => [i.id, i.status])).toEqual([
      ["ai-worker-20960301T000000Z", "open"],
      ["search-20960301T000000Z", "open"],
      ["api-gateway-20960301T000000Z", "resolved"],
    ]);
  });

  it("a dependant waits while its parent fails without an incident yet, and leaves the incident when it recovers first", async () => {
    const { config, tick, chat } = platform();
    // The gateway only starts failing a minute after the services: they wait for it rather than open their own.
    await tick(0, "up", "down");
    await tick(1, "down", "down");
    expect((await storedState(config)).incidents.incidents).toEqual([]);
    await tick(2, "down", "down");
    await tick(3, "down", "up");
    await tick(4, "down", "up");
    const [only] = (await storedState(config)).incidents.incidents;
    expect(only).toMatchObject({ id: "api-gateway-20960301T000100Z", status: "open", affected: SERVICES });
    expect(only?.updates.at(-1)?.message).toBe("Search has recovered: HTTP 200 in 40 ms");
    expect((await storedState(config)).incidents.tracks.auth).toMatchObject({ incidentId: null });
    expect(await chat()).toEqual([]);
  });
});
