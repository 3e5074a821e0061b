import type { LocationHint } from "../config/base";

/** One location's view of a monitor, as `/api/status` lists it under `details.locations`. */
export interface LocationReport {
  location: LocationHint;
  /** The data center the probe ran in, when the runtime said (`request.cf.colo`). */
  colo: string | null;
  status: "up" | "degraded" | "down" | "unknown";
  latencyMs: number | null;
  checkedAt: string;
  message: string;
}
