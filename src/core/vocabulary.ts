/**
 * The words every layer shares: what a probe concludes and what a monitor shows. At the bottom of the import graph:
 * it imports nothing, and anything may import it.
 */

/** What one probe concludes. `maintenance` and `unknown` are never a probe's verdict, only the tick's. */
export type ProbeStatus = "up" | "degraded" | "down";
export type MonitorStatus = ProbeStatus | "maintenance" | "unknown";
