import * as z from "zod";

/**
 * Which firing alerts count against a Prometheus or Alertmanager monitor. By default every alert counts except
 * the always-firing meta-alerts of the kube-prometheus rules: `Watchdog` (the dead man's switch, firing by design)
 * and `InfoInhibitor` (fires whenever an info-level alert does, only to inhibit it). `"ignoreAlerts": []` counts them too.
 */
export const AlertFilterFields = {
  ignoreAlerts: z.array(z.string().min(1).max(200)).max(100).default(["Watchdog", "InfoInhibitor"]),
  /** When set, only alerts whose `severity` label is listed count (`"none"` stands for no label); `[]` counts none. */
  alertSeverities: z.array(z.string().min(1).max(64)).max(20).optional(),
};
