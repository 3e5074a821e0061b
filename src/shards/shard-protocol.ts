import * as z from "zod";
import { LocationHint } from "../config/base";
import { Monitor } from "../config/schema";

/** What the coordinator asks one probe shard to do. */
export const ShardRequest = z.strictObject({
  key: z.string().min(1),
  tickAt: z.iso.datetime(),
  location: LocationHint.nullable(),
  /** The shard invocation's own subrequest limit (the config's `limits.subrequests`). */
  subrequests: z.int().positive(),
  monitors: z.array(Monitor).min(1),
});
export type ShardRequest = z.infer<typeof ShardRequest>;

/** What a shard answers: its probes' results, typed like the tick's own, checked only as far as the tick reads them. */
export const ShardResponse = z.object({
  key: z.string(),
  location: LocationHint.nullable(),
  colo: z.string().nullable(),
  subrequests: z.int().nonnegative(),
  results: z.array(
    z.looseObject({
      monitorId: z.string(),
      type: z.enum(["http", "tls", "prometheus", "alertmanager"]),
      status: z.enum(["up", "degraded", "down"]),
      latencyMs: z.number().nullable(),
      checkedAt: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()),
      unknown: z.literal(true).optional(),
    }),
  ),
});
export type ShardResponse = z.infer<typeof ShardResponse>;

/** What the scheduled handler asks the coordinator: run this minute's tick with this config (null: the bundled one). */
export const CoordinatorTickRequest = z.strictObject({ scheduledTime: z.number().int().positive(), config: z.string().nullable() });
export type CoordinatorTickRequest = z.infer<typeof CoordinatorTickRequest>;
