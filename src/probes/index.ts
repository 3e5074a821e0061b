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

/**
 * The probe for each monitor type; a new type adds one line here and one file beside this one. `"writer"`: a type with
 * nothing to probe (push), which the tick's writer judges from what it stored.
 */
const probes: {
  [T in Monitor["type"]]: ((monitor: Extract<Monitor, { type: T }>, deps: ProbeDeps) => Promise<ProbeResult>) | "writer";
} = {
  http: probeHttp,
  tls: probeTls,
  prometheus: probePrometheus,
  alertmanager: probeAlertmanager,
  tcp: probeTcp,
  dns: probeDns,
  push: "writer",
};

/** Whether the tick probes this monitor (else its writer judges it: push monitors and their beats). */
export const isProbed = (monitor: Pick<Monitor, "type">): boolean => probes[monitor.type] !== "writer";

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
    const probe = probes[monitor.type];
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
