import * as z from "zod";
import { HeaderMap, HttpUrl, interval, MonitorBase } from "./base";
import { AlertFilterFields } from "./alert-filter";

export const AlertmanagerMonitor = z.strictObject({
  ...MonitorBase,
  interval: interval(2),
  type: z.literal("alertmanager"),
  /** The base URL, path prefix included (`https://alertmanager.example.com`). */
  url: HttpUrl,
  /** Sent with every request; e.g. Cloudflare Access service-token headers taken from Worker secrets. */
  headers: HeaderMap.optional(),
  /**
   * The name of an always-firing alert (a dead man's switch such as kube-prometheus's `Watchdog`). It must be
   * active and not silenced; when it is missing, alerts are not reaching Alertmanager and the monitor is down.
   */
  watchdog: z.string().min(1).max(200).optional(),
  ...AlertFilterFields,
  /** Cap on each JSON body; /api/v2/status carries Alertmanager's whole configuration. */
  maxBodyBytes: z.int().min(65_536).max(8_388_608).default(1_048_576),
});
export type AlertmanagerMonitor = z.infer<typeof AlertmanagerMonitor>;
