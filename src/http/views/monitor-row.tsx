import { formatPercent } from "../../read-model/format";
import type { PageGroup, PageMonitor } from "../../read-model/page-monitors";
import { Sparkline } from "./sparkline";
import { UptimeBar } from "./uptime-bar";

/** One monitor: its state in colour and words, its latest message, latency, certificate days and 90-day bar. */
function MonitorRow(props: { monitor: PageMonitor }) {
  const m = props.monitor;
  return (
    <li class={`s-${m.status}`}>
      <div class="hd">
        <span class="nm">{m.name}</span>
        <Sparkline spark={m.spark} />
        <span class="st">{m.statusText}</span>
      </div>
      <p class="msg">
        {m.message}
        {m.tlsDaysLeft === null ? null : <b>{` · ${certificateWords(m.tlsDaysLeft)}`}</b>}
        {m.target === null ? null : (
          <>
            {" · "}
            <span>{m.target}</span>
          </>
        )}
        {m.affectedBy === null ? null : (
          <>
            {" · affected by "}
            <a href={`/incidents/${encodeURIComponent(m.affectedBy.incidentId)}`}>{`the ${m.affectedBy.name} incident`}</a>
          </>
        )}
      </p>
      <UptimeBar days={m.days} />
      <p class="ax">{m.uptime90d === null ? "No uptime data" : `${formatPercent(m.uptime90d)} uptime`}</p>
    </li>
  );
}

function certificateWords(daysLeft: number): string {
  if (daysLeft < 0) return `certificate expired ${-daysLeft === 1 ? "1 day" : `${-daysLeft} days`} ago`;
  if (daysLeft === 0) return "certificate expires today";
  return `certificate expires in ${daysLeft === 1 ? "1 day" : `${daysLeft} days`}`;
}

/** A group of monitors under its name and its worst state; ungrouped monitors under "Other services" (or "Services"). */
export function MonitorGroup(props: { group: PageGroup; only: boolean }) {
  const g = props.group;
  const name = g.name ?? (props.only ? "Services" : "Other services");
  return (
    <section class="card">
      <h3 class={`gh s-${g.status}`}>
        {name}
        <span class="st">{g.statusText}</span>
      </h3>
      <ul class="mons">
        {g.monitors.map((monitor) => (
          <MonitorRow monitor={monitor} />
        ))}
      </ul>
    </section>
  );
}
