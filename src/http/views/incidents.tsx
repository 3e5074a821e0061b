import { formatDateTime, formatDuration, formatTime, longDay } from "../../read-model/format";
import type { PageIncident } from "../../read-model/page-incidents";
import type { PageView } from "../../read-model/page-view";

const IMPACT: Record<PageIncident["impact"], string> = { minor: "Minor", major: "Major", critical: "Critical" };
const UPDATE: Record<PageIncident["updates"][number]["status"], string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  update: "Update",
  resolved: "Resolved",
};

/** Impact, severity, when, and what it affects, in one line. */
function facts(incident: PageIncident, nowMs: number): string {
  return [
    `${IMPACT[incident.impact]} impact`,
    incident.severity,
    when(incident, nowMs),
    ...(incident.monitors.length > 0 ? [`Affects ${incident.monitors.join(", ")}`] : []),
  ].join(" · ");
}

/** `Since Nov 28, 21:01 UTC`; `Nov 28, 21:01 to 21:31 UTC (30 min)`; across days, both dates. */
function when(incident: PageIncident, nowMs: number): string {
  const start = formatDateTime(incident.startedAt, nowMs);
  if (!incident.resolvedAt) return `Since ${start}`;
  const sameDay = incident.resolvedAt.slice(0, 10) === incident.startedAt.slice(0, 10);
  const span = sameDay
    ? `${start.replace(/ UTC$/, "")} to ${formatTime(incident.resolvedAt)}`
    : `${start} to ${formatDateTime(incident.resolvedAt, nowMs)}`;
  return incident.durationMs === null ? span : `${span} (${formatDuration(incident.durationMs)})`;
}

function Tags(props: { incident: PageIncident }) {
  const i = props.incident;
  return (
    <>
      {i.status === "open" ? <span class="tag">Ongoing</span> : <span class="tag">Resolved</span>}
      {i.flapping ? <span class="tag">Flapping</span> : null}
      {i.acknowledged && i.status === "open" ? <span class="tag">Acknowledged</span> : null}
    </>
  );
}

/** The updates, newest first, as a vertical timeline. */
function Timeline(props: { incident: PageIncident; nowMs: number }) {
  return (
    <ol class="tl" aria-label="Updates">
      {props.incident.updates.map((u) => (
        <li>
          <p>
            <strong>{UPDATE[u.status]}</strong>
            {" – "}
            {u.message}
          </p>
          <time datetime={u.at}>{formatDateTime(u.at, props.nowMs)}</time>
        </li>
      ))}
    </ol>
  );
}

/** An incident as a card: title (linking to its page), tags, facts and its timeline. */
export function IncidentCard(props: { incident: PageIncident; nowMs: number; heading?: "h1" | "h3" }) {
  const i = props.incident;
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
        <Tags incident={i} /> {facts(i, props.nowMs)}
      </p>
      {i.runbook ? (
        <p>
          <a href={i.runbook} rel="noopener noreferrer">
            Runbook
          </a>
        </p>
      ) : null}
      <Timeline incident={i} nowMs={props.nowMs} />
    </article>
  );
}

export function OpenIncidents(props: { view: PageView; nowMs: number }) {
  if (props.view.openIncidents.length === 0) return null;
  return (
    <section aria-labelledby="open">
      <h2 id="open">Active incidents</h2>
      {props.view.openIncidents.map((incident) => (
        <IncidentCard incident={incident} nowMs={props.nowMs} />
      ))}
    </section>
  );
}

/** Incidents resolved in the last 30 days, by day, newest first: each its title, when and its last words. */
export function PastIncidents(props: { view: PageView; nowMs: number }) {
  const days = props.view.pastIncidents;
  return (
    <section aria-labelledby="past">
      <h2 id="past">Past incidents</h2>
      {days.length === 0 ? <p class="mu">No incidents in the last 30 days.</p> : null}
      {days.map(({ day, incidents }) => (
        <>
          <h3 class="day">{longDay(day)}</h3>
          <ul class="past">
            {incidents.map((i) => (
              <li>
                <a href={`/incidents/${encodeURIComponent(i.id)}`}>{i.title}</a>
                <p>{facts(i, props.nowMs)}</p>
                {i.updates[0] ? <p>{`${UPDATE[i.updates[0].status]} – ${i.updates[0].message}`}</p> : null}
              </li>
            ))}
          </ul>
        </>
      ))}
      {props.view.pastMore > 0 ? <p class="mu">{`… and ${props.view.pastMore} more in the last 30 days.`}</p> : null}
    </section>
  );
}
