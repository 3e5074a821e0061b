import type { Locale } from "../../read-model/locale";
import type { PageIncident } from "../../read-model/page-incidents";
import type { PageView } from "../../read-model/page-view";

/** Impact, severity, when, and what it affects, in one line. */
function facts(incident: PageIncident, l: Locale, nowMs: number): string {
  return [
    l.t.impact[incident.impact],
    incident.severity,
    when(incident, l, nowMs),
    ...(incident.monitors.length > 0 ? [l.t.affects(incident.monitors.join(", "))] : []),
  ].join(" · ");
}

/** `Since Nov 28, 21:01 UTC`; `Nov 28, 21:01 to 21:31 UTC (30 min)`; across days, both dates. */
export function when(incident: Pick<PageIncident, "startedAt" | "resolvedAt" | "durationMs">, l: Locale, nowMs: number): string {
  if (!incident.resolvedAt) return l.t.since(l.dateTime(incident.startedAt, nowMs));
  const span = l.span(incident.startedAt, incident.resolvedAt, nowMs);
  return incident.durationMs === null ? span : l.t.lasted(span, l.duration(incident.durationMs));
}

function Tags(props: { incident: PageIncident; l: Locale }) {
  const i = props.incident;
  const { t } = props.l;
  return (
    <>
      <span class="tag">{i.status === "open" ? t.ongoing : t.resolved}</span>
      {i.flapping ? <span class="tag">{t.flapping}</span> : null}
      {i.acknowledged && i.status === "open" ? <span class="tag">{t.acknowledged}</span> : null}
    </>
  );
}

/** The updates, newest first, as a vertical timeline. */
function Timeline(props: { incident: PageIncident; l: Locale; nowMs: number }) {
  const { l } = props;
  return (
    <ol class="tl" aria-label={l.t.updates}>
      {props.incident.updates.map((u) => (
        <li>
          <p>
            <strong>{l.t.update[u.status]}</strong>
            {" – "}
            {u.message}
          </p>
          <time datetime={u.at}>{l.dateTime(u.at, props.nowMs)}</time>
        </li>
      ))}
    </ol>
  );
}

/** An incident as a card: title (linking to its page), tags, facts and its timeline. */
export function IncidentCard(props: { incident: PageIncident; l: Locale; nowMs: number; heading?: "h1" | "h3" }) {
  const { incident: i, l, nowMs } = props;
  const title =
    props.heading === "h1" ? (
      <h1>{i.title}</h1>
    ) : (
      <h3>
        <a href={`/incidents/${encodeURIComponent(i.id)}`}>{i.title}</a>
      </h3>
    );
  return (
    <article class={`inc i-${i.impact}`}>
      {title}
      <p class="mu">
        <Tags incident={i} l={l} /> {facts(i, l, nowMs)}
      </p>
      {i.runbook ? (
        <p>
          <a href={i.runbook} rel="noopener noreferrer">
            {l.t.runbook}
          </a>
        </p>
      ) : null}
      <Timeline incident={i} l={l} nowMs={nowMs} />
    </article>
  );
}

export function OpenIncidents(props: { view: PageView; l: Locale; nowMs: number }) {
  if (props.view.openIncidents.length === 0) return null;
  return (
    <section aria-labelledby="open">
      <h2 id="open">{props.l.t.activeIncidents}</h2>
      {props.view.openIncidents.map((incident) => (
        <IncidentCard incident={incident} l={props.l} nowMs={props.nowMs} />
      ))}
    </section>
  );
}

/** Incidents resolved in the last 30 days, by day, newest first: each its title, when and its last words. */
export function PastIncidents(props: { view: PageView; l: Locale; nowMs: number }) {
  const { l, nowMs } = props;
  const { t } = l;
  const days = props.view.pastIncidents;
  return (
    <section aria-labelledby="past">
      <h2 id="past">{t.pastIncidents}</h2>
      {days.length === 0 ? <p class="mu">{t.noIncidents}</p> : null}
      {days.map(({ day, incidents }) => (
        <>
          <h3 class="day">{l.longDay(day)}</h3>
          <ul class="past">
            {incidents.map((i) => (
              <li>
                <a href={`/incidents/${encodeURIComponent(i.id)}`}>{i.title}</a>
                <p>{facts(i, l, nowMs)}</p>
                {i.updates[0] ? <p>{`${t.update[i.updates[0].status]} – ${i.updates[0].message}`}</p> : null}
              </li>
            ))}
          </ul>
        </>
      ))}
      {props.view.pastMore > 0 ? <p class="mu">{t.moreIncidents(props.view.pastMore)}</p> : null}
    </section>
  );
}
