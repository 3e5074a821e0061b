import type { Locale } from "../../read-model/locale";
import type { PageGroup, PageMonitor } from "../../read-model/page-monitors";
import type { PageStrings } from "../../read-model/strings/types";
import { Sparkline } from "./sparkline";
import { UptimeBar } from "./uptime-bar";

/** The page of one monitor. Ids are slugs; encoded all the same, as every path built from data. */
export const monitorHref = (id: string) => `/monitors/${encodeURIComponent(id)}`;

/** The latest message, certificate days, the public target and the incident a dependant is affected by, in one line. */
export function MonitorMessage(props: { monitor: PageMonitor; l: Locale }) {
  const m = props.monitor;
  const { t } = props.l;
  const affected = m.affectedBy && t.affectedBy(m.affectedBy.name);
  return (
    <p class="msg">
      {m.message}
      {m.tlsDaysLeft === null ? null : <b>{` · ${certificateWords(m.tlsDaysLeft, t)}`}</b>}
      {m.target === null ? null : (
        <>
          {" · "}
          <span>{m.target}</span>
        </>
      )}
      {m.affectedBy === null || !affected ? null : (
        <>
          {affected[0]}
          <a href={`/incidents/${encodeURIComponent(m.affectedBy.incidentId)}`}>{affected[1]}</a>
        </>
      )}
    </p>
  );
}

/** One monitor: its name (linking to its page), state in colour and words, latest message, latency and 90-day bar. */
function MonitorRow(props: { monitor: PageMonitor; l: Locale }) {
  const m = props.monitor;
  const { l } = props;
  return (
    <li class={`s-${m.status}`}>
      <div class="hd">
        <a class="nm" href={monitorHref(m.id)}>
          {m.name}
        </a>
        <Sparkline spark={m.spark} l={l} />
        <span class="st">{m.statusText}</span>
      </div>
      <MonitorMessage monitor={m} l={l} />
      <UptimeBar days={m.days} label={l.t.bar.label} />
      <p class="ax">{m.uptime90d === null ? l.t.noUptimeData : l.t.uptime(l.percent(m.uptime90d))}</p>
    </li>
  );
}

function certificateWords(daysLeft: number, t: PageStrings): string {
  if (daysLeft < 0) return t.certificate.expired(-daysLeft);
  if (daysLeft === 0) return t.certificate.today;
  return t.certificate.expiresIn(daysLeft);
}

/** A group of monitors under its name and its worst state; ungrouped monitors under "Other services" (or "Services"). */
export function MonitorGroup(props: { group: PageGroup; only: boolean; l: Locale }) {
  const g = props.group;
  const { t } = props.l;
  const name = g.name ?? (props.only ? t.services : t.otherServices);
  return (
    <section class="card">
      <h3 class={`gh s-${g.status}`}>
        {name}
        <span class="st">{g.statusText}</span>
      </h3>
      <ul class="mons">
        {g.monitors.map((monitor) => (
          <MonitorRow monitor={monitor} l={props.l} />
        ))}
      </ul>
    </section>
  );
}
