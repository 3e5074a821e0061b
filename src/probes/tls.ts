import { degradeIfSlow } from "./latency-budget";
import { socketResult } from "./socket-result";
import type { TlsMonitor } from "../config/tls-monitor";
import { assessCertificate } from "../tls/assess-certificate";
import { isCloudflareAddress } from "../tls/cloudflare-ranges";
import { certificatesFor, DEFAULT_API_URL, inactivePackStatuses, listCertificatePacks } from "../tls/cloudflare-api";
import { RaceDeadline } from "../tls/race-deadline";
import { lookupAddresses } from "../tls/doh-lookup";
import { expiryStatus } from "../tls/expiry-status";
import { parseIp } from "../config/ip-address";
import { type Target, socketCertificates } from "../tls/socket-certificates";
import { TlsFailure, type TlsPhase } from "../tls/tls-failure";
import { runtimeTrusts } from "../tls/trust-check";
import { type Certificate, describeName, fingerprintSha256, parseCertificate } from "../tls/x509";
import type { ProbeStatus } from "../core/vocabulary";
import type { ProbeDeps, ProbeResultBase } from "./probe-deps";

/** What a TLS check found. Fields are null when the source or the failure left them unknown. */
export interface TlsDetails {
  source: "socket" | "cloudflare-api";
  notBefore: string | null;
  notAfter: string | null;
  /** Whole days from the check to notAfter, rounded down; negative once expired. */
  daysLeft: number | null;
  issuer: string | null;
  subject: string | null;
  sans: string[];
  serial: string | null;
  fingerprintSha256: string | null;
  keyType: string | null;
  protocol: "TLSv1.3" | "TLSv1.2" | null;
  chainLength: number | null;
  /** The soonest notAfter among all certificates the server sent, the leaf included. */
  earliestChainExpiry: string | null;
  /** Whether the runtime's own TLS accepted the server; null when not asked (API source, or a failure first). */
  trusted: boolean | null;
}

export type TlsProbeResult = ProbeResultBase & { type: "tls"; details: TlsDetails };

const PROXIED = "no TLS handshake: host is proxied by Cloudflare; use source: cloudflare-api";

const emptyDetails = (source: TlsDetails["source"]): TlsDetails => ({
  source,
  notBefore: null,
  notAfter: null,
  daysLeft: null,
  issuer: null,
  subject: null,
  sans: [],
  serial: null,
  fingerprintSha256: null,
  keyType: null,
  protocol: null,
  chainLength: null,
  earliestChainExpiry: null,
  trusted: null,
});

interface Outcome {
  status: ProbeStatus;
  message: string;
  phase?: string;
  latencyMs: number | null;
  details: TlsDetails;
}

/** One probe's run through a source: what it reads, when it started, its deadline, and how far it got. */
interface SourceRun {
  monitor: TlsMonitor;
  deps: ProbeDeps;
  now: number;
  deadline: RaceDeadline;
  progress: { phase: TlsPhase };
}

/**
 * Checks the certificate a TLS server presents, or the one Cloudflare holds for a proxied host.
 * Never throws: a broken target, a hung socket or a bug here all become a `down` result naming the phase.
 */
export async function probeTls(monitor: TlsMonitor, deps: ProbeDeps): Promise<TlsProbeResult> {
  const startedAt = deps.now();
  const deadline = new RaceDeadline(monitor.timeoutMs);
  const target = `${monitor.host}:${monitor.port}`;
  const progress: { phase: TlsPhase } = { phase: "connect" };
  const run: SourceRun = { monitor, deps, now: startedAt, deadline, progress };
  let outcome: Outcome;
  try {
    outcome = monitor.source === "cloudflare-api" ? await viaApi(run) : await viaSocket(run);
  } catch (error) {
    const failure =
      error instanceof TlsFailure
        ? error
        : new TlsFailure(
            progress.phase,
            `${progress.phase} failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200),
          );
    outcome = { status: "down", message: failure.message, phase: failure.phase, latencyMs: null, details: emptyDetails(monitor.source) };
  } finally {
    deadline.clear();
  }
  outcome = degradeIfSlow(outcome, outcome.latencyMs, monitor.degradedAfterMs);
  const probe = { type: "tls" as const, monitorId: monitor.id, startedAt, target: `tls ${monitor.source} ${target}` };
  return socketResult(probe, outcome, outcome.latencyMs, outcome.details);
}

async function viaSocket(run: SourceRun): Promise<Outcome> {
  const { monitor, deps, now, deadline, progress } = run;
  const target: Target = { host: monitor.host, port: monitor.port };
  const bareHost = monitor.host.replace(/^\[(.*)\]$/, "$1");
  const hostIsIp = parseIp(bareHost) !== null;
  const name = monitor.servername ?? bareHost;

  // connect() to Cloudflare's own addresses is refused in production: say so rather than try.
  if (hostIsIp && isCloudflareAddress(bareHost)) throw new TlsFailure("connect", PROXIED);
  progress.phase = "handshake";
  let server;
  try {
    server = await socketCertificates(deps.connect, target, { serverName: monitor.servername ?? (hostIsIp ? null : bareHost) }, deadline);
  } catch (error) {
    if (error instanceof TlsFailure && error.phase === "connect" && (await isProxied(bareHost, hostIsIp, deps, deadline))) {
      throw new TlsFailure("connect", PROXIED);
    }
    throw error;
  }
  const latencyMs = Math.max(0, Math.round(deps.now() - now));

  progress.phase = "parse";
  const chain: Certificate[] = server.certificates.map((der, i) => {
    try {
      return parseCertificate(der);
    } catch (error) {
      throw new TlsFailure("parse", `unreadable certificate #${i + 1}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  const leaf = chain[0]!;
  const earliest = chain.reduce((a, c) => (c.notAfter < a ? c.notAfter : a), leaf.notAfter);
  const details: TlsDetails = {
    source: "socket",
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
    daysLeft: null,
    issuer: describeName(leaf.issuer),
    subject: describeName(leaf.subject),
    sans: [...leaf.dnsNames, ...leaf.ipAddresses],
    serial: leaf.serial,
    fingerprintSha256: await fingerprintSha256(leaf.der),
    keyType: leaf.keyType,
    protocol: server.protocol,
    chainLength: chain.length,
    earliestChainExpiry: earliest.toISOString(),
    trusted: null,
  };

  progress.phase = "trust";
  let trustTimeout: TlsFailure | null = null;
  try {
    details.trusted = await runtimeTrusts(deps.connect, target, deadline);
  } catch (error) {
    if (!(error instanceof TlsFailure)) throw error;
    trustTimeout = error;
  }

  const verdict = assessCertificate({
    chain,
    name,
    trusted: details.trusted,
    now,
    warnDays: monitor.warnDays,
    criticalDays: monitor.criticalDays,
  });
  details.daysLeft = verdict.daysLeft;
  if (trustTimeout) return { status: "down", message: `${trustTimeout.message}; ${verdict.message}`, phase: "timeout", latencyMs, details };
  return { status: verdict.status, message: verdict.message, latencyMs, details, ...(verdict.phase ? { phase: verdict.phase } : {}) };
}

/** After a failed connect: does the host name resolve to Cloudflare, which a Worker's socket may never reach? */
async function isProxied(host: string, hostIsIp: boolean, deps: ProbeDeps, deadline: RaceDeadline): Promise<boolean> {
  if (hostIsIp) return false;
  try {
    const addresses = await deadline.race(lookupAddresses(deps.fetch, host, deadline));
    return addresses.some(isCloudflareAddress);
  } catch {
    return false;
  }
}

async function viaApi(run: SourceRun): Promise<Outcome> {
  const { monitor, deps, now, deadline, progress } = run;
  progress.phase = "config";
  if (!monitor.zoneId || !monitor.apiTokenSecret) throw new TlsFailure("config", 'source "cloudflare-api" needs zoneId and apiTokenSecret');
  const token = deps.secret(monitor.apiTokenSecret);
  if (!token) throw new TlsFailure("config", `secret ${monitor.apiTokenSecret} is not set`);

  progress.phase = "api";
  const request = listCertificatePacks(deps.fetch, {
    apiUrl: monitor.apiUrl ?? DEFAULT_API_URL,
    zoneId: monitor.zoneId,
    token,
    limit: deadline,
  });
  const packs = await deadline.race(request);
  const latencyMs = Math.max(0, Math.round(deps.now() - now));
  const host = monitor.servername ?? monitor.host;
  const [earliest] = certificatesFor(packs, host);
  if (!earliest) {
    const statuses = inactivePackStatuses(packs, host);
    const why = statuses.length ? ` (certificate pack status: ${statuses.join(", ")})` : "";
    return {
      status: "down",
      message: `no active certificate covers ${host}${why}`,
      phase: "api",
      latencyMs,
      details: emptyDetails("cloudflare-api"),
    };
  }
  const expiry = expiryStatus(earliest.expiresOn, now, monitor.warnDays, monitor.criticalDays);
  const details: TlsDetails = {
    ...emptyDetails("cloudflare-api"),
    notAfter: earliest.expiresOn.toISOString(),
    daysLeft: expiry.daysLeft,
    issuer: earliest.issuer,
    subject: host,
    sans: earliest.hosts,
  };
  return { status: expiry.status, message: expiry.message, latencyMs, details, ...(expiry.phase ? { phase: expiry.phase } : {}) };
}
