import { DurableObject } from "cloudflare:workers";
import { type Bindings, probeDepsFrom } from "../env/deps";
import type { ProbeDeps } from "../probes/types";
import { probeBatch } from "../probes/probe-batch";
import type { ShardRequest, ShardResponse } from "./shard-protocol";

/** Sent with every HTTP probe from a located shard, so a target's logs (and tests) can tell the regions apart. */
const LOCATION_HEADER = "edgewatch-location";

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
 * and CPU. Placed by location hint when the caller asks for one. It keeps no state: results go back in the answer.
 * Called through Workers RPC by the cron's invocation, with monitors from the config it has already validated.
 */
export class ProbeShard extends DurableObject<Bindings> {
  async probe(request: ShardRequest): Promise<ShardResponse> {
    const { key, location, monitors, subrequests } = request;
    const deps = probeDepsFrom(this.env);
    const collected = await probeBatch(monitors, location ? fromLocation(deps, location) : deps, subrequests, subrequests);
    // Workers RPC gives an object no request, so no `cf.colo`: where it ran is known by its location hint only.
    return { key, location, colo: null, ...collected };
  }
}

/** Calls shard objects of `namespace`: one per shard key, placed by the shard's location hint. */
export function shardCaller(namespace: DurableObjectNamespace<ProbeShard>) {
  return async (shard: { key: string; location: ShardRequest["location"] }, request: ShardRequest): Promise<ShardResponse> => {
    const id = namespace.idFromName(shard.key);
    const stub = shard.location ? namespace.get(id, { locationHint: shard.location }) : namespace.get(id);
    return (await stub.probe(request)) as ShardResponse;
  };
}
