import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A tiny project: src/lib.ts exports `used` (imported by src/app.ts), `onlyTested` (imported by a test) and `Shape` (a type). */
function project(extra: string): string {
  const dir = mkdtempSync(join(tmpdir(), "edgewatch-exports-"));
  dirs.push(dir);
  mkdirSync(join(dir, "src"));
  mkdirSync(join(dir, "test"));
  const lib = `export interface Shape { a: number }\nexport function used(): number { return 1; }\nexport const onlyTested = 2;\n${extra}`;
  writeFileSync(join(dir, "src/lib.ts"), lib);
  writeFileSync(join(dir, "src/app.ts"), `import { type Shape, used } from "./lib";\nexport const x: Shape = { a: used() };\n`);
  writeFileSync(
    join(dir, "test/lib.test.ts"),
    `import { onlyTested } from "../src/lib";\nimport { x } from "../src/app";\nconsole.log(onlyTested, x);\n`,
  );
  return dir;
}

async function unusedExports(dir: string) {
  try {
    const { stdout } = await run("npx", ["tsx", "scripts/unused-exports.ts", dir]);
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, out: e.stderr };
  }
}

describe("scripts/unused-exports.ts (run by npm run lint)", () => {
  it("passes when every exported value is imported somewhere, tests included, and ignores exported types", async () => {
    expect(await unusedExports(project(""))).toMatchObject({ code: 0 });
  });

  it("fails naming the file and the export no other file imports", async () => {
    const result = await unusedExports(project("export function forgotten(): void {}\n"));
    expect(result.code).toBe(1);
    expect(result.out).toContain("src/lib.ts: forgotten");
    expect(result.out).not.toContain("used");
  });
});
