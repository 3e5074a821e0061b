/** The uptime windows every face shows. */
const UPTIME_WINDOWS = { "24h": 1, "7d": 7, "30d": 30, "90d": 90 } as const;
export type UptimeWindow = keyof typeof UPTIME_WINDOWS;
/** Percent with three decimals per window; null when the window holds no minute that counts. */
export type Uptime = Record<UptimeWindow, number | null>;
