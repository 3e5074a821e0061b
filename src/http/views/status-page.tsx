import type { PageChrome } from "../../read-model/page-chrome";
import type { PageIncident } from "../../read-model/page-incidents";
import type { PageView } from "../../read-model/page-view";
import { Banner, MaintenanceNotices, StaleWarning } from "./banner";
import { Frame, type Refresh } from "./frame";
import { IncidentCard, OpenIncidents, PastIncidents } from "./incidents";
import { MonitorGroup } from "./monitor-row";

/** `/`: the banner, notices, open incidents, every monitor by group, and the last 30 days' incidents. */
export function StatusPage(props: { view: PageView; chrome: PageChrome; css: string; nowMs: number; refresh?: Refresh }) {
  const { view, chrome, nowMs } = props;
  const l = chrome.locale;
  return (
    <Frame
      chrome={chrome}
      pageTitle={`${view.banner.text} · ${view.title}`}
      description={l.t.liveStatusOf(view.title, view.banner.text)}
      css={props.css}
      state={view.banner.state}
      home
      refresh={props.refresh ?? { on: true, path: "/" }}
    >
      <Banner view={view} l={l} nowMs={nowMs} />
      <StaleWarning view={view} l={l} />
      <MaintenanceNotices notices={view.maintenance} l={l} nowMs={nowMs} />
      <OpenIncidents view={view} l={l} nowMs={nowMs} />
      <h2>{l.t.services}</h2>
      {view.groups.map((group) => (
        <MonitorGroup group={group} only={view.groups.length === 1} l={l} />
      ))}
      <Objectives view={view} heading={l.t.objectives} />
      <PastIncidents view={view} l={l} nowMs={nowMs} />
    </Frame>
  );
}

/** Each SLO with its attainment, budget left and burn rate. */
function Objectives(props: { view: PageView; heading: string }) {
  if (props.view.slos.length === 0) return null;
  return (
    <section aria-labelledby="slos">
      <h2 id="slos">{props.heading}</h2>
      <ul class="past">
        {props.view.slos.map((s) => (
          <li>
            <strong>{s.name}</strong>
            <p>{s.text}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** `/incidents/:id`: one incident with its whole timeline. */
export function IncidentPage(props: { chrome: PageChrome; incident: PageIncident; css: string; nowMs: number; refresh: Refresh }) {
  const { chrome, incident } = props;
  const l = chrome.locale;
  return (
    <Frame
      chrome={chrome}
      pageTitle={`${incident.title} · ${chrome.title}`}
      description={incident.title}
      css={props.css}
      state={incident.status === "open" ? "degraded" : "operational"}
      home={false}
      refresh={props.refresh}
    >
      <p>
        <a href="/">{l.t.allSystems}</a>
      </p>
      <IncidentCard incident={incident} l={l} nowMs={props.nowMs} heading="h1" />
      {incident.cause ? <p class="mu">{l.t.firstSeen(incident.cause)}</p> : null}
    </Frame>
  );
}

/** A page that is not there (an unknown incident or monitor), or a page that cannot be shown (an invalid config). */
export function MessagePage(props: { chrome: PageChrome; message: [heading: string, text: string]; css: string }) {
  const [heading, text] = props.message;
  return (
    <Frame
      chrome={props.chrome}
      pageTitle={`${heading} · ${props.chrome.title}`}
      description={heading}
      css={props.css}
      state="unknown"
      home={false}
      refresh={null}
    >
      <h1>{heading}</h1>
      <p>{text}</p>
      <p>
        <a href="/">{props.chrome.locale.t.goHome}</a>
      </p>
    </Frame>
  );
}
