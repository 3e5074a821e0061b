// npm run check-config -- <file.json>: validates a config offline; prints every problem with its field path.
import { readFileSync } from "node:fs";
import { parseConfigText } from "../src/config/load";

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
console.log(`${file}: ok (${count} monitor${count === 1 ? "" : "s"})`);
