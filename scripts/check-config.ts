// npm run check-config -- <file.json>: validates a config offline; prints every problem with its field path.
import { readFileSync } from "node:fs";
import { parseConfigText } from "../src/config/load";
import { planTick } from "../src/shards/plan-shards";

/** Beats a day the Free plan holds beside the ticks and archives (test/tick/push-day.test.ts: 72,000 beats fit). */
const PUSH_BEATS_FREE = 75_000;

const file = process.argv[2];
if (!file) {
  console.error("usage: npm run check-config -- <config.json>");
  process.exit(2);
}
let text: string;
try {
  text = readFileSync(file, "utf8");
} catch (error) {
  console.error(`${file}: cannot read: ${(error as Error).message}`);
  process.exit(2);
}
const result = parseConfigText(text);
if (!result.ok) {
  console.error(`${file}: ${result.errors.length} problem${result.errors.length === 1 ? "" : "s"}`);
  for (const line of result.errors) console.error(`  ${line}`);
  process.exit(1);
}
const count = result.config.monitors.length;
const plan = planTick(result.config);
const located = new Set(plan.shards.flatMap((s) => (s.location ? [s.location] : []))).size;
const how = plan.inline
  ? "probed by the cron's own invocation"
  : `probed by ${plan.shards.length} shard${plan.shards.length === 1 ? "" : "s"} (Durable Objects${located ? `, from ${located} location${located === 1 ? "" : "s"}` : ""})`;
if (plan.dropped.length) {
  const left = plan.dropped.reduce((n, s) => n + s.monitors.length, 0);
  console.error(
    `${file}: ${plan.shards.length + plan.dropped.length} shards are needed but one invocation can call only ${plan.shards.length} with limits.subrequests ${result.config.limits.subrequests}: ${left} monitor probes would be unknown every tick`,
  );
  console.error("  raise limits.subrequests (1,000 on the Paid plan) and limits.cpuMs, or split the config");
  process.exit(1);
}
console.log(`${file}: ok (${count} monitor${count === 1 ? "" : "s"}, ${how})`);
if (plan.writerCpuMs > result.config.limits.cpuMs) {
  // A warning, not a refusal: the figure is an estimate from a benchmark, not a measurement of this config.
  console.error(
    `warning: the coordinator's CPU per tick is estimated at ${plan.writerCpuMs} ms, above limits.cpuMs ${result.config.limits.cpuMs}`,
  );
  console.error("  the Free plan's 10 ms holds about 450 monitors by this estimate; use the Paid plan (and set limits.cpuMs) for more");
}
// Each beat of a push monitor is a Durable Object request and a SQLite row written, on the coordinator's daily quotas.
const beats = result.config.monitors.reduce((n, m) => n + (m.type === "push" ? Math.ceil(1440 / m.periodMinutes) : 0), 0);
if (beats > PUSH_BEATS_FREE) {
  console.error(
    `warning: the push monitors beat up to ${beats.toLocaleString("en")} times a day, each a Durable Object request and a row written`,
  );
  console.error(
    `  the Free plan allows 100,000 of each a day, ticks included: keep beats under ${PUSH_BEATS_FREE.toLocaleString("en")} (beat less often, or use the Paid plan)`,
  );
}
