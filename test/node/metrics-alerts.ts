// What docs/prometheus-rules.yml must fire on the /metrics answer of metrics-promtool.test.ts, where ai-worker is
// degraded, billing answers 503, maint answers 503 inside a maintenance window, and the certificate of site (read
// by the tls monitor site-cert) expires in 10 days. Labels come from the answer's own series, as Prometheus would
// have them; the annotations are the rule file's templates, filled in.
import type { ExpectedAlert, Sample } from "./promtool-rules";

const TEXTS: Record<string, { severity: string; summary: string; description: string }> = {
  ProbeFailed: {
    severity: "critical",
    summary: "Probe failed: {instance}",
    description: "Monitor {monitor} has not passed its checks for 5 minutes (down or degraded).",
  },
  ProbeSlow: {
    severity: "warning",
    summary: "Slow probe: {instance}",
    description: "Monitor {monitor} has taken over a second to answer for 5 minutes.",
  },
  ProbeHttpFailure: {
    severity: "critical",
    summary: "HTTP failure: {instance}",
    description: "Monitor {monitor} has answered outside 200-399 (or not at all) for 5 minutes.",
  },
  SslCertificateWillExpireSoon: {
    severity: "warning",
    summary: "Certificate expires soon: {instance}",
    description: "The certificate of monitor {monitor} expires in less than 14 days.",
  },
  SslCertificateHasExpired: {
    severity: "critical",
    summary: "Certificate expired: {instance}",
    description: "The certificate of monitor {monitor} has expired.",
  },
  EdgewatchDataStale: {
    severity: "critical",
    summary: "Edgewatch's data is stale",
    description: "No tick has completed for over 3 minutes, or only the KV copy could be read: every monitor's figures are old.",
  },
};

/** Which monitors each alert fires for; every other alert of the file must stay silent. */
const FIRING: Record<string, { family: string; monitors: string[] }> = {
  // blackbox's probe_success: degraded is a failure too; the monitor in maintenance is left out.
  ProbeFailed: { family: "probe_success", monitors: ["ai-worker", "billing"] },
  ProbeHttpFailure: { family: "probe_http_status_code", monitors: ["billing"] },
  // The tls monitor's certificate, and the same one under the https monitor's own instance.
  SslCertificateWillExpireSoon: { family: "probe_ssl_earliest_cert_expiry", monitors: ["site", "site-cert"] },
};

const fill = (template: string, labels: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, name: string) => labels[name] ?? "");

export function expectedAlerts(samples: readonly Sample[], scrapeLabels: Record<string, string>): Record<string, ExpectedAlert[]> {
  const out: Record<string, ExpectedAlert[]> = {};
  for (const [alert, text] of Object.entries(TEXTS)) {
    const firing = FIRING[alert];
    const series = firing ? samples.filter((s) => s.name === firing.family && firing.monitors.includes(s.labels.monitor ?? "")) : [];
    if (firing && series.length !== firing.monitors.length)
      throw new Error(`${alert}: the answer lacks ${firing.family} of ${firing.monitors}`);
    out[alert] = series.map((s) => {
      const labels = { ...s.labels, ...scrapeLabels };
      return {
        labels: { ...labels, severity: text.severity },
        annotations: { summary: fill(text.summary, labels), description: fill(text.description, labels) },
      };
    });
  }
  return out;
}
