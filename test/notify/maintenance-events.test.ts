import { resetBindings } from "../helpers/reset";
import { afterEach, describe, expect, it } from "vitest";
import { maintenanceEvents } from "../../src/notify/maintenance-events";
import { probed } from "../helpers/fixtures";
import { clockedWriter, configOf } from "../helpers/writer";
import { recorded, recorderUrl, uniquePrefix } from "./fixtures";

afterEach(resetBindings);

// Far ahead of the real clock: no alarm the writer arms fires mid-test.
const T0 = Date.parse("2096-03-01T00:00:00Z");
const minute = (n: number) => T0 + n * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe("maintenance start and end notifications", () => {
  it("tell the routes with notifyMaintenance once each, and no other channel", async () => {
    const prefix = uniquePrefix("mw");
    const config = configOf({
      monitors: [{ id: "gw", name: "Gateway", group: "Platform", type: "http", url: "https://gw.example.test/" }],
      maintenance: [{ id: "db-upgrade", title: "Database upgrade", monitors: ["gw"], start: iso(minute(2)), end: iso(minute(5)) }],
      notifications: {
        channels: [
          { id: "ops", type: "webhook", urlSecret: "OPS" },
          { id: "chat", type: "webhook", urlSecret: "CHAT" },
        ],
        routes: [{ groups: ["Platform"], notifyMaintenance: true, channels: ["ops"] }, { channels: ["chat"] }],
      },
    });
    const writer = clockedWriter(config, { OPS: `${recorderUrl()}${prefix}/ops`, CHAT: `${recorderUrl()}${prefix}/chat` });
    for (let m = 0; m < 8; m++) await writer.at(minute(m), [probed("gw", "up", minute(m))]);
    // The same minute again (a repeated cron) sends nothing more.
    await writer.at(minute(5), [probed("gw", "up", minute(5))]);

    const ops = (await recorded(`${prefix}/ops`)).map((r) => JSON.parse(r.body) as { event: string; at: string; maintenance: unknown });
    expect(ops.map((e) => [e.event, e.at])).toEqual([
      ["maintenance.started", iso(minute(2))],
      ["maintenance.ended", iso(minute(5))],
    ]);
    expect(ops[0]?.maintenance).toEqual({ id: "db-upgrade", title: "Database upgrade", start: iso(minute(2)), end: iso(minute(5)) });
    expect(await recorded(`${prefix}/chat`)).toEqual([]);
  });

  it("announces each occurrence of a weekly window, and nothing without a last tick or a subscribed route", () => {
    const raw = {
      monitors: [{ id: "gw", name: "Gateway", type: "http", url: "https://gw.example.test/" }],
      maintenance: [
        { id: "patching", title: "Patching", monitors: ["gw"], weekly: { days: ["wed"], start: "23:30", durationMinutes: 60 } },
      ],
      notifications: {
        channels: [{ id: "ops", type: "webhook", urlSecret: "OPS" }],
        routes: [{ notifyMaintenance: true, channels: ["ops"] }],
      },
    };
    const config = configOf(raw);
    // 2096-03-07 is a Wednesday.
    const at = (text: string) => Date.parse(text);
    const ids = (from: string, to: string) =>
      maintenanceEvents(config, config.maintenance, at(from), at(to)).map((d) => [d.event.id, d.channelIds]);
    expect(ids("2096-03-07T23:29:00Z", "2096-03-07T23:30:00Z")).toEqual([
      ["maintenance:patching:2096-03-07T23:30:00.000Z:started", ["ops"]],
    ]);
    expect(ids("2096-03-07T23:31:00Z", "2096-03-08T00:29:00Z")).toEqual([]);
    expect(ids("2096-03-08T00:29:00Z", "2096-03-08T00:30:00Z")).toEqual([["maintenance:patching:2096-03-07T23:30:00.000Z:ended", ["ops"]]]);
    expect(maintenanceEvents(config, config.maintenance, null, at("2096-03-07T23:30:00Z"))).toEqual([]);
    const unsubscribed = configOf({ ...raw, notifications: { channels: raw.notifications.channels } });
    expect(maintenanceEvents(unsubscribed, unsubscribed.maintenance, at("2096-03-07T23:29:00Z"), at("2096-03-07T23:30:00Z"))).toEqual([]);
  });
});
