import { describe, expect, it } from "vitest";
import type { MetricsTarget } from "../../src/read-model/metrics-targets";
import { metricsText } from "../../src/read-model/metrics-text";
import { type MonitorView, NO_UPTIME, type StatusView } from "../../src/read-model/status-view";

const monitor = (fields: Partial<MonitorView> & Pick<MonitorView, "id">): MonitorView => ({
  name: fields.id,
  type: "http",
  group: null,
  dependsOn: [],
  affectedBy: null,
  status: "up",
  latencyMs: 10,
  checkedAt: "2026-11-25T10:00:00.000Z",
  since: "2026-11-25T09:00:00.000Z",
  message: "ok",
  details: {},
  uptime: NO_UPTIME,
  ...fields,
});
const view = (monitors: MonitorView[]): StatusView => ({
  title: "t",
  slos: [],
  status: "operational",
  updatedAt: "2026-11-25T10:00:00.000Z",
  stale: false,
  monitors,
  notChecked: 0,
  incidents: [],
});
const lines = (text: string, name: string) => text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
const targets = (entries: Record<string, Partial<MetricsTarget>>) =>
  new Map(Object.entries(entries).map(([id, t]) => [id, { instance: id, tlsEndpoint: null, ...t }]));
const tls = (id: string, details: Record<string, unknown>, fields: Partial<MonitorView> = {}) =>
  monitor({ id, type: "tls" as MonitorView["type"], details, ...fields });
const expiry = (iso: string) => Date.parse(iso) / 1000;

describe("metricsText", () => {
  it("labels every series instance, monitor and group, label values escaped", () => {
    const text = metricsText(view([monitor({ id: "x", group: 'G "1"\\\n2' })]), targets({ x: { instance: "https://x.example/" } }));
    expect(lines(text, "probe_success")).toEqual(['probe_success{instance="https://x.example/",monitor="x",group="G \\"1\\"\\\\\\n2"} 1']);
    // Without a target the instance is the id: never one shared by two monitors.
    expect(lines(metricsText(view([monitor({ id: "y" })])), "probe_success")).toEqual(['probe_success{instance="y",monitor="y"} 1']);
  });

  it("probe_success as blackbox means it: 1 only when up; degraded, down, maintenance and a tick that could not check are 0", () => {
    const text = metricsText(
      view([
        monitor({ id: "up" }),
        monitor({ id: "slow", status: "degraded" }),
        monitor({ id: "dead", status: "down" }),
        monitor({ id: "maint", status: "maintenance" }),
        monitor({ id: "skipped", status: "unknown" }),
        monitor({ id: "new", status: "unknown", checkedAt: null, latencyMs: null }),
      ]),
    );
    expect(lines(text, "probe_success")).toEqual([
      'probe_success{instance="up",monitor="up"} 1',
      'probe_success{instance="slow",monitor="slow"} 0',
      'probe_success{instance="dead",monitor="dead"} 0',
      'probe_success{instance="maint",monitor="maint"} 0',
      'probe_success{instance="skipped",monitor="skipped"} 0',
    ]);
  });

  it("edgewatch_monitor_status: one series per status, 1 for the current one; edgewatch_monitor_maintenance 1 or 0", () => {
    const text = metricsText(view([monitor({ id: "slow", status: "degraded" }), monitor({ id: "maint", status: "maintenance" })]));
    expect(lines(text, "edgewatch_monitor_status")).toEqual([
      'edgewatch_monitor_status{instance="slow",monitor="slow",status="up"} 0',
      'edgewatch_monitor_status{instance="slow",monitor="slow",status="degraded"} 1',
      'edgewatch_monitor_status{instance="slow",monitor="slow",status="down"} 0',
      'edgewatch_monitor_status{instance="slow",monitor="slow",status="maintenance"} 0',
      'edgewatch_monitor_status{instance="slow",monitor="slow",status="unknown"} 0',
      'edgewatch_monitor_status{instance="maint",monitor="maint",status="up"} 0',
      'edgewatch_monitor_status{instance="maint",monitor="maint",status="degraded"} 0',
      'edgewatch_monitor_status{instance="maint",monitor="maint",status="down"} 0',
      'edgewatch_monitor_status{instance="maint",monitor="maint",status="maintenance"} 1',
      'edgewatch_monitor_status{instance="maint",monitor="maint",status="unknown"} 0',
    ]);
    expect(lines(text, "edgewatch_monitor_maintenance")).toEqual([
      'edgewatch_monitor_maintenance{instance="slow",monitor="slow"} 0',
      'edgewatch_monitor_maintenance{instance="maint",monitor="maint"} 1',
    ]);
  });

  it("keeps every probe series through maintenance", () => {
    const locations = [{ location: "weur", colo: "AMS", status: "up", latencyMs: 12, checkedAt: "x", message: "HTTP 200" }];
    const text = metricsText(
      view([
        monitor({ id: "web", status: "maintenance", details: { statusCode: 204, checks: null, locations } }),
        tls("cert", { notAfter: "2027-03-01T00:00:00.000Z" }, { status: "maintenance" }),
      ]),
    );
    for (const name of ["probe_success", "probe_duration_seconds", "probe_http_status_code", "edgewatch_location_probe_success"])
      expect(
        lines(text, name).filter((l) => l.includes('monitor="web"')),
        name,
      ).toHaveLength(1);
    expect(lines(text, "probe_ssl_earliest_cert_expiry")).toEqual([
      `probe_ssl_earliest_cert_expiry{instance="cert",monitor="cert"} ${expiry("2027-03-01T00:00:00Z")}`,
    ]);
  });

  it("probe_ssl_earliest_cert_expiry for tls monitors: the chain's earliest expiry, else the leaf's, in unix seconds", () => {
    const text = metricsText(
      view([
        tls("chain", {
          notAfter: "2027-03-01T00:00:00.000Z",
          earliestChainExpiry: "2027-01-01T00:00:00.000Z",
          subject: "CN=secret.internal",
        }),
        tls("leaf", { notAfter: "2027-03-01T00:00:00.000Z", earliestChainExpiry: null }),
        tls("failed", { notAfter: null, earliestChainExpiry: null }),
        monitor({ id: "web", details: { statusCode: 200, checks: null } }),
      ]),
    );
    expect(lines(text, "probe_ssl_earliest_cert_expiry")).toEqual([
      `probe_ssl_earliest_cert_expiry{instance="chain",monitor="chain"} ${expiry("2027-01-01T00:00:00Z")}`,
      `probe_ssl_earliest_cert_expiry{instance="leaf",monitor="leaf"} ${expiry("2027-03-01T00:00:00Z")}`,
    ]);
    expect(lines(text, "probe_http_status_code")).toEqual(['probe_http_status_code{instance="web",monitor="web"} 200']);
    expect(text).not.toContain("secret.internal");
  });

  it("probe_ssl_earliest_cert_expiry for every monitor of an endpoint a tls monitor reads, under its own instance", () => {
    const text = metricsText(
      view([
        monitor({ id: "web", details: { statusCode: 200, checks: null } }),
        monitor({ id: "web-down", status: "down", details: { statusCode: null, checks: null } }),
        monitor({ id: "other", details: { statusCode: 200, checks: null } }),
        tls("cert", { notAfter: "2027-03-01T00:00:00.000Z", earliestChainExpiry: "2027-02-01T00:00:00.000Z" }),
        tls("cert-again", { notAfter: "2027-04-01T00:00:00.000Z" }),
      ]),
      targets({
        web: { instance: "https://api.example.com/health", tlsEndpoint: "api.example.com:443" },
        "web-down": { tlsEndpoint: "api.example.com:443" },
        other: { instance: "https://other.example.com/", tlsEndpoint: "other.example.com:443" },
        cert: { instance: "api.example.com:443", tlsEndpoint: "api.example.com:443" },
        "cert-again": { tlsEndpoint: "api.example.com:443" },
      }),
    );
    const earliest = expiry("2027-02-01T00:00:00Z");
    expect(lines(text, "probe_ssl_earliest_cert_expiry")).toEqual([
      `probe_ssl_earliest_cert_expiry{instance="https://api.example.com/health",monitor="web"} ${earliest}`,
      `probe_ssl_earliest_cert_expiry{instance="web-down",monitor="web-down"} ${earliest}`,
      `probe_ssl_earliest_cert_expiry{instance="api.example.com:443",monitor="cert"} ${earliest}`,
      `probe_ssl_earliest_cert_expiry{instance="cert-again",monitor="cert-again"} ${expiry("2027-04-01T00:00:00Z")}`,
    ]);
  });

  it("edgewatch_location_probe_success and _duration_seconds per location of a located monitor, skipping locations that did not answer", () => {
    const at = "2026-11-25T10:00:00.000Z";
    const locations = [
      { location: "wnam", colo: "SJC", status: "up", latencyMs: 40, checkedAt: at, message: "HTTP 200 in 40 ms" },
      { location: "weur", colo: "AMS", status: "down", latencyMs: 12, checkedAt: at, message: "HTTP 503 in 12 ms" },
      { location: "enam", colo: "IAD", status: "degraded", latencyMs: 900, checkedAt: at, message: "HTTP 200 in 900 ms" },
      { location: "apac", colo: null, status: "unknown", latencyMs: null, checkedAt: at, message: "no result" },
    ];
    const text = metricsText(
      view([
        monitor({ id: "cdn", group: "Edge", status: "degraded", details: { statusCode: 503, checks: null, locations } }),
        monitor({ id: "plain" }),
      ]),
    );
    expect(lines(text, "edgewatch_location_probe_success")).toEqual([
      'edgewatch_location_probe_success{instance="cdn",monitor="cdn",group="Edge",location="wnam"} 1',
      'edgewatch_location_probe_success{instance="cdn",monitor="cdn",group="Edge",location="weur"} 0',
      'edgewatch_location_probe_success{instance="cdn",monitor="cdn",group="Edge",location="enam"} 0',
    ]);
    expect(lines(text, "edgewatch_location_probe_duration_seconds")).toEqual([
      'edgewatch_location_probe_duration_seconds{instance="cdn",monitor="cdn",group="Edge",location="wnam"} 0.04',
      'edgewatch_location_probe_duration_seconds{instance="cdn",monitor="cdn",group="Edge",location="weur"} 0.012',
      'edgewatch_location_probe_duration_seconds{instance="cdn",monitor="cdn",group="Edge",location="enam"} 0.9',
    ]);
  });

  it("edgewatch_uptime_ratio from the percentages, 0 to 1, omitting windows without data", () => {
    const text = metricsText(view([monitor({ id: "a", uptime: { "24h": 100, "7d": 99.95, "30d": 0.001, "90d": null } })]));
    expect(lines(text, "edgewatch_uptime_ratio")).toEqual([
      'edgewatch_uptime_ratio{instance="a",monitor="a",window="24h"} 1',
      'edgewatch_uptime_ratio{instance="a",monitor="a",window="7d"} 0.9995',
      'edgewatch_uptime_ratio{instance="a",monitor="a",window="30d"} 0.00001',
    ]);
  });

  it("no probe series before a monitor's first check", () => {
    const text = metricsText(view([monitor({ id: "u", status: "unknown", checkedAt: null, latencyMs: null })]));
    expect(lines(text, "probe_success")).toEqual([]);
    expect(lines(text, "probe_duration_seconds")).toEqual([]);
    expect(lines(text, "edgewatch_monitor_status").filter((l) => l.endsWith(" 1"))).toEqual([
      'edgewatch_monitor_status{instance="u",monitor="u",status="unknown"} 1',
    ]);
  });
  it("families of the newer types, with instance like every per-monitor series, blackbox's names where it has the idea, from the public details", () => {
    const typed = (id: string, type: string, details: Record<string, unknown>, fields: Partial<MonitorView> = {}) =>
      monitor({ id, type: type as MonitorView["type"], details, ...fields });
    const text = metricsText(
      view([
        typed("dns", "dns", { recordType: "A", rcode: "NOERROR", recordCount: 2, missingCount: 0 }, { latencyMs: 23 }),
        typed("redis", "tcp", { tls: false, connectMs: 3, answerMatched: false }),
        typed("ssh", "tcp", { tls: false, connectMs: 3, answerMatched: true }),
        typed("port", "tcp", { tls: false, connectMs: 3, answerMatched: null }),
        typed("gw", "http", { statusCode: 200, assertionsPassed: 1, assertions: [{ target: "/queue_depth" }] }),
        typed("plain", "http", { statusCode: 200 }),
        typed("job", "push", { lastBeatAt: "2026-11-25T09:59:40.000Z", reportedStatus: "up" }),
        typed("new-job", "push", { lastBeatAt: null }),
        typed("prom", "prometheus", { rulesTotal: 4, rulesUnhealthyTotal: 1 }),
        typed("prom-old", "prometheus", {}),
        typed("never", "dns", { recordCount: 1 }, { status: "unknown", checkedAt: null }),
      ]),
    );
    expect(lines(text, "probe_dns_lookup_time_seconds")).toEqual(['probe_dns_lookup_time_seconds{instance="dns",monitor="dns"} 0.023']);
    expect(lines(text, "probe_dns_answer_rrs")).toEqual(['probe_dns_answer_rrs{instance="dns",monitor="dns"} 2']);
    expect(lines(text, "probe_failed_due_to_regex")).toEqual([
      'probe_failed_due_to_regex{instance="redis",monitor="redis"} 1',
      'probe_failed_due_to_regex{instance="ssh",monitor="ssh"} 0',
    ]);
    expect(lines(text, "edgewatch_http_assertions_failed")).toEqual(['edgewatch_http_assertions_failed{instance="gw",monitor="gw"} 1']);
    expect(lines(text, "edgewatch_push_last_beat_timestamp_seconds")).toEqual([
      `edgewatch_push_last_beat_timestamp_seconds{instance="job",monitor="job"} ${Date.parse("2026-11-25T09:59:40Z") / 1000}`,
    ]);
    expect(lines(text, "edgewatch_prometheus_rules_unhealthy")).toEqual([
      'edgewatch_prometheus_rules_unhealthy{instance="prom",monitor="prom"} 1',
    ]);
    expect(text).toContain("# TYPE probe_dns_lookup_time_seconds gauge");
  });
});
