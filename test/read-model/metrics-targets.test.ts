import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import type { Config } from "../../src/config/schema";
import { metricsTargets } from "../../src/read-model/metrics-targets";

function config(monitors: unknown[]): Config {
  const parsed = parseConfig({ title: "t", monitors });
  if (!parsed.ok) throw new Error(parsed.errors.join("; "));
  return parsed.config;
}

const monitors = config([
  { id: "web", name: "Web", type: "http", url: "https://user:pw-1@API.example.com/health?token=s3cret&x=1#frag" },
  { id: "plain", name: "Plain", type: "http", url: "http://10.0.0.7:8080/ready" },
  { id: "cert", name: "Cert", type: "tls", host: "api.example.com" },
  { id: "cert-sni", name: "Cert by SNI", type: "tls", host: "192.0.2.10", port: 8443, servername: "Edge.Example.com" },
  { id: "cert-v6", name: "Cert v6", type: "tls", host: "2001:db8::1" },
  { id: "prom", name: "Prometheus", type: "prometheus", url: "https://prom.example.com:9443/", public: true },
]);

/** One field of each monitor's target, by monitor id. */
const byMonitor = <K extends "instance" | "tlsEndpoint">(targets: ReturnType<typeof metricsTargets>, key: K) =>
  Object.fromEntries([...targets].map(([id, t]) => [id, t[key]]));

describe("metricsTargets", () => {
  it("behind the token, names every target as blackbox's relabelling would: the URL without credentials or query values, or host:port", () => {
    const targets = metricsTargets(monitors, "all");
    expect(byMonitor(targets, "instance")).toEqual({
      web: "https://api.example.com/health?token=redacted&x=redacted",
      plain: "http://10.0.0.7:8080/ready",
      cert: "api.example.com:443",
      "cert-sni": "192.0.2.10:8443",
      "cert-v6": "[2001:db8::1]:443",
      prom: "https://prom.example.com:9443/",
    });
  });

  it("open, names only the public monitors' targets; every other instance is the monitor's id, one per monitor", () => {
    const targets = metricsTargets(monitors, "public");
    expect(byMonitor(targets, "instance")).toEqual({
      web: "web",
      plain: "plain",
      cert: "cert",
      "cert-sni": "cert-sni",
      "cert-v6": "cert-v6",
      prom: "https://prom.example.com:9443/",
    });
  });

  it("gives the TLS endpoint an https URL and a tls monitor (its SNI name) meet, in one spelling", () => {
    const targets = metricsTargets(monitors, "public");
    expect(byMonitor(targets, "tlsEndpoint")).toEqual({
      web: "api.example.com:443",
      plain: null,
      cert: "api.example.com:443",
      "cert-sni": "edge.example.com:8443",
      "cert-v6": "[2001:db8::1]:443",
      prom: "prom.example.com:9443",
    });
  });
});
