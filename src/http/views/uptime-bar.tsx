import { BAR_DAYS, type DayRun, type DayState } from "../../read-model/uptime-bar";

/** One letter a state: 20 monitors' bars must stay small. */
const CELL_CLASS: Record<DayState, string> = { up: "u", degraded: "g", down: "x", maintenance: "m", none: "n" };

/**
 * The 90-day bar: a grid of 90 equal columns, one per day, coloured by the day's worst state. Consecutive days that
 * are alike (fully up, or without data) are one element spanning them (`w<N>`), which keeps 20 monitors' bars
 * small; the separators between days are drawn over the whole bar, so a run looks like its days. Each element holds
 * its dates and uptime in words: read by screen readers, shown as a tooltip on hover.
 */
export function UptimeBar(props: { days: DayRun[]; label: string }) {
  return (
    <ol class="bar" aria-label={props.label}>
      {props.days.map((run) => (
        <li class={cellClass(run)}>
          <i>{run.label}</i>
        </li>
      ))}
    </ol>
  );
}

function cellClass(run: DayRun): string {
  const classes = [CELL_CLASS[run.state]];
  if (run.days > 1) classes.push(`w${run.days}`);
  // Tooltips of cells in the right half open to the left, so they stay on screen.
  if (run.start >= BAR_DAYS / 2) classes.push("r");
  return classes.join(" ");
}

/** The `grid-column` rules for the run lengths used on a page: integers only, never data. */
export function spanCss(runs: Iterable<DayRun>): string {
  const lengths = new Set<number>();
  for (const run of runs) if (run.days > 1) lengths.add(Math.trunc(run.days));
  return [...lengths]
    .sort((a, b) => a - b)
    .map((n) => `.w${n}{grid-column:span ${n}}`)
    .join("");
}
