import { DurableObject } from "cloudflare:workers";
import { formatIssues } from "../config/load";
import { type Bindings, probeDepsFrom } from "../deps";
import type { ProbeDeps } from "../probes/types";
import { probeBatch } from "../scheduler/probe-batch";
import { ShardRequest } from "./shard-protocol";

/** Sent with every HTTP probe from a located shard, so a target's logs (and tests) can tell the regions apart. */
export const LOCATION_HEADER = "edgewatch-location";

function fromLocation(deps: ProbeDeps, location: string): ProbeDeps {
  return {
    ...deps,
    fetch: (input, init) => {
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      headers.set(LOCATION_HEADER, location);
      return deps.fetch(input, { ...init, headers });
    },
  };
}

/**
 * One shard of a tick: a Durable Object invocation of its own, so its probes get their own subrequests, connections
 * and CPU. Placed by location hint when the coordinator asks for one. It keeps no state: results go back in the answer.
 */
export class ProbeShard extends DurableObject<Bindings> {
  override async fetch(request: Request): Promise<Response> {
    const body: unknown = await request.json().catch(() => undefined);
    const parsed = ShardRequest.safeParse(body);
    if (!parsed.success) return Response.json({ error: "invalid shard request", issues: formatIssues(parsed.error.issues) }, { status: 400 });
    const { key, location, monitors, subrequests } = parsed.data;
    const probe = probeDepsFrom(this.env);
    const collected = await probeBatch(monitors, location ? fromLocation(probe, location) : probe, subrequests, subrequests);
    const colo = (request.cf as { colo?: unknown } | undefined)?.colo;
    return Response.json({ key, location, colo: typeof colo === "string" ? colo : null, ...collected });
  }
}
