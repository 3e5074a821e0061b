import { describe, expect, it } from "vitest";
import { escapeLabelValue, metricsText } from "../../src/read-model/metrics-text";
import { type MonitorView, NO_UPTIME, type StatusView } from "../../src/read-model/status-view";

const monitor = (fields: Partial<MonitorView> & Pick<MonitorView, "id">): MonitorView => ({
  name: fields.id,
  type: "http",
  group: null,
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
  status: "operational",
  updatedAt: "2026-11-25T10:00:00.000Z",
  stale: false,
  monitors,
  notChecked: 0,
  incidents: [],
});
const lines = (text: string, name: string) => text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

describe("metricsText", () => {
  it("escapes label values as the format says: backslash, double quote, line feed", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const text = metricsText(view([monitor({ id: "x", group: 'G "1"\\\n2' })]));
    expect(lines(text, "probe_success")).toEqual(['probe_success{monitor="x",group="G \\"1\\"\\\\\\n2"} 1']);
  });

  it("probe_ssl_earliest_cert_expiry for tls monitors: the chain's earliest expiry, else the leaf's, in unix seconds", () => {
    const tls = (id: string, details: Record<string, unknown>) => monitor({ id, type: "tls" as MonitorView["type"], details });
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
      `probe_ssl_earliest_cert_expiry{monitor="chain"} ${Date.parse("2027-01-01T00:00:00Z") / 1000}`,
      `probe_ssl_earliest_cert_expiry{monitor="leaf"} ${Date.parse("2027-03-01T00:00:00Z") / 1000}`,
    ]);
    expect(lines(text, "probe_http_status_code")).toEqual(['probe_http_status_code{monitor="web"} 200']);
    expect(text).not.toContain("secret.internal");
  });

  it("edgewatch_location_probe_success and _duration_seconds per location of a located monitor, skipping locations that did not answer", () => {
    const at = "2026-11-25T10:00:00.000Z";
    const locations = [
      { location: "wnam", colo: "SJC", status: "up", latencyMs: 40, checkedAt: at, message: "HTTP 200 in 40 ms" },
      { location: "weur", colo: "AMS", status: "down", latencyMs: 12, checkedAt: at, message: "HTTP 503 in 12 ms" },
      { location: "apac", colo: null, status: "unknown", latencyMs: null, checkedAt: at, message: "no result" },
    ];
    const text = metricsText(
      view([
        monitor({ id: "cdn", group: "Edge", status: "degraded", details: { statusCode: 503, checks: null, locations } }),
        monitor({ id: "plain" }),
      ]),
    );
    expect(lines(text, "edgewatch_location_probe_success")).toEqual([
      'edgewatch_location_probe_success{monitor="cdn",group="Edge",location="wnam"} 1',
      'edgewatch_location_probe_success{monitor="cdn",group="Edge",location="weur"} 0',
    ]);
    expect(lines(text, "edgewatch_location_probe_duration_seconds")).toEqual([
      'edgewatch_location_probe_duration_seconds{monitor="cdn",group="Edge",location="wnam"} 0.04',
      'edgewatch_location_probe_duration_seconds{monitor="cdn",group="Edge",location="weur"} 0.012',
    ]);
    // In maintenance the verdicts are not kept, per location as for the monitor.
    expect(
      lines(metricsText(view([monitor({ id: "cdn", status: "maintenance", details: { locations } })])), "edgewatch_location_probe_success"),
    ).toEqual([]);
  });

  it("edgewatch_uptime_ratio from the percentages, 0 to 1, omitting windows without data", () => {
    const text = metricsText(view([monitor({ id: "a", uptime: { "24h": 100, "7d": 99.95, "30d": 0.001, "90d": null } })]));
    expect(lines(text, "edgewatch_uptime_ratio")).toEqual([
      'edgewatch_uptime_ratio{monitor="a",window="24h"} 1',
      'edgewatch_uptime_ratio{monitor="a",window="7d"} 0.9995',
      'edgewatch_uptime_ratio{monitor="a",window="30d"} 0.00001',
    ]);
  });

  it("probe_success only for a verdict the tick kept: not in maintenance, not before a check", () => {
    const text = metricsText(
      view([monitor({ id: "m", status: "maintenance" }), monitor({ id: "u", status: "unknown", checkedAt: null, latencyMs: null })]),
    );
    expect(lines(text, "probe_success")).toEqual([]);
    expect(lines(text, "probe_duration_seconds")).toEqual(['probe_duration_seconds{monitor="m"} 0.01']);
  });
  it("families of the newer types, blackbox's names where it has the idea, from the public details", () => {
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
    expect(lines(text, "probe_dns_lookup_time_seconds")).toEqual(['probe_dns_lookup_time_seconds{monitor="dns"} 0.023']);
    expect(lines(text, "probe_dns_answer_rrs")).toEqual(['probe_dns_answer_rrs{monitor="dns"} 2']);
    expect(lines(text, "probe_failed_due_to_regex")).toEqual([
      'probe_failed_due_to_regex{monitor="redis"} 1',
      'probe_failed_due_to_regex{monitor="ssh"} 0',
    ]);
    expect(lines(text, "edgewatch_http_assertions_failed")).toEqual(['edgewatch_http_assertions_failed{monitor="gw"} 1']);
    expect(lines(text, "edgewatch_push_last_beat_timestamp_seconds")).toEqual([
      `edgewatch_push_last_beat_timestamp_seconds{monitor="job"} ${Date.parse("2026-11-25T09:59:40Z") / 1000}`,
    ]);
    expect(lines(text, "edgewatch_prometheus_rules_unhealthy")).toEqual(['edgewatch_prometheus_rules_unhealthy{monitor="prom"} 1']);
    expect(text).toContain("# TYPE probe_dns_lookup_time_seconds gauge");
  });
});
