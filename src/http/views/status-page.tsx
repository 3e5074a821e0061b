import type { Child } from "hono/jsx";
import type { PageIncident } from "../../read-model/page-incidents";
import type { PageView } from "../../read-model/page-view";
import { Banner, MaintenanceNotices, StaleWarning } from "./banner";
import { IncidentCard, OpenIncidents, PastIncidents } from "./incidents";
import { Layout } from "./layout";
import { MonitorGroup } from "./monitor-row";

function Header(props: { title: string; home: boolean }) {
  return (
    <header class="top">
      <div class="w">
        {props.home ? (
          <h1>{props.title}</h1>
        ) : (
          <a class="site" href="/">
            {props.title}
          </a>
        )}
        <a href="/feed.atom">Subscribe to incidents (Atom)</a>
      </div>
    </header>
  );
}

/** How the page refreshes itself, and the switch to stop it (or start it again): the same path with or without `?refresh=off`. */
export interface Refresh {
  on: boolean;
  path: string;
}

function Footer(props: { refresh: Refresh | null }) {
  const refresh = props.refresh;
  return (
    <footer class="w">
      <p>
        Times in UTC.{" "}
        {refresh === null ? null : refresh.on ? (
          <>
            This page refreshes every minute (<a href={`${refresh.path}?refresh=off`}>stop</a>).{" "}
          </>
        ) : (
          <>
            Automatic refresh is off (<a href={refresh.path}>turn it on</a>).{" "}
          </>
        )}
        <a href="/api/status">Status as JSON</a> · <a href="/feed.atom">Atom feed</a> · Edgewatch
      </p>
    </footer>
  );
}

function Frame(props: {
  title: string;
  pageTitle: string;
  description: string;
  css: string;
  state: string;
  home: boolean;
  refresh: Refresh | null;
  children: Child;
}) {
  return (
    <Layout
      title={props.pageTitle}
      description={props.description}
      css={props.css}
      state={props.state}
      refresh={props.refresh?.on ?? false}
    >
      <Header title={props.title} home={props.home} />
      <main class="w">{props.children}</main>
      <Footer refresh={props.refresh} />
    </Layout>
  );
}

/** `/`: the banner, notices, open incidents, every monitor by group, and the last 30 days' incidents. */
export function StatusPage(props: { view: PageView; css: string; nowMs: number; refresh?: Refresh }) {
  const { view, nowMs } = props;
  return (
    <Frame
      title={view.title}
      pageTitle={`${view.banner.text} · ${view.title}`}
      description={`Live status of ${view.title}: ${view.banner.text.toLowerCase()}.`}
      css={props.css}
      state={view.banner.state}
      home
      refresh={props.refresh ?? { on: true, path: "/" }}
    >
      <Banner view={view} nowMs={nowMs} />
      <StaleWarning view={view} />
      <MaintenanceNotices notices={view.maintenance} nowMs={nowMs} />
      <OpenIncidents view={view} nowMs={nowMs} />
      <h2>Services</h2>
      {view.groups.map((group) => (
        <MonitorGroup group={group} only={view.groups.length === 1} />
      ))}
      <Objectives view={view} />
      <PastIncidents view={view} nowMs={nowMs} />
    </Frame>
  );
}

/** Each SLO with its attainment, budget left and burn rate. */
function Objectives(props: { view: PageView }) {
  if (props.view.slos.length === 0) return null;
  return (
    <section aria-labelledby="slos">
      <h2 id="slos">Service level objectives</h2>
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
export function IncidentPage(props: { title: string; incident: PageIncident; css: string; nowMs: number; refresh: Refresh }) {
  const state = props.incident.status === "open" ? "degraded" : "operational";
  return (
    <Frame
      title={props.title}
      pageTitle={`${props.incident.title} · ${props.title}`}
      description={props.incident.title}
      css={props.css}
      state={state}
      home={false}
      refresh={props.refresh}
    >
      <p>
        <a href="/">← All systems</a>
      </p>
      <IncidentCard incident={props.incident} nowMs={props.nowMs} heading="h1" />
      {props.incident.cause ? <p class="mu">{`First seen: ${props.incident.cause}`}</p> : null}
    </Frame>
  );
}

/** A page that is not there (an unknown incident), or a page that cannot be shown (an invalid config). */
export function MessagePage(props: { title: string; heading: string; text: string; css: string }) {
  return (
    <Frame
      title={props.title}
      pageTitle={`${props.heading} · ${props.title}`}
      description={props.heading}
      css={props.css}
      state="unknown"
      home={false}
      refresh={null}
    >
      <h1>{props.heading}</h1>
      <p>{props.text}</p>
      <p>
        <a href="/">Go to the status page</a>
      </p>
    </Frame>
  );
}
