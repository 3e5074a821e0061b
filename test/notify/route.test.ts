import { describe, expect, it } from "vitest";
import { Notifications } from "../../src/config/notifications";
import { routeChannels } from "../../src/notify/route";

const monitors = [
  { id: "api", group: "Platform" },
  { id: "grafana", group: "Monitoring" },
];

const notifications = Notifications.parse({
  channels: ["pager", "chat", "platform", "certs"].map((id) => ({ id, type: "webhook", urlSecret: "URL" })),
  routes: [
    { severities: ["SEV-1"], channels: ["pager"] },
    { severities: ["SEV-2", "SEV-3", "SEV-4"], channels: ["chat"] },
    { groups: ["Platform"], severities: ["SEV-3"], channels: ["platform"] },
    { events: ["certificate.expiring"], channels: ["certs"] },
  ],
});

describe("routeChannels", () => {
  it("sends an incident to the routes of its severity, and narrows by every filter a route sets", () => {
    expect(routeChannels(notifications, { type: "incident.opened", monitorIds: ["api"], severity: "SEV-1" }, monitors)).toEqual(["pager"]);
    expect(routeChannels(notifications, { type: "incident.opened", monitorIds: ["api"], severity: "SEV-3" }, monitors)).toEqual([
      "chat",
      "platform",
    ]);
    expect(routeChannels(notifications, { type: "incident.resolved", monitorIds: ["grafana"], severity: "SEV-3" }, monitors)).toEqual([
      "chat",
    ]);
  });

  it("gives events about no incident only to routes that ask for no severity", () => {
    expect(routeChannels(notifications, { type: "certificate.expiring", monitorIds: ["api"] }, monitors)).toEqual(["certs"]);
    expect(routeChannels(notifications, { type: "monitor.stale", monitorIds: ["api"] }, monitors)).toEqual([]);
  });

  it("sends everything everywhere without routes", () => {
    const open = Notifications.parse({ channels: [{ id: "a", type: "webhook", urlSecret: "URL" }] });
    expect(routeChannels(open, { type: "monitor.stale", monitorIds: [] }, monitors)).toEqual(["a"]);
  });
});
