// Runs in Node before the workerd test pool: starts the real servers the tests probe.
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startDohServer } from "./helpers/doh-targets";
import { startHttpTargets } from "./helpers/http-targets";
import { startPrometheusStack } from "./helpers/prometheus-stack";
import { startRecordingServer } from "./helpers/recording-server";
import { startTcpTargets, type TcpTargetPorts } from "./helpers/tcp-targets";
import { startTlsServers, type TlsTestValues } from "./helpers/tls-servers";

declare module "vitest" {
  export interface ProvidedContext {
    httpPort: number;
    otherOriginPort: number;
    silentPort: number;
    refusedPort: number;
    tls: TlsTestValues;
    tcp: TcpTargetPorts;
    /** The local DNS-over-HTTPS server (RFC 8484) with the zone of test/helpers/doh-targets.ts. */
    dohUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const http = await startHttpTargets();
  project.provide("httpPort", http.port);
  project.provide("otherOriginPort", http.otherOriginPort);
  project.provide("silentPort", http.silentPort);
  project.provide("refusedPort", http.refusedPort);
  // Real Prometheus and Alertmanager from Debian's packages, on free loopback ports.
  const prom = await startPrometheusStack();
  project.provide("promStack", prom.values.promStack as never);
  // Stands in for Slack, Discord, PagerDuty, Telegram, webhooks and Alertmanager receivers: records what it gets.
  const recorder = await startRecordingServer();
  project.provide("recorder", recorder.values.recorder as never);
  // TLS servers (Node tls and openssl s_server) with certificates issued for the tests with exact dates.
  const tls = await startTlsServers();
  project.provide("tls", tls.values.tls);
  // Plain TCP services for the tcp probe: a Redis-like PING/+PONG, one that wants a password, an SSH banner.
  const tcp = await startTcpTargets();
  project.provide("tcp", tcp.ports);
  // The dns monitors' resolver: tests never reach the default (Cloudflare's), only this one.
  const doh = await startDohServer();
  project.provide("dohUrl", doh.url);
  return async () => {
    await Promise.all([http.close(), prom.close(), recorder.close(), tls.close(), tcp.close(), doh.close()]);
  };
}
