import type { Config, Monitor } from "../config/schema";
import { redactUrl } from "../net/redact-url";

/**
 * How each monitor is named in /metrics. blackbox_exporter's dashboards and alerts key on `instance`, which its
 * relabelling sets to the probed target: the URL, or `host:port`. Edgewatch does the same, but the target is an
 * address, and `/metrics` is open (and shared through the edge cache) unless `METRICS_TOKEN` is set: so the target is
 * the `instance` only for a request that the token let in (`reveal: "all"`), or for a monitor marked `public`.
 * Otherwise the `instance` is the monitor's id, which is still one per monitor, so nothing keyed on `instance` ever
 * merges two monitors.
 */
export interface MetricsTarget {
  instance: string;
  /**
   * `host:port` of the TLS server this monitor's connection meets (a tls monitor's, or an https URL's), so that a
   * certificate read by a tls monitor is also the certificate of an https monitor of the same host and port.
   */
  tlsEndpoint: string | null;
}

export type Reveal = "all" | "public";

/** `host:port`, an IPv6 address in brackets as in a URL; names in lower case so that one endpoint has one spelling. */
function hostPort(host: string, port: number | string): string {
  const name = host.toLowerCase();
  return `${name.includes(":") && !name.startsWith("[") ? `[${name}]` : name}:${port}`;
}

function parsed(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** The target as blackbox's relabelling would name it: the URL without credentials or query values, or `host:port`. */
function targetOf(monitor: Monitor): string | null {
  if (monitor.type === "tls" || monitor.type === "tcp") return hostPort(monitor.host, monitor.port);
  // A dns monitor's target is the name it resolves; a push monitor has none (its job calls in).
  if (monitor.type === "dns") return monitor.host;
  if (monitor.type === "push") return null;
  const redacted = redactUrl(monitor.url);
  return redacted === "(invalid URL)" ? null : redacted;
}

function tlsEndpointOf(monitor: Monitor): string | null {
  if (monitor.type === "tls") return hostPort(monitor.servername ?? monitor.host, monitor.port);
  if (monitor.type === "tcp") return monitor.tls ? hostPort(monitor.host, monitor.port) : null;
  if (monitor.type === "dns" || monitor.type === "push") return null;
  const url = parsed(monitor.url);
  if (url?.protocol !== "https:") return null;
  return hostPort(url.hostname, url.port || 443);
}

/** Each configured monitor's `instance` and TLS endpoint, by id. */
export function metricsTargets(config: Pick<Config, "monitors">, reveal: Reveal): Map<string, MetricsTarget> {
  const out = new Map<string, MetricsTarget>();
  for (const monitor of config.monitors) {
    const target = reveal === "all" || monitor.public ? targetOf(monitor) : null;
    out.set(monitor.id, { instance: target ?? monitor.id, tlsEndpoint: tlsEndpointOf(monitor) });
  }
  return out;
}
