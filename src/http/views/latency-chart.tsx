import type { ChartWindow, LatencyChart } from "../../read-model/latency-chart";
import type { Locale } from "../../read-model/locale";
import { linePath } from "./sparkline";

/**
 * Slots are STEP apart in a box HEIGHT high, so every coordinate is a whole number; the SVG stretches to the page's
 * width (preserveAspectRatio="none") while its strokes keep their width (vector-effect in the CSS).
 */
const STEP: Record<ChartWindow, number> = { "24h": 6, "7d": 4, "30d": 20 };
const HEIGHT = 100;

/** The chart's styles: only the page of a monitor carries them. Constants: no data goes in. */
export const CHART_CSS = `
.kv{display:flex;flex-wrap:wrap;gap:8px 28px;margin:0 0 4px}
.kv b{display:block;font-size:18px}
.mh{margin-top:8px}.mh h1{flex:1}
.ch{margin:0 0 28px}
.ch h3{margin-bottom:8px}
.cw{position:relative;height:120px;margin-left:64px;border-left:var(--bd);border-bottom:var(--bd)}
.cw svg{display:block;width:100%;height:100%;overflow:visible}
.cw path{fill:none;vector-effect:non-scaling-stroke;stroke-linejoin:round;stroke-linecap:round}
.gl{stroke:var(--ln)}.p50{stroke:var(--mt);stroke-width:2.5}.p95{stroke:var(--mu);stroke-width:1.5;stroke-dasharray:4 3}.dl{stroke:var(--dg);stroke-width:1.5;stroke-dasharray:8 4}
.yl{position:absolute;top:0;right:calc(100% + 6px);white-space:nowrap;font-size:12px;line-height:1;color:var(--mu);transform:translateY(-50%)}.y1{top:50%}
.cx,.lg{display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px 16px;margin:4px 0 0 64px;font-size:12px;color:var(--mu)}
.lg{justify-content:flex-start}
.lg li::before{content:"";display:inline-block;width:18px;margin-right:6px;vertical-align:middle;border-top:3px solid var(--mt)}
.lg .k95::before{border-top:2px dashed var(--mu)}.lg .kdl::before{border-top:2px dashed var(--dg)}
@media (max-width:600px){.cw,.cx,.lg{margin-left:50px}}
`
  .trim()
  .replace(/\n/g, "");

/**
 * One window's response times: p50 and p95 as lines (broken where a slot has none), the `degradedAfterMs` line when it
 * is to scale, the scale's top and middle, the window's ends and a legend. The chart's words (median and peak) are
 * its title, for screen readers and on hover; the numbers on the axes are for the eye only.
 */
export function LatencyChartView(props: { chart: LatencyChart; l: Locale }) {
  const { chart, l } = props;
  const { t } = l;
  const width = (chart.p50.length - 1) * STEP[chart.window];
  const box = { width, height: HEIGHT, pad: 0 };
  const p50 = linePath(chart.p50, box);
  const p95 = linePath(chart.p95, box);
  const heading = `c${chart.window}`;
  return (
    <section class="ch" aria-labelledby={heading}>
      <h3 id={heading}>{t.chart.heading[chart.window]}</h3>
      {chart.topMs === null ? (
        <p class="mu">{t.chart.empty}</p>
      ) : (
        <>
          <div class="cw">
            <svg viewBox={`0 0 ${width} ${HEIGHT}`} preserveAspectRatio="none" role="img">
              <title>{chart.summary}</title>
              <path class="gl" d={`M0 0h${width}M0 ${HEIGHT / 2}h${width}`} />
              {chart.threshold === null ? null : <path class="dl" d={`M0 ${Math.round(HEIGHT * (1 - chart.threshold))}h${width}`} />}
              {p95 ? <path class="p95" d={p95} /> : null}
              {p50 ? <path class="p50" d={p50} /> : null}
            </svg>
            <span class="yl" aria-hidden="true">
              {l.ms(chart.topMs)}
            </span>
            <span class="yl y1" aria-hidden="true">
              {l.ms(chart.topMs / 2)}
            </span>
          </div>
          <p class="cx" aria-hidden="true">
            <span>{t.chart.start[chart.window]}</span>
            <span>{t.chart.now}</span>
          </p>
          <ul class="lg">
            <li>{t.chart.p50}</li>
            <li class="k95">{t.chart.p95}</li>
            {chart.thresholdText === null ? null : <li class="kdl">{chart.thresholdText}</li>}
          </ul>
        </>
      )}
    </section>
  );
}
