import { resetBindings } from "../helpers/reset";
import { reset } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as z from "zod";
import { envWith } from "../helpers/worker";
import { faceGet, seedLatest } from "../helpers/faces-app";
import { incident, minutesAgo, stored } from "../helpers/fixtures";

// ---- Atlassian Statuspage public API v2, as documented (https://<page>/api/v2/): every field, nothing else ----

const Iso = z.iso.datetime({ offset: true });
const ComponentStatus = z.enum(["operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"]);
const Page = z.strictObject({ id: z.string().min(1), name: z.string(), url: z.url(), time_zone: z.string().min(1), updated_at: Iso });
const Status = z.strictObject({ indicator: z.enum(["none", "minor", "major", "critical", "maintenance"]), description: z.string().min(1) });
const Component = z.strictObject({
  id: z.string().min(1),
  name: z.string(),
  status: ComponentStatus,
  created_at: Iso,
  updated_at: Iso,
  position: z.int().positive(),
  description: z.string().nullable(),
  showcase: z.boolean(),
  start_date: z.iso.date().nullable(),
  group_id: z.string().nullable(),
  page_id: z.string().min(1),
  group: z.boolean(),
  only_show_if_degraded: z.boolean(),
  components: z.array(z.string()).optional(),
});
const AffectedComponent = z.strictObject({ code: z.string(), name: z.string(), old_status: ComponentStatus, new_status: ComponentStatus });
const IncidentStatus = z.enum(["investigating", "identified", "monitoring", "resolved", "postmortem"]);
const IncidentUpdate = z.strictObject({
  id: z.string().min(1),
  status: IncidentStatus,
  body: z.string(),
  incident_id: z.string().min(1),
  created_at: Iso,
  updated_at: Iso,
  display_at: Iso,
  affected_components: z.array(AffectedComponent).nullable(),
});
const Incident = z.strictObject({
  id: z.string().min(1),
  name: z.string(),
  status: IncidentStatus,
  created_at: Iso,
  updated_at: Iso,
  monitoring_at: Iso.nullable(),
  resolved_at: Iso.nullable(),
  impact: z.enum(["none", "minor", "major", "critical"]),
  shortlink: z.url(),
  started_at: Iso,
  page_id: z.string().min(1),
  incident_updates: z.array(IncidentUpdate),
  components: z.array(Component),
});
const MaintenanceStatus = z.enum(["scheduled", "in_progress", "verifying", "completed"]);
const ScheduledMaintenance = Incident.extend({
  status: MaintenanceStatus,
  impact: z.enum(["none", "maintenance", "minor", "major", "critical"]),
  incident_updates: z.array(IncidentUpdate.extend({ status: MaintenanceStatus })),
  scheduled_for: Iso,
  scheduled_until: Iso,
});
const StatusJson = z.strictObject({ page: Page, status: Status });
const ComponentsJson = z.strictObject({ page: Page, components: z.array(Component) });
const IncidentsJson = z.strictObject({ page: Page, incidents: z.array(Incident) });
const SummaryJson = z.strictObject({
  page: Page,
  components: z.array(Component),
  incidents: z.array(Incident),
  scheduled_maintenances: z.array(ScheduledMaintenance),
  status: Status,
});

// ---- the scenario ----

const SECRET = "sk-live-0a1b2c3d4e5f";
const now = Date.now();
const ago = (minutes: number) => minutesAgo(minutes, now);
const config = {
  title: "AI Platform status",
  monitors: [
    {
      id: "gw",
      name: "API gateway",
      group: "Platform",
      type: "http",
      url: "https://gw.internal.example/health",
      severity: "SEV-1",
      headers: { Authorization: { secret: "GW_TOKEN" } },
    },
    { id: "worker", name: "AI worker", group: "Platform", type: "http", url: "https://worker.internal.example/health", severity: "SEV-2" },
    {
      id: "grafana",
      name: "Grafana",
      group: "Monitoring",
      type: "http",
      url: "https://grafana.internal.example/api/health",
      headers: { "X-Key": "literal-key-999" },
    },
    { id: "billing", name: "Billing", type: "http", url: "https://billing.internal.example/h?token=qs-secret-42", severity: "SEV-2" },
    { id: "search", name: "Search", type: "http", url: "https://search.internal.example/" },
    { id: "fresh", name: "New one", type: "http", url: "https://fresh.internal.example/" },
  ],
  maintenance: [
    {
      id: "search-upgrade",
      title: "Search index upgrade",
      monitors: ["search"],
      start: new Date(now - 30 * 60_000).toISOString(),
      end: new Date(now + 30 * 60_000).toISOString(),
    },
    {
      id: "db-migration",
      title: "Database migration",
      groups: ["Platform"],
      start: new Date(now + 2 * 3600_000).toISOString(),
      end: new Date(now + 3 * 3600_000).toISOString(),
    },
    { id: "past", title: "Long gone", monitors: ["gw"], start: "2020-01-01T00:00:00Z", end: "2020-01-01T01:00:00Z" },
  ],
};
const bindings = envWith(config, { GW_TOKEN: SECRET });
const ORIGIN = "https://status.example.com";

const billingOpen = incident({
  id: "billing-20261128T205000Z",
  monitorIds: ["billing"],
  title: "Billing is down",
  severity: "SEV-2",
  impact: "major",
  startedAt: ago(10),
  updates: [
    { at: ago(9), status: "investigating", message: "Billing is down: HTTP 503" },
    { at: ago(6), status: "identified", message: "Upstream database failover" },
    { at: ago(3), status: "update", message: "Still failing over" },
  ],
});
const gwResolved = incident({
  id: "gw-20261128T190000Z",
  monitorIds: ["gw"],
  title: "API gateway is down",
  severity: "SEV-1",
  impact: "critical",
  status: "resolved",
  startedAt: ago(120),
  resolvedAt: ago(100),
  durationMs: 20 * 60_000,
  updates: [
    { at: ago(119), status: "investigating", message: "API gateway is down: timeout after 10000 ms" },
    { at: ago(110), status: "monitoring", message: "Back up, watching" },
    { at: ago(100), status: "resolved", message: "API gateway is up again" },
  ],
});

beforeEach(async () => {
  const at = ago(0);
  await seedLatest(
    {
      gw: stored({ status: "up", since: ago(100) }, at),
      worker: stored({ status: "degraded", latencyMs: 2400, message: "HTTP 200 in 2400 ms; slower than 2000 ms", since: ago(20) }, at),
      grafana: stored(
        {
          status: "down",
          latencyMs: null,
          message: "connection refused or lost",
          details: { statusCode: null, checks: null },
          since: ago(5),
        },
        at,
      ),
      billing: stored(
        { status: "down", message: "HTTP 503 in 12 ms (expected 200-299)", details: { statusCode: 503, checks: null }, since: ago(10) },
        at,
      ),
      search: stored({ status: "maintenance", message: "maintenance: Search index upgrade (HTTP 200 in 42 ms)", since: ago(30) }, at),
    },
    [billingOpen, gwResolved],
    at,
  );
});
afterEach(resetBindings);

let served = 0;
/** Each request on an origin of its own (the shortlinks' host stays status.example.com's subdomain), so no edge-cache hit. */
const json = async <T>(path: string, schema: z.ZodType<T>, origin = `https://s${++served}.status.example.com`): Promise<T> => {
  const response = await faceGet(bindings, path, { origin });
  expect(response.status, path).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return schema.parse(await response.json());
};

describe("Statuspage v2 API", () => {
  it("status.json: the page and the rollup (partial outage → major)", async () => {
    const body = await json("/api/v2/status.json", StatusJson, "https://edge-status-1.example.com");
    expect(body.page).toEqual({
      id: "edge-status-1.example.com",
      name: "AI Platform status",
      url: "https://edge-status-1.example.com",
      time_zone: "Etc/UTC",
      updated_at: ago(0),
    });
    expect(body.status).toEqual({ indicator: "major", description: "Partial System Outage" });
  });

  it("components.json: groups first with their members, statuses mapped, positions in order", async () => {
    const { components, page } = await json("/api/v2/components.json", ComponentsJson, "https://edge-status-2.example.com");
    expect(components.map((c) => [c.id, c.status, c.position, c.group, c.group_id])).toEqual([
      ["group-platform", "degraded_performance", 1, true, null],
      ["gw", "operational", 2, false, "group-platform"],
      ["worker", "degraded_performance", 3, false, "group-platform"],
      ["group-monitoring", "partial_outage", 4, true, null],
      ["grafana", "partial_outage", 5, false, "group-monitoring"],
      ["billing", "major_outage", 6, false, null],
      ["search", "under_maintenance", 7, false, null],
      ["fresh", "operational", 8, false, null],
    ]);
    expect(components[0]).toMatchObject({ name: "Platform", components: ["gw", "worker"] });
    expect(components[3]).toMatchObject({ name: "Monitoring", components: ["grafana"] });
    for (const c of components) {
      expect(c.page_id).toBe(page.id);
      if (!c.group) expect(c).not.toHaveProperty("components");
    }
    expect(components.find((c) => c.id === "worker")).toMatchObject({
      name: "AI worker",
      updated_at: ago(20),
      created_at: ago(20),
      description: null,
      start_date: null,
      only_show_if_degraded: false,
    });
  });

  it("incidents.json: every incident newest first, with Statuspage statuses, shortlinks and updates", async () => {
    const { incidents } = await json("/api/v2/incidents.json", IncidentsJson, ORIGIN);
    expect(incidents.map((i) => [i.id, i.status, i.impact])).toEqual([
      [billingOpen.id, "identified", "major"],
      [gwResolved.id, "resolved", "critical"],
    ]);
    const [billing, gw] = incidents as [z.infer<typeof Incident>, z.infer<typeof Incident>];
    expect(billing).toMatchObject({
      name: "Billing is down",
      created_at: ago(9),
      updated_at: ago(3),
      started_at: ago(10),
      monitoring_at: null,
      resolved_at: null,
      shortlink: `${ORIGIN}/incidents/${billingOpen.id}`,
      page_id: "status.example.com",
    });
    // Newest first; our "update" keeps the status before it.
    expect(billing.incident_updates.map((u) => [u.status, u.body, u.created_at])).toEqual([
      ["identified", "Still failing over", ago(3)],
      ["identified", "Upstream database failover", ago(6)],
      ["investigating", "Billing is down: HTTP 503", ago(9)],
    ]);
    expect(billing.incident_updates.at(-1)).toMatchObject({
      id: `${billingOpen.id}-u0`,
      incident_id: billingOpen.id,
      affected_components: [{ code: "billing", name: "Billing", old_status: "operational", new_status: "major_outage" }],
    });
    expect(billing.components.map((c) => [c.id, c.status])).toEqual([["billing", "major_outage"]]);
    expect(gw).toMatchObject({ monitoring_at: ago(110), resolved_at: ago(100), started_at: ago(120) });
    expect(gw.incident_updates[0]).toMatchObject({
      status: "resolved",
      affected_components: [{ code: "gw", old_status: "major_outage", new_status: "operational" }],
    });
  });

  it("incidents/unresolved.json: only the open ones", async () => {
    const { incidents } = await json("/api/v2/incidents/unresolved.json", IncidentsJson);
    expect(incidents.map((i) => i.id)).toEqual([billingOpen.id]);
  });

  it("summary.json: page, components, unresolved incidents, maintenance in progress and to come, status", async () => {
    const summary = await json("/api/v2/summary.json", SummaryJson);
    expect(summary.status.indicator).toBe("major");
    expect(summary.components).toHaveLength(8);
    expect(summary.incidents.map((i) => i.id)).toEqual([billingOpen.id]);
    expect(summary.scheduled_maintenances.map((m) => [m.name, m.status, m.impact, m.components.map((c) => c.id)])).toEqual([
      ["Search index upgrade", "in_progress", "maintenance", ["search"]],
      ["Database migration", "scheduled", "maintenance", ["gw", "worker"]],
    ]);
    const [search, migration] = summary.scheduled_maintenances;
    expect(search!.scheduled_for).toBe(config.maintenance[0]!.start);
    expect(search!.scheduled_until).toBe(config.maintenance[0]!.end);
    expect(migration!.scheduled_for).toBe(config.maintenance[1]!.start);
    expect(migration!.incident_updates[0]).toMatchObject({
      status: "scheduled",
      body: "Database migration",
      affected_components: [
        { code: "gw", new_status: "under_maintenance" },
        { code: "worker", new_status: "under_maintenance" },
      ],
    });
  });

  it("scheduled-maintenances.json, upcoming.json and active.json", async () => {
    const MaintenancesJson = z.strictObject({ page: Page, scheduled_maintenances: z.array(ScheduledMaintenance) });
    const names = async (path: string) => (await json(path, MaintenancesJson)).scheduled_maintenances.map((m) => [m.name, m.status]);
    expect(await names("/api/v2/scheduled-maintenances.json")).toEqual([
      ["Search index upgrade", "in_progress"],
      ["Database migration", "scheduled"],
    ]);
    expect(await names("/api/v2/scheduled-maintenances/upcoming.json")).toEqual([["Database migration", "scheduled"]]);
    expect(await names("/api/v2/scheduled-maintenances/active.json")).toEqual([["Search index upgrade", "in_progress"]]);
  });

  it("before any tick: every component operational, no incidents, and still the documented shapes", async () => {
    await reset();
    const summary = await json("/api/v2/summary.json", SummaryJson);
    expect(summary.status).toEqual({ indicator: "none", description: "All Systems Operational" });
    expect(new Set(summary.components.map((c) => c.status))).toEqual(new Set(["operational"]));
    expect(summary.incidents).toEqual([]);
  });

  it("sends CORS, a one-minute-fit Cache-Control and an ETag honoured with 304", async () => {
    const origin = "https://etag-check.example.com";
    const first = await faceGet(bindings, "/api/v2/summary.json", { origin });
    expect(first.headers.get("access-control-allow-origin")).toBe("*");
    const maxAge = Number(/^public, max-age=(\d+)$/.exec(first.headers.get("cache-control") ?? "")?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(5);
    expect(maxAge).toBeLessThanOrEqual(60);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const again = await faceGet(bindings, "/api/v2/summary.json", { origin, headers: { "If-None-Match": etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get("cache-control")).toBe(first.headers.get("cache-control"));
    expect(await again.text()).toBe("");
  });

  it("answers 500 naming the problems for an invalid config, never cached", async () => {
    const response = await faceGet(envWith({ title: "t", monitors: [] }), "/api/v2/status.json");
    expect(response.status).toBe(500);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toMatchObject({ error: "invalid configuration" });
  });

  it("answers unknown documents with the JSON 404", async () => {
    const response = await faceGet(bindings, "/api/v2/nope.json");
    expect(response.status).toBe(404);
  });

  it("never shows a URL, host, header value or secret", async () => {
    for (const path of [
      "/api/v2/status.json",
      "/api/v2/summary.json",
      "/api/v2/components.json",
      "/api/v2/incidents.json",
      "/api/v2/incidents/unresolved.json",
      "/api/v2/scheduled-maintenances.json",
    ]) {
      const response = await faceGet(bindings, path);
      const text = `${JSON.stringify([...response.headers])}\n${await response.text()}`;
      for (const leak of [SECRET, "literal-key-999", "qs-secret-42", "internal.example", "/health"])
        expect(text, `${path} leaks ${leak}`).not.toContain(leak);
    }
  });
});
