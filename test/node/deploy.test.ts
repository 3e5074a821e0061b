import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "edgewatch-deploy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function deploy(cwd: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "scripts/deploy.ts"), ...args], {
      cwd,
      env: { ...process.env, CI: "true" },
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe("npm run deploy", () => {
  it("needs no resource ids: wrangler creates the KV namespace and the R2 bucket on the first deploy", () => {
    const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
    expect(toml).toMatch(/\[\[kv_namespaces\]\]\nbinding = "STATE"\n/);
    expect(toml).not.toMatch(/^\s*(id|bucket_name)\s*=/m);
  });

  it("--dry-run checks the config, names the secrets it needs, and bundles without an account", async () => {
    const result = await deploy(ROOT, ["--dry-run", "--outdir", join(dir, "out")]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^config: edgewatch\.config\.json ok \(\d+ monitors\)$/m);
    expect(result.out).toContain("secrets the config names: CF_ACCESS_CLIENT_ID, CF_ACCESS_CLIENT_SECRET");
    expect(result.out).toContain("--dry-run: exiting now.");
  });

  it("refuses a bad config before wrangler runs, naming the field", async () => {
    const bad = mkdtempSync(join(dir, "bad-"));
    writeFileSync(join(bad, "wrangler.toml"), 'name = "x"\n');
    writeFileSync(join(bad, "edgewatch.config.json"), JSON.stringify({ monitors: [{ id: "a", name: "A", type: "http", url: "nope" }] }));
    const result = await deploy(bad, ["--dry-run"]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/edgewatch\.config\.json: \d+ problem\(s\); nothing deployed/);
    expect(result.out).toMatch(/monitors\[0\]\.url/);
    expect(result.out).not.toContain("wrangler");
  });
});
