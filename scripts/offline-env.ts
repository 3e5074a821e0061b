/**
 * Keeps wrangler and Miniflare off the internet in local runs and tests: no telemetry, no update check (it hides
 * with the banner), no download of the `Request.cf` placeholder.
 */
export const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
} as const;
