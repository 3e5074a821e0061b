import { resetBindings } from "../helpers/reset";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { incidentKey } from "../../src/storage/r2-incident-store";
import { seedLatest } from "../helpers/faces-app";
import { incident, minutesAgo, stored } from "../helpers/fixtures";
import { envWith, get } from "../helpers/worker";

// Everything a probe learns about the inside of the platform, as the real probes store it.
const INSTANCE = "10.0.3.4:9100";
const LAST_ERROR = `Get "http://${INSTANCE}/metrics": dial tcp ${INSTANCE}: connect: connection refused`;
const INTERNAL_HOST = "gateway.prod.internal";
const CERT_NAME = "api.corp-secret.example";
const INTERNAL_RUNBOOK = "https://runbooks.corp-secret.example/gateway#5xx-errors";
const PUBLIC_RUNBOOK = "https://help.example.com/website";
const REDIS_HOST = "cache.corp-secret.example";
const BANNER = "redis_version:7.2.4 on 10.2.2.2";

const config = {
  title: "Platform",
  monitors: [
    { id: "prom", name: "Prometheus", type: "prometheus", url: "https://prom.tunnel.example.com" },
    { id: "gw", name: "API gateway", type: "http", url: `https://${INTERNAL_HOST}/health`, runbook: INTERNAL_RUNBOOK },
    { id: "cert", name: "Gateway certificate", type: "tls", host: CERT_NAME },
    { id: "cache", name: "Cache", type: "tcp", host: REDIS_HOST, port: 6379, send: "PING\r\n", expect: "+PONG" },
    { id: "db-dns", name: "Database DNS", type: "dns", host: "db.corp-secret.example", expect: ["10.9.8.6"] },
    { id: "cluster", name: "Cluster jobs", type: "push", tokenSecret: "PUSH_TOKEN" },
    { id: "site", name: "Website", type: "http", url: "https://www.example.com/", public: true, runbook: PUBLIC_RUNBOOK },
  ],
};

const at = minutesAgo(0);
const promDetails = {
  ready: true,
  targetsTotal: 5,
  targetsDown: [{ job: "node-exporter", instance: INSTANCE, lastError: LAST_ERROR }],
  targetsDownTotal: 1,
  alertsFiring: [{ name: "TargetDown", severity: "warning", count: 1 }],
  alertsFiringTotal: 1,
  queries: [],
};

async function seed() {
  const gwMessage = `connection failed: could not reach ${INTERNAL_HOST}:8443 (10.0.9.9)`;
  const open = incident({
    id: "gw-20261202T100000Z",
    monitorIds: ["gw"],
    title: "API gateway is down",
    cause: { message: gwMessage, phase: "connect" },
    updates: [{ at, status: "investigating", message: `API gateway is down: ${gwMessage}` }],
    runbook: INTERNAL_RUNBOOK,
  });
  const siteIncident = incident({
    id: "site-20261202T100000Z",
    monitorIds: ["site"],
    title: "Website is down",
    cause: { message: "GET https://www.example.com/ failed", phase: "connect" },
    runbook: PUBLIC_RUNBOOK,
  });
  await seedLatest(
    {
      prom: stored({ type: "prometheus", status: "degraded", message: "1 of 5 targets down (node-exporter)", details: promDetails }, at),
      gw: stored(
        {
          status: "down",
          message: gwMessage,
          details: {
            statusCode: null,
            checks: { db: { state: "fail", value: "dial tcp 10.1.1.1:5432 refused" } },
            redirects: 1,
            location: `https://${INTERNAL_HOST}/login`,
          },
        },
        at,
      ),
      cert: stored(
        {
          type: "tls",
          status: "up",
          message: "expires in 60 days",
          details: {
            source: "socket",
            daysLeft: 60,
            notAfter: "2027-02-01T00:00:00.000Z",
            subject: `CN=${CERT_NAME}`,
            sans: [CERT_NAME],
            issuer: "CN=Test CA",
            trusted: true,
          },
        },
        at,
      ),
      cache: stored(
        {
          type: "tcp",
          status: "down",
          latencyMs: 3,
          message: `connected in 3 ms; answer does not start with "+PONG"`,
          details: { tls: false, connectMs: 3, answerMatched: false, answer: BANNER },
        },
        at,
      ),
      "db-dns": stored(
        {
          type: "dns",
          status: "down",
          message: "A 10.9.8.6 missing (got 10.9.8.7)",
          details: { recordType: "A", rcode: "NOERROR", records: ["10.9.8.7"], ttl: 60, missing: ["10.9.8.6"], unexpected: [] },
        },
        at,
      ),
      cluster: stored(
        {
          type: "push",
          status: "down",
          latencyMs: null,
          message: "beat 20 s ago: pg_isready: postgres.arch-separation.svc:5432 - no response; the job reports down",
          details: {
            lastBeatAt: at,
            ageSeconds: 20,
            reportedStatus: "down",
            checks: { postgres: { state: "fail", value: "down" }, "db 10.7.7.7": { state: "pass", value: "up" } },
            periodMinutes: 1,
            graceMinutes: 1,
          },
        },
        at,
      ),
      site: stored(
        {
          status: "down",
          message: "GET https://www.example.com/ failed",
          details: { statusCode: 503, checks: null, redirects: 0, location: "https://www.example.com/maintenance" },
        },
        at,
      ),
    },
    [open, siteIncident],
  );
  await env.HISTORY.put(incidentKey(open.id)!, JSON.stringify(open));
  await env.HISTORY.put(incidentKey(siteIncident.id)!, JSON.stringify(siteIncident));
  return open;
}

const SECRETS = [
  INSTANCE,
  "10.0.3.4",
  "10.0.9.9",
  "10.1.1.1",
  INTERNAL_HOST,
  CERT_NAME,
  "lastError",
  "connection refused",
  "runbooks.",
  REDIS_HOST,
  BANNER,
  "10.9.8.7",
  "10.9.8.6",
  "db.corp-secret",
  "arch-separation.svc",
  "10.7.7.7",
];

afterEach(resetBindings);

describe("public views show what a visitor may see", () => {
  it("no public face carries a scrape target, an internal host or a certificate's names", async () => {
    const open = await seed();
    const bindings = envWith(config, { ADMIN_TOKEN: "admin-token" });
    const paths = [
      "/api/status",
      "/",
      `/incidents/${open.id}`,
      "/api/v2/summary.json",
      "/api/v2/incidents.json",
      "/api/v2/components.json",
      "/feed.atom",
      "/api/incidents",
      `/api/incidents/${open.id}`,
      "/badge/gw.svg",
      "/api/badge/gw",
    ];
    for (const path of paths) {
      const response = await get(bindings, path);
      expect(response.status, path).toBe(200);
      const body = await response.text();
      for (const secret of SECRETS) expect(body, `${path} shows ${secret}`).not.toContain(secret);
    }
  });

  it("keeps what a visitor needs: jobs down, days left, check states, and everything of a monitor marked public", async () => {
    await seed();
    const view = (await (await get(envWith(config), "/api/status")).json()) as {
      monitors: { id: string; message: string; details: Record<string, unknown> }[];
    };
    const byId = Object.fromEntries(view.monitors.map((m) => [m.id, m]));
    expect(byId.prom?.details).toMatchObject({
      targetsDown: [{ job: "node-exporter" }],
      targetsDownTotal: 1,
      alertsFiring: [{ name: "TargetDown" }],
    });
    expect(byId.prom?.message).toBe("1 of 5 targets down (node-exporter)");
    expect(byId.cert?.details).toMatchObject({ daysLeft: 60, issuer: "CN=Test CA" });
    expect(byId.cert?.details).not.toHaveProperty("sans");
    expect(byId.gw?.details).toEqual({
      statusCode: null,
      redirects: 1,
      checks: { db: { state: "fail", value: "dial tcp (address hidden) refused" } },
    });
    // A tcp monitor's answer names software and versions: the visitor learns only whether it matched.
    expect(byId.cache?.details).toEqual({ tls: false, connectMs: 3, answerMatched: false });
    // A dns monitor's records may be internal addresses: counts only, and the message's addresses hidden.
    expect(byId["db-dns"]?.details).toEqual({
      recordType: "A",
      rcode: "NOERROR",
      ttl: 60,
      recordCount: 1,
      missingCount: 1,
      unexpectedCount: 0,
    });
    expect(byId["db-dns"]?.message).toBe("A (address hidden) missing (got (address hidden))");
    // A beat's words and check names go through the same hiding as any text.
    expect(byId.cluster?.message).toBe("beat 20 s ago: pg_isready: (address hidden) - no response; the job reports down");
    expect(byId.cluster?.details).toMatchObject({ reportedStatus: "down", ageSeconds: 20, checks: { postgres: { state: "fail" } } });
    expect(byId.gw?.message).toBe("connection failed: could not reach (address hidden) ((address hidden))");
    // Marked public: its target and words are the visitor's to see.
    expect(byId.site).toMatchObject({
      message: "GET https://www.example.com/ failed",
      details: { location: "https://www.example.com/maintenance" },
    });
  });

  it("shows a public incident's runbook on its page and in /api/incidents, and every runbook in the admin view", async () => {
    await seed();
    const bindings = envWith(config, { ADMIN_TOKEN: "admin-token" });
    const page = await (await get(bindings, "/incidents/site-20261202T100000Z")).text();
    expect(page).toContain(`<a href="${PUBLIC_RUNBOOK}" rel="noopener noreferrer">Runbook</a>`);
    expect(await (await get(bindings, "/api/incidents/site-20261202T100000Z")).json()).toMatchObject({ runbook: PUBLIC_RUNBOOK });
    const listed = (await (await get(bindings, "/api/incidents")).json()) as { incidents: { id: string; runbook?: string }[] };
    expect(Object.fromEntries(listed.incidents.map((i) => [i.id, i.runbook]))).toEqual({
      "gw-20261202T100000Z": undefined,
      "site-20261202T100000Z": PUBLIC_RUNBOOK,
    });
    const admin = (await (await get(bindings, "/api/admin/status", { Authorization: "Bearer admin-token" })).json()) as {
      incidents: { id: string; runbook?: string }[];
    };
    expect(admin.incidents.map((i) => i.runbook).sort()).toEqual([INTERNAL_RUNBOOK, PUBLIC_RUNBOOK].sort());
  });

  it("the admin view keeps the full details", async () => {
    await seed();
    const bindings = envWith(config, { ADMIN_TOKEN: "admin-token" });
    expect((await get(bindings, "/api/admin/status")).status).toBe(401);
    const response = await get(bindings, "/api/admin/status", { Authorization: "Bearer admin-token" });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.text();
    for (const secret of [INSTANCE, LAST_ERROR, INTERNAL_HOST, CERT_NAME, BANNER])
      expect(body).toContain(JSON.stringify(secret).slice(1, -1));
  });
});
