import type { Locale } from "../../read-model/locale";
import type { MonitorPageView } from "../../read-model/monitor-page";
import type { PageChrome } from "../../read-model/page-chrome";
import type { PageIncident } from "../../read-model/page-incidents";
import type { MonitorStatus } from "../../probes/types";
import { Frame, type Refresh } from "./frame";
import { when } from "./incidents";
import { LatencyChartView } from "./latency-chart";
import { MonitorMessage } from "./monitor-row";
import { UptimeBar } from "./uptime-bar";

/** The favicon's colour: one monitor down is red, as the whole page's major outage is. */
const FAVICON_STATE: Record<MonitorStatus, string> = {
  up: "operational",
  degraded: "degraded",
  down: "major_outage",
  maintenance: "maintenance",
  unknown: "unknown",
};

/** `/monitors/:id`: the monitor's state, uptime and 90 days, its response times over three windows, its incidents and its data. */
export function MonitorPage(props: { view: MonitorPageView; chrome: PageChrome; css: string; nowMs: number; refresh: Refresh }) {
  const { view, chrome, nowMs } = props;
  const l = chrome.locale;
  const { t } = l;
  const m = view.monitor;
  const id = encodeURIComponent(m.id);
  return (
    <Frame
      chrome={chrome}
      pageTitle={`${m.name} · ${chrome.title}`}
      description={t.monitorDescription(m.name)}
      css={props.css}
      state={FAVICON_STATE[m.status]}
      home={false}
      refresh={props.refresh}
    >
      <p>
        <a href="/">{t.allSystems}</a>
      </p>
      <div class={`hd mh s-${m.status}`}>
        <h1 class="nm">{m.name}</h1>
        <span class="st">{m.statusText}</span>
      </div>
      <MonitorMessage monitor={m} l={l} />
      <p class="mu">
        {view.group === null ? null : `${view.group} · `}
        {view.updatedAt ? (
          <>
            {t.updated} <time datetime={view.updatedAt}>{l.dateTime(view.updatedAt, nowMs)}</time>
          </>
        ) : (
          t.notCheckedYet
        )}
      </p>
      {view.stale ? (
        <div class="note n-stale" role="status">
          <strong>{t.stale.headline}</strong>
        </div>
      ) : null}
      <h2>{t.uptimeHeading}</h2>
      <ul class="kv">
        {view.uptime.map((u) => (
          <li>
            <b>{u.text}</b>
            {t.uptimeWindows[u.window]}
          </li>
        ))}
      </ul>
      <UptimeBar days={m.days} label={t.bar.label} />
      <p class="ax">{m.uptime90d === null ? t.noUptimeData : t.uptime(l.percent(m.uptime90d))}</p>
      <h2>{t.responseTimes}</h2>
      {view.charts.map((chart) => (
        <LatencyChartView chart={chart} l={l} />
      ))}
      <h2>{t.recentIncidents}</h2>
      <Incidents incidents={view.incidents} l={l} nowMs={nowMs} />
      <h2>{t.data}</h2>
      <p>
        <a href={`/api/monitors/${id}/history`}>{t.historyJson}</a> · <a href={`/badge/${id}.svg`}>{t.badge}</a>
      </p>
    </Frame>
  );
}

/** Each incident with its title (linking to its page), when and how long: so far for an open one. */
function Incidents(props: { incidents: PageIncident[]; l: Locale; nowMs: number }) {
  const { l, nowMs } = props;
  const { t } = l;
  if (props.incidents.length === 0) return <p class="mu">{t.noIncidents}</p>;
  return (
    <ul class="past">
      {props.incidents.map((i) => (
        <li>
          <a href={`/incidents/${encodeURIComponent(i.id)}`}>{i.title}</a>
          <p>
            {[
              i.status === "open" ? t.ongoing : t.resolved,
              t.impact[i.impact],
              when(i, l, nowMs),
              ...(i.status === "open" ? [t.soFar(l.duration(nowMs - Date.parse(i.startedAt)))] : []),
            ].join(" · ")}
          </p>
        </li>
      ))}
    </ul>
  );
}
