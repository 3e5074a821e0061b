import type { Monitor } from "../config/schema";
import type { AlertmanagerProbeResult } from "./alertmanager";
import type { HttpProbeResult, ProbeDeps } from "./probe-deps";
import type { PrometheusProbeResult } from "./prometheus";
import type { DnsProbeResult } from "./dns";
import type { PushProbeResult } from "./push";
import type { TcpProbeResult } from "./tcp";
import type { TlsProbeResult } from "./tls";

export type { MonitorStatus, ProbeStatus } from "../core/vocabulary";
export type { CheckReport, HttpDetails, HttpProbeResult, ProbeDeps, ProbeError, ProbeResultBase } from "./probe-deps";

/** A discriminated union on `type`: each monitor type brings its own `details`. */
export type ProbeResult =
  | HttpProbeResult
  | TlsProbeResult
  | PrometheusProbeResult
  | AlertmanagerProbeResult
  | TcpProbeResult
  | DnsProbeResult
  | PushProbeResult;

export type Probe<M extends Monitor = Monitor> = (monitor: M, deps: ProbeDeps) => Promise<ProbeResult>;
