import type { Config } from "../config/schema";
import type { StatusView } from "./status-view";

/** The page every Statuspage v2 document names (see statuspage.ts for the format and the mapping). Pure. */

export interface SpPage {
  id: string;
  name: string;
  url: string;
  time_zone: string;
  updated_at: string;
}

/** What every mapping needs: the config (severities, maintenance), the view, where the page lives, and now. */
export interface StatuspageInput {
  config: Config;
  view: StatusView;
  /** The origin the request came in on, e.g. `https://status.example.com`. */
  origin: string;
  nowMs: number;
}

export const iso = (ms: number) => new Date(ms).toISOString();

export function pageOf(input: StatuspageInput): SpPage {
  const url = new URL(input.origin);
  return {
    id: url.hostname,
    name: input.view.title,
    url: url.origin,
    time_zone: "Etc/UTC",
    updated_at: input.view.updatedAt ?? iso(input.nowMs),
  };
}
