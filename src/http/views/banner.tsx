import { formatDateTime } from "../../read-model/format";
import type { MaintenanceNotice } from "../../read-model/maintenance-notices";
import type { BannerState, PageView } from "../../read-model/page-view";

const ICONS: Record<BannerState, string> = {
  operational: "M6 10.5l2.5 2.5L14 7.5",
  degraded: "M10 5.5v5.5M10 14v.5",
  partial_outage: "M10 5.5v5.5M10 14v.5",
  major_outage: "M7 7l6 6M13 7l-6 6",
  maintenance: "M7 10h6",
  unknown: "M8 8a2 2 0 1 1 2.5 2c-.5.3-.5.8-.5 1.5M10 14v.5",
};

/** The overall state, in colour, an icon and words, with the time of the last check. */
export function Banner(props: { view: PageView; nowMs: number }) {
  const { banner, updatedAt } = props.view;
  return (
    <section class={`ban b-${banner.state}`} aria-label="Overall status">
      <svg viewBox="0 0 20 20" aria-hidden="true">
        <circle cx="10" cy="10" r="9" />
        <path d={ICONS[banner.state]} />
      </svg>
      <strong>{banner.text}</strong>
      <span>
        {updatedAt ? (
          <>
            Updated <time datetime={updatedAt}>{formatDateTime(updatedAt, props.nowMs)}</time>
          </>
        ) : (
          "Not checked yet"
        )}
      </span>
    </section>
  );
}

/** Said plainly when the data is old: the page refreshes, but the checks behind it may have stopped. */
export function StaleWarning(props: { view: PageView }) {
  const { stale, staleMinutes, updatedAt, notChecked } = props.view;
  if (!stale && notChecked > 0) {
    return (
      <div class="note n-stale" role="status">
        <strong>{`${notChecked} ${notChecked === 1 ? "check" : "checks"} could not run in the last minute.`}</strong>
        <p>Their state is unknown; they are shown as such, and they count against the overall status.</p>
      </div>
    );
  }
  if (!stale) return null;
  return (
    <div class="note n-stale" role="alert">
      <strong>These results may be out of date.</strong>
      <p>
        {updatedAt === null
          ? "No check has completed yet, or the latest results could not be read."
          : `The last check ran ${staleMinutes === null ? "a while" : minutesWords(staleMinutes)} ago; checks normally run every minute.`}
      </p>
    </div>
  );
}

function minutesWords(minutes: number): string {
  if (minutes < 120) return `${minutes} minutes`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} hours`;
  return `${Math.floor(minutes / 1440)} days`;
}

/** Maintenance in progress and to come, from the config's windows. */
export function MaintenanceNotices(props: { notices: MaintenanceNotice[]; nowMs: number }) {
  if (props.notices.length === 0) return null;
  return (
    <section aria-label="Maintenance">
      {props.notices.map((n) => (
        <div class="note n-mt">
          <strong>{n.active ? `Maintenance in progress: ${n.title}` : `Scheduled maintenance: ${n.title}`}</strong>
          <p>
            {n.active
              ? `Until ${formatDateTime(n.endsAt, props.nowMs)}`
              : `${formatDateTime(n.startsAt, props.nowMs)} to ${formatDateTime(n.endsAt, props.nowMs)}`}
            {n.recurrence ? ` · ${n.recurrence}` : ""}
            {n.monitors.length > 0 ? ` · Affects ${n.monitors.join(", ")}` : ""}
          </p>
        </div>
      ))}
    </section>
  );
}
