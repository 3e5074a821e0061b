// npm run deploy [-- --dry-run] [-- <wrangler deploy options>]: from a clone to a live Worker. Checks the config the
// Worker will run (edgewatch.config.json, or the EDGEWATCH_CONFIG var wrangler.toml sets), lists the secrets it names
// that are not set yet, runs `wrangler deploy` (which creates the KV namespace and the R2 bucket on the first deploy)
// and prints the Worker's URL with the command that checks it.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseConfigText } from "../src/config/load";
import { OPTIONAL_SECRETS, secretNamesOf } from "../src/config/secret-names";

const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");

/** Runs wrangler with the terminal's input (login prompts), echoing and keeping what it prints. */
function wrangler(wranglerArgs: string[], echo = true): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("node_modules/.bin/wrangler", wranglerArgs, { stdio: ["inherit", "pipe", "pipe"] });
    let out = "";
    const keep = (chunk: Buffer, to: NodeJS.WriteStream) => {
      out += chunk.toString();
      if (echo) to.write(chunk);
    };
    child.stdout.on("data", (c: Buffer) => keep(c, process.stdout));
    child.stderr.on("data", (c: Buffer) => keep(c, process.stderr));
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
  });
}

function configText(): { text: string; from: string } {
  const toml = readFileSync("wrangler.toml", "utf8");
  // A config set as a var in wrangler.toml wins over the bundled file, as it does in the Worker.
  const inToml = /^EDGEWATCH_CONFIG\s*=\s*'''([\s\S]*?)'''/m.exec(toml);
  return inToml?.[1]
    ? { text: inToml[1], from: "wrangler.toml [vars] EDGEWATCH_CONFIG" }
    : { text: readFileSync("edgewatch.config.json", "utf8"), from: "edgewatch.config.json" };
}

async function missingSecrets(needed: string[]): Promise<string[] | null> {
  const listed = await wrangler(["secret", "list", "--format", "json"], false);
  if (listed.code !== 0) return null;
  try {
    const set = new Set((JSON.parse(listed.out.slice(listed.out.indexOf("["))) as { name: string }[]).map((s) => s.name));
    return needed.filter((name) => !set.has(name));
  } catch {
    return null;
  }
}

const { text, from } = configText();
const parsed = parseConfigText(text);
if (!parsed.ok) {
  console.error(`${from}: ${parsed.errors.length} problem(s); nothing deployed`);
  for (const line of parsed.errors) console.error(`  ${line}`);
  process.exit(1);
}
console.log(`config: ${from} ok (${parsed.config.monitors.length} monitors)`);
const needed = secretNamesOf(parsed.config);
if (dryRun) {
  console.log(`secrets the config names: ${needed.join(", ") || "none"} (not checked on a dry run)`);
} else {
  // Before the first deploy there is no Worker to list secrets of: every one is missing then.
  const missing = (await missingSecrets(needed)) ?? needed;
  for (const name of missing) console.log(`secret not set: ${name}   (npx wrangler secret put ${name})`);
  if (!missing.length) console.log(`secrets: all ${needed.length} the config names are set`);
  console.log(`optional: ${OPTIONAL_SECRETS.join(", ")} (admin API, Alertmanager receiver, /metrics token)`);
}
const deployed = await wrangler(["deploy", ...args]);
if (deployed.code !== 0) process.exit(deployed.code);
const url = /https:\/\/[\w.-]+\.workers\.dev/.exec(deployed.out)?.[0];
if (url) console.log(`\nEdgewatch is live at ${url}\ncheck it: npm run verify -- ${url}`);
else if (!dryRun) console.log("\ndeployed; check it with: npm run verify -- <your Worker's URL>");
