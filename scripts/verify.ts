// npm run verify -- <url> [--config edgewatch.config.json]: checks a running Edgewatch from outside, one line per
// check, and exits 1 if any fails: its health, the status API, how old the last tick is, the page's weight, and that
// no public face names a secret.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseConfigText } from "../src/config/load";
import { OPTIONAL_SECRETS, secretNamesOf } from "../src/config/secret-names";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { config: { type: "string", default: "edgewatch.config.json" } },
});
const base = positionals[0];
if (!base || !/^https?:\/\//.test(base)) {
  console.error("usage: npm run verify -- <https://your-worker.example> [--config edgewatch.config.json]");
  process.exit(2);
}
/** The page's budget (README, "Status page"). */
const PAGE_BUDGET_BYTES = 30 * 1024;
/** A tick a minute; past three the data is called stale everywhere. */
const STALE_AFTER_S = 180;

interface Got {
  status: number;
  text: string;
  type: string;
}
const results: boolean[] = [];
function line(ok: boolean, what: string, detail: string): void {
  results.push(ok);
  console.log(`${ok ? "ok  " : "FAIL"} ${what}: ${detail}`);
}

/** Each face is read once: the secrets check looks again at the answers the checks above already have. */
const answers = new Map<string, Promise<Got | string>>();
function get(path: string): Promise<Got | string> {
  let answer = answers.get(path);
  if (!answer) answers.set(path, (answer = fetchFace(path)));
  return answer;
}

async function fetchFace(path: string): Promise<Got | string> {
  try {
    const response = await fetch(new URL(path, base), { signal: AbortSignal.timeout(10_000), headers: { "cache-control": "no-cache" } });
    return { status: response.status, text: await response.text(), type: response.headers.get("content-type") ?? "" };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return cause ?? (error instanceof Error ? error.message : String(error));
  }
}

function json(got: Got): Record<string, unknown> | null {
  try {
    return JSON.parse(got.text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function secretNames(): string[] {
  try {
    const parsed = parseConfigText(readFileSync(values.config, "utf8"));
    return [...OPTIONAL_SECRETS, ...(parsed.ok ? secretNamesOf(parsed.config) : [])];
  } catch {
    return [...OPTIONAL_SECRETS];
  }
}

const health = await get("/health");
if (typeof health === "string") line(false, "/health", `no answer (${health})`);
else {
  const problems = json(health)?.problems;
  const said = Array.isArray(problems) && problems.length ? problems.join("; ") : "no problems";
  line(health.status === 200, "/health", `HTTP ${health.status}, ${said}`);
}

const status = await get("/api/status");
const body = typeof status === "string" ? null : json(status);
if (typeof status === "string") line(false, "/api/status", `no answer (${status})`);
else {
  const monitors = Array.isArray(body?.monitors) ? body.monitors.length : null;
  line(status.status === 200 && monitors !== null, "/api/status", `HTTP ${status.status}, ${monitors ?? "no"} monitors`);
}
const updatedAt = typeof body?.updatedAt === "string" ? Date.parse(body.updatedAt) : Number.NaN;
const age = Math.round((Date.now() - updatedAt) / 1000);
line(Number.isFinite(age) && age <= STALE_AFTER_S, "last tick", Number.isFinite(age) ? `${age} s ago` : "none yet");

const page = await get("/");
if (typeof page === "string") line(false, "page", `no answer (${page})`);
else {
  const bytes = Buffer.byteLength(page.text);
  line(
    page.status === 200 && bytes <= PAGE_BUDGET_BYTES,
    "page",
    `HTTP ${page.status}, ${(bytes / 1024).toFixed(1)} KiB of ${PAGE_BUDGET_BYTES / 1024}`,
  );
}

const names = secretNames();
const faces = ["/", "/api/status", "/api/v2/summary.json", "/feed.atom", "/metrics", "/health"];
const seen: string[] = [];
let read = 0;
for (const path of faces) {
  const got = await get(path);
  if (typeof got === "string" || got.status >= 400) continue;
  read++;
  for (const name of names) if (got.text.includes(name)) seen.push(`${name} in ${path}`);
}
line(
  read > 0 && seen.length === 0,
  "secrets",
  read ? (seen.length ? seen.join(", ") : `none of ${names.length} names in ${read} faces`) : "no face answered",
);

const failed = results.filter((ok) => !ok).length;
console.log(failed ? `${failed} of ${results.length} checks failed` : `all ${results.length} checks passed`);
process.exit(failed ? 1 : 0);
