import type { Locale } from "../../read-model/locale";
import type { Sparkline as SparklineData } from "../../read-model/sparkline";

/** Drawn in a 200×48 box shown at 100×24 (CSS): 25 points 8 apart, whole numbers, relative moves keep the path short. */
const WIDTH = 200;
const HEIGHT = 48;
const PAD = 4;

/** Latency as a small inline SVG line (gaps where there is no data), its words in a <title> for hover and screen readers. */
export function Sparkline(props: { spark: SparklineData | null; l: Locale }) {
  const spark = props.spark;
  if (!spark) return null;
  const d = linePath(spark.points, { width: WIDTH, height: HEIGHT, pad: PAD });
  return (
    <span class="lat">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img">
        <title>{spark.label}</title>
        {d ? <path d={d} /> : null}
      </svg>
      {spark.lastMs === null ? null : props.l.ms(spark.lastMs)}
    </span>
  );
}

/**
 * The line through the points (evenly spaced, y in [0, 1] upwards) in a `width`×`height` box with `pad` around it,
 * broken where a point is missing: `M x y` at the start of each stretch, then relative lines `l dx dy dx dy ...`, in
 * whole numbers. A stretch of one point is a dot (a zero-length line with round caps).
 */
export function linePath(points: readonly (number | null)[], box: { width: number; height: number; pad: number }): string {
  const { width, height, pad } = box;
  const step = points.length > 1 ? (width - 2 * pad) / (points.length - 1) : 0;
  const signed = (n: number) => (n < 0 ? `${n}` : ` ${n}`);
  let d = "";
  let previous: [number, number] | null = null;
  let lines = 0;
  const endStretch = () => {
    if (previous && lines === 0) d += "l0 0";
    previous = null;
  };
  points.forEach((value, i) => {
    if (value === null) return endStretch();
    const x = Math.round(points.length > 1 ? pad + i * step : width / 2);
    const y = Math.round(height - pad - Math.min(1, Math.max(0, value)) * (height - 2 * pad));
    if (!previous) {
      d += `M${x} ${y}`;
      lines = 0;
    } else {
      d += `${lines === 0 ? `l${x - previous[0]}` : signed(x - previous[0])}${signed(y - previous[1])}`;
      lines += 1;
    }
    previous = [x, y];
  });
  endStretch();
  return d;
}
