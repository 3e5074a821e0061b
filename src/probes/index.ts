import type { Monitor } from "../config/schema";
import { settleWithin } from "../core/settle-within";
import { probeAlertmanager } from "./alertmanager";
import { probeHttp } from "./http";
import { probePrometheus } from "./prometheus";
import { probeDns } from "./dns";
import { probeTcp } from "./tcp";
import { probeTls } from "./tls";
import type { ProbeDeps, ProbeResult } from "./types";
import { capProbeTexts } from "./cap-texts";

/** What the tick needs to know of one monitor type: how to probe it, what one probe may cost, and its CPU. */
interface ProbeKind<M extends Monitor> {
  /** The probe, or `"writer"` for a type with nothing to probe (push), which the tick's writer judges from what it stored. */
  probe: ((monitor: M, deps: ProbeDeps) => Promise<ProbeResult>) | "writer";
  /** Subrequests one probe makes at most (a retry makes as many again). */
  subrequests: (monitor: M) => number;
  /**
   * CPU milliseconds per probe, from `npm run bench` (Worker JS, rounded up); for the newer types, estimates from what
   * they do (one request or one socket and a small parse). They size shards with room to spare; no promise.
   */
  cpuMs: number;
}

/**
 * Every monitor type, in one table the compiler holds to the config's union: a new type is its schema, its probe file
 * and one line here (and its public details in read-model/public-view.ts, which the compiler asks for too).
 */
const KINDS: { [T in Monitor["type"]]: ProbeKind<Extract<Monitor, { type: T }>> } = {
  http: { probe: probeHttp, subrequests: () => 1, cpuMs: 0.5 },
  // The handshake read and the runtime's trust check (a DNS lookup only when a connect fails).
  tls: { probe: probeTls, subrequests: () => 2, cpuMs: 1 },
  prometheus: { probe: probePrometheus, subrequests: (m) => 4 + (m.ruleHealth ? 1 : 0) + (m.queries?.length ?? 0), cpuMs: 0.8 },
  alertmanager: { probe: probeAlertmanager, subrequests: () => 3, cpuMs: 0.8 },
  // With tls, a failed handshake is told from a refused port by one plain connect.
  tcp: { probe: probeTcp, subrequests: (m) => (m.tls ? 2 : 1), cpuMs: 0.3 },
  dns: { probe: probeDns, subrequests: () => 1, cpuMs: 0.3 },
  push: { probe: "writer", subrequests: () => 0, cpuMs: 0 },
};

const kindOf = (monitor: Pick<Monitor, "type">) => KINDS[monitor.type] as ProbeKind<Monitor>;

/** Whether the tick probes this monitor (else its writer judges it: push monitors and their beats). */
export const isProbed = (monitor: Pick<Monitor, "type">): boolean => kindOf(monitor).probe !== "writer";

/** Subrequests one probe of this monitor makes at most (a retry makes as many again). */
export const probeCost = (monitor: Monitor): number => kindOf(monitor).subrequests(monitor);

/** Estimated CPU milliseconds of one probe of this monitor. */
export const probeCpuMs = (monitor: Pick<Monitor, "type">): number => kindOf(monitor).cpuMs;

/** Grace on top of a monitor's own timeout before the tick gives up on a probe that ignores it. */
const HARD_TIMEOUT_GRACE_MS = 2_000;

/**
 * Runs the monitor's probe. Whatever the probe does (throws, hangs past its timeout), this returns a result,
 * so one broken target or one bug never takes the tick down.
 */
export async function runProbe(monitor: Monitor, deps: ProbeDeps): Promise<ProbeResult> {
  const startedAt = deps.now();
  // No details: the probe never got far enough to have any. Readers treat every details field as optional.
  const fail = (phase: string, message: string) =>
    ({
      type: monitor.type,
      monitorId: monitor.id,
      status: "down",
      latencyMs: null,
      checkedAt: new Date(startedAt).toISOString(),
      message,
      details: {},
      error: { phase, detail: `${monitor.type} probe of ${monitor.id}: ${message}` },
    }) as unknown as ProbeResult;
  const late = () => fail("timeout", `timeout after ${monitor.timeoutMs} ms`);
  try {
    const probe = kindOf(monitor).probe;
    if (probe === "writer") return fail("config", `${monitor.type} monitors are not probed: their results come from what they report`);
    return capProbeTexts(
      await settleWithin(
        (probe as (m: Monitor, d: ProbeDeps) => Promise<ProbeResult>)(monitor, deps),
        monitor.timeoutMs + HARD_TIMEOUT_GRACE_MS,
        late,
      ),
    );
  } catch (error) {
    return capProbeTexts(fail("internal", `probe failed: ${error instanceof Error ? error.message : String(error)}`));
  }
}
