import { describe, expect, it } from "vitest";
import { Config, type ConfigInput } from "../../src/config/schema";
import type { Incident } from "../../src/incidents/types";
import type { MonitorStatus } from "../../src/probes/types";
import { buildStatusView, type OverallStatus } from "../../src/read-model/status-view";
import { statusOf, summaryDocument } from "../../src/read-model/statuspage";
import { componentsOf, componentStatus } from "../../src/read-model/statuspage-components";
import { incidentOf } from "../../src/read-model/statuspage-incidents";
import { scheduledMaintenancesOf } from "../../src/read-model/statuspage-maintenances";
import { incident } from "../helpers/fixtures";
import { latestView } from "../helpers/monitors";

const NOW = Date.parse("2026-11-25T10:30:20Z"); // a Wednesday
const iso = (ms: number) => new Date(ms).toISOString();

function input(raw: ConfigInput, statuses: Record<string, MonitorStatus> = {}, incidents: Incident[] = [], nowMs = NOW) {
  const config = Config.parse(raw);
  const at = iso(nowMs - 20_000);
  // Parsed, as a reader would: the schema's defaults fill what this test does not care about.
  const latest = latestView({
    version: 1,
    tickAt: at,
    durationMs: 1,
    kv: null,
    incidents: { tracks: {}, incidents },
    unsavedIncidents: [],
    monitors: Object.fromEntries(
      Object.entries(statuses).map(([id, status]) => [
        id,
        { type: "http", status, latencyMs: 5, checkedAt: at, message: "m", details: {}, since: at },
      ]),
    ),
  });
  return { config, view: buildStatusView(config, { latest, state: null }, nowMs), origin: "https://status.example.com", nowMs };
}

const http = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id.toUpperCase(),
  type: "http" as const,
  url: `https://${id}.example/`,
  ...extra,
});

describe("status mapping", () => {
  it("maps each monitor status to a component status, down by severity", () => {
    const table = (["up", "degraded", "down", "maintenance", "unknown"] as const).map((s) => [
      s,
      ...(["SEV-1", "SEV-2", "SEV-3", "SEV-4"] as const).map((sev) => componentStatus(s, sev)),
    ]);
    expect(table).toEqual([
      ["up", "operational", "operational", "operational", "operational"],
      ["degraded", "degraded_performance", "degraded_performance", "degraded_performance", "degraded_performance"],
      ["down", "major_outage", "major_outage", "partial_outage", "partial_outage"],
      ["maintenance", "under_maintenance", "under_maintenance", "under_maintenance", "under_maintenance"],
      ["unknown", "operational", "operational", "operational", "operational"],
    ]);
  });

  it("maps the overall status to Statuspage's indicator and wording", () => {
    const all: OverallStatus[] = ["operational", "degraded", "partial_outage", "major_outage", "maintenance"];
    expect(all.map((s) => statusOf(s))).toEqual([
      { indicator: "none", description: "All Systems Operational" },
      { indicator: "minor", description: "Partially Degraded Service" },
      { indicator: "major", description: "Partial System Outage" },
      { indicator: "critical", description: "Major System Outage" },
      { indicator: "maintenance", description: "Service Under Maintenance" },
    ]);
  });
});

describe("components", () => {
  it("gives groups ids that collide with no monitor and no other group, and the worst status of their members", () => {
    const components = componentsOf(
      input(
        {
          title: "t",
          monitors: [
            http("group-platform"),
            http("a", { group: "Platform", severity: "SEV-4" }),
            http("b", { group: "platform!" }),
            http("c", { group: "Platform", severity: "SEV-1" }),
            http("d", { group: "Ünïcode ✓" }),
          ],
        },
        { a: "down", b: "maintenance", c: "degraded", "group-platform": "up", d: "up" },
      ),
    );
    expect(components.map((c) => [c.id, c.group ? c.components : c.group_id, c.status])).toEqual([
      ["group-platform", null, "operational"],
      ["group-platform-2", ["a", "c"], "partial_outage"],
      ["a", "group-platform-2", "partial_outage"],
      ["c", "group-platform-2", "degraded_performance"],
      ["group-platform-3", ["b"], "under_maintenance"],
      ["b", "group-platform-3", "under_maintenance"],
      ["group-unicode", ["d"], "operational"],
      ["d", "group-unicode", "operational"],
    ]);
    expect(new Set(components.map((c) => c.id)).size).toBe(components.length);
    expect(components.map((c) => c.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe("incidents", () => {
  const base = incident({
    id: "manual-1",
    monitorIds: [],
    title: "Planned chaos",
    impact: "minor",
    startedAt: "2026-11-25T10:00:00.000Z",
    cause: { message: "manual", phase: "manual" },
    updates: [],
    acknowledgedBy: "alice@example.com",
    source: "manual",
  });

  it("an incident without monitors or updates still has every field, and no affected components", () => {
    const i = input({ title: "t", monitors: [http("a")] }, { a: "up" }, [base]);
    const sp = incidentOf(base, i, componentsOf(i));
    expect(sp).toEqual({
      id: "manual-1",
      name: "Planned chaos",
      status: "investigating",
      created_at: base.startedAt,
      updated_at: base.startedAt,
      monitoring_at: null,
      resolved_at: null,
      impact: "minor",
      shortlink: "https://status.example.com/incidents/manual-1",
      started_at: base.startedAt,
      page_id: "status.example.com",
      incident_updates: [],
      components: [],
    });
    expect(JSON.stringify(sp)).not.toContain("alice");
  });

  it("a minor incident moves its components to degraded_performance, then back to operational", () => {
    const resolved = incident({
      ...base,
      id: "a-1",
      monitorIds: ["a"],
      status: "resolved",
      resolvedAt: "2026-11-25T10:20:00.000Z",
      updates: [
        { at: "2026-11-25T10:01:00.000Z", status: "investigating", message: "slow" },
        { at: "2026-11-25T10:20:00.000Z", status: "resolved", message: "fine" },
      ],
    });
    const i = input({ title: "t", monitors: [http("a")] }, { a: "up" }, [resolved]);
    const sp = incidentOf(resolved, i, componentsOf(i));
    expect(sp.incident_updates.map((u) => u.affected_components)).toEqual([
      [{ code: "a", name: "A", old_status: "degraded_performance", new_status: "operational" }],
      [{ code: "a", name: "A", old_status: "operational", new_status: "degraded_performance" }],
    ]);
  });
});

describe("scheduled maintenance", () => {
  const withWindows = (maintenance: ConfigInput["maintenance"], nowMs = NOW) =>
    scheduledMaintenancesOf(input({ title: "t", monitors: [http("a", { group: "G" }), http("b")], maintenance }, {}, [], nowMs));

  it("a weekly window in progress: the occurrence's start and end, in its time zone", () => {
    const [utc] = withWindows([
      { id: "w", title: "Weekly", monitors: ["b"], weekly: { days: ["wed"], start: "10:00", durationMinutes: 60 } },
    ]);
    expect(utc).toMatchObject({
      id: "w-20261125T100000Z",
      status: "in_progress",
      scheduled_for: "2026-11-25T10:00:00.000Z",
      scheduled_until: "2026-11-25T11:00:00.000Z",
      started_at: "2026-11-25T10:00:00.000Z",
    });
    const [berlin] = withWindows([
      {
        id: "w",
        title: "Weekly",
        groups: ["G"],
        weekly: { days: ["wed"], start: "11:15", durationMinutes: 30, timezone: "Europe/Berlin" },
      },
    ]);
    expect(berlin).toMatchObject({ scheduled_for: "2026-11-25T10:15:00.000Z", scheduled_until: "2026-11-25T10:45:00.000Z" });
    expect(berlin!.components.map((c) => c.id)).toEqual(["a"]);
  });

  it("a weekly window that started on Sunday night, seen on Monday", () => {
    const monday = Date.parse("2026-11-30T00:30:00Z");
    const [w] = withWindows(
      [{ id: "w", title: "Overnight", monitors: ["a"], weekly: { days: ["sun"], start: "23:30", durationMinutes: 120 } }],
      monday,
    );
    expect(w).toMatchObject({ scheduled_for: "2026-11-29T23:30:00.000Z", scheduled_until: "2026-11-30T01:30:00.000Z" });
  });

  it("lists one-off windows to come as scheduled, weekly ones only while they run, past ones never", () => {
    const list = withWindows([
      { id: "later", title: "Later", monitors: ["a"], start: "2026-12-01T00:00:00Z", end: "2026-12-01T01:00:00Z" },
      { id: "soon", title: "Soon", monitors: ["b"], start: "2026-11-25T12:00:00Z", end: "2026-11-25T13:00:00Z" },
      { id: "gone", title: "Gone", monitors: ["b"], start: "2026-11-01T12:00:00Z", end: "2026-11-01T13:00:00Z" },
      { id: "notnow", title: "Not now", monitors: ["b"], weekly: { days: ["thu"], start: "10:00", durationMinutes: 60 } },
    ]);
    expect(list.map((m) => [m.name, m.status, m.created_at])).toEqual([
      ["Soon", "scheduled", iso(NOW)],
      ["Later", "scheduled", iso(NOW)],
    ]);
  });
});

describe("summary", () => {
  it("is deterministic: the same input gives the same document", () => {
    const raw = { title: "t", monitors: [http("a", { group: "G" }), http("b")] };
    expect(JSON.stringify(summaryDocument(input(raw, { a: "down", b: "up" })))).toBe(
      JSON.stringify(summaryDocument(input(raw, { a: "down", b: "up" }))),
    );
  });
});
