import type { LocationHint } from "../config/base";
import type { Monitor } from "../config/schema";
import type { CollectedResult } from "../probes/probe-batch";

/** What the tick asks one probe shard to do (over Workers RPC, between this Worker's own code: not re-validated). */
export interface ShardRequest {
  key: string;
  tickAt: string;
  location: LocationHint | null;
  /** The shard invocation's own subrequest limit (the config's `limits.subrequests`). */
  subrequests: number;
  monitors: Monitor[];
}

/** What a shard answers: its probes' results, typed like the tick's own, from the monitor union. */
export interface ShardResponse {
  key: string;
  location: LocationHint | null;
  colo: string | null;
  subrequests: number;
  results: CollectedResult[];
}
