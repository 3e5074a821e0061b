/** What Edgewatch calls itself to the targets it probes: one name, so a target's access log can filter it out. */
export const PROBE_USER_AGENT = "Edgewatch/0.1 (health monitor)";

/** What it calls itself to the services it notifies. */
export const NOTIFY_USER_AGENT = "Edgewatch/0.1 (notifications)";
