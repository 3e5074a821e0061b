import type { Locale } from "../../read-model/locale";
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

/** The overall state, in colour, an icon and words, with the time of the last check (in the page's zone; UTC for machines). */
export function Banner(props: { view: PageView; l: Locale; nowMs: number }) {
  const { banner, updatedAt } = props.view;
  const { t } = props.l;
  return (
    <section class={`ban b-${banner.state}`} aria-label={t.overallStatus}>
      <svg viewBox="0 0 20 20" aria-hidden="true">
        <circle cx="10" cy="10" r="9" />
        <path d={ICONS[banner.state]} />
      </svg>
      <strong>{banner.text}</strong>
      <span>
        {updatedAt ? (
          <>
            {t.updated} <time datetime={updatedAt}>{props.l.dateTime(updatedAt, props.nowMs)}</time>
          </>
        ) : (
          t.notCheckedYet
        )}
      </span>
    </section>
  );
}

/** Said plainly when the data is old: the page refreshes, but the checks behind it may have stopped. */
export function StaleWarning(props: { view: PageView; l: Locale }) {
  const { stale, staleMinutes, updatedAt, notChecked } = props.view;
  const { t } = props.l;
  if (!stale && notChecked > 0) {
    const [headline, text] = t.notChecked(notChecked);
    return (
      <div class="note n-stale" role="status">
        <strong>{headline}</strong>
        <p>{text}</p>
      </div>
    );
  }
  if (!stale) return null;
  return (
    <div class="note n-stale" role="alert">
      <strong>{t.stale.headline}</strong>
      <p>{updatedAt === null ? t.stale.never : t.stale.ranAgo(staleMinutes === null ? t.ago.aWhile : agoWords(staleMinutes, props.l))}</p>
    </div>
  );
}

function agoWords(minutes: number, l: Locale): string {
  if (minutes < 120) return l.t.ago.minutes(minutes);
  if (minutes < 48 * 60) return l.t.ago.hours(Math.floor(minutes / 60));
  return l.t.ago.days(Math.floor(minutes / 1440));
}

/** Maintenance in progress and to come, from the config's windows. */
export function MaintenanceNotices(props: { notices: MaintenanceNotice[]; l: Locale; nowMs: number }) {
  const { l, nowMs } = props;
  const { t } = l;
  if (props.notices.length === 0) return null;
  return (
    <section aria-label={t.maintenanceLabel}>
      {props.notices.map((n) => (
        <div class="note n-mt">
          <strong>{n.active ? t.maintenanceNow(n.title) : t.maintenanceNext(n.title)}</strong>
          <p>
            {n.active ? t.until(l.dateTime(n.endsAt, nowMs)) : t.range(l.dateTime(n.startsAt, nowMs), l.dateTime(n.endsAt, nowMs))}
            {n.recurrence ? ` · ${n.recurrence}` : ""}
            {n.monitors.length > 0 ? ` · ${t.affects(n.monitors.join(", "))}` : ""}
          </p>
        </div>
      ))}
    </section>
  );
}
