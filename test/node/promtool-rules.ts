// Node side: a `promtool test rules` file whose input series are a real /metrics answer, held for a quarter of an
// hour, so that alert rules are checked against what Edgewatch actually exports rather than hand-typed series.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The sample lines of a text-format answer, label values unescaped. */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const m of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g))
      labels[m[1]!] = m[2]!.replace(/\\(["\\n])/g, (_, ch: string) => (ch === "n" ? "\n" : ch));
    out.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return out;
}

/** A PromQL series selector; label values escaped as PromQL strings (the same escapes as the text format's). */
function selector(name: string, labels: Record<string, string>): string {
  const quoted = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
  return `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${quoted(v)}"`)
    .join(",")}}`;
}

/** Gauges whose value is a unix time: promtool's clock starts at 0, so these move back by the time of the scrape. */
const UNIX_TIMES = new Set(["probe_ssl_earliest_cert_expiry", "edgewatch_last_tick_timestamp_seconds"]);

export interface ExpectedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RulesTest {
  ruleFile: string;
  samples: Sample[];
  /** When the answer was fetched, unix seconds: its time-valued gauges are rebased so that this is evalMinutes. */
  scrapedAt: number;
  /** The labels Prometheus adds when it scrapes (job; instance comes from the answer, with honor_labels). */
  scrapeLabels: Record<string, string>;
  evalMinutes: number;
  /** Per alert name, the alerts expected at evalMinutes: an empty list checks that it does not fire. */
  alerts: Record<string, ExpectedAlert[]>;
}

/** The unit-test file, as JSON (which YAML reads): every sample held at its value, one point a minute. */
export function rulesTestFile(test: RulesTest): string {
  const points = test.evalMinutes + 5;
  const input_series = test.samples.map((s) => {
    const value = UNIX_TIMES.has(s.name) ? s.value - test.scrapedAt + test.evalMinutes * 60 : s.value;
    return { series: selector(s.name, { ...s.labels, ...test.scrapeLabels }), values: Array(points).fill(String(value)).join(" ") };
  });
  const alert_rule_test = Object.entries(test.alerts).map(([alertname, expected]) => ({
    eval_time: `${test.evalMinutes}m`,
    alertname,
    exp_alerts: expected.map((a) => ({ exp_labels: a.labels, exp_annotations: a.annotations })),
  }));
  return JSON.stringify({
    rule_files: [test.ruleFile],
    evaluation_interval: "1m",
    tests: [{ interval: "1m", input_series, alert_rule_test }],
  });
}
