import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "edgewatch-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function checkConfig(file: string) {
  try {
    const { stdout, stderr } = await run("npm", ["run", "-s", "check-config", "--", file]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("npm run check-config", () => {
  it("accepts the example configuration", async () => {
    const result = await checkConfig("edgewatch.config.json");
    expect(result).toMatchObject({ code: 0, stdout: "edgewatch.config.json: ok (6 monitors, probed by the cron's own invocation)\n" });
  });

  it("says how the config will be probed, and refuses one whose shards one invocation cannot all call", async () => {
    const fleet = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `m${i}`, name: `M${i}`, type: "http", url: `https://m${i}.example.com/health` }));
    const located = join(dir, "located.json");
    writeFileSync(
      located,
      JSON.stringify({
        title: "x",
        monitors: [...fleet(2), { id: "cdn", name: "CDN", type: "http", url: "https://cdn.example.com/", locations: ["wnam", "weur"] }],
      }),
    );
    expect(await checkConfig(located)).toMatchObject({
      code: 0,
      stdout: `${located}: ok (3 monitors, probed by 3 shards (Durable Objects, from 2 locations))\n`,
    });

    const big = join(dir, "big.json");
    writeFileSync(big, JSON.stringify({ title: "x", monitors: fleet(1000) }));
    const free = await checkConfig(big);
    expect(free.code).toBe(1);
    expect(free.stderr).toContain(
      "84 shards are needed but one invocation can call only 38 with limits.subrequests 50: 544 monitor probes would be unknown every tick",
    );
    writeFileSync(big, JSON.stringify({ title: "x", monitors: fleet(1000), limits: { subrequests: 1000, cpuMs: 30000 } }));
    expect(await checkConfig(big)).toMatchObject({
      code: 0,
      stdout: `${big}: ok (1000 monitors, probed by 84 shards (Durable Objects))\n`,
      stderr: "",
    });

    // 200 monitors fit the Free plan: their shards, and the writer's estimate (3 + 0.015 ms a monitor: 6 ms).
    writeFileSync(big, JSON.stringify({ title: "x", monitors: fleet(200) }));
    expect(await checkConfig(big)).toMatchObject({
      code: 0,
      stdout: `${big}: ok (200 monitors, probed by 17 shards (Durable Objects))\n`,
      stderr: "",
    });
    // 600 with the subrequests to call their shards but 10 ms of CPU: the writer's estimate (12 ms) passes it. A
    // warning, as the figure is an estimate.
    writeFileSync(big, JSON.stringify({ title: "x", monitors: fleet(600), limits: { subrequests: 1000 } }));
    const warned = await checkConfig(big);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain("warning: the coordinator's CPU per tick is estimated at 12 ms, above limits.cpuMs 10");
  });

  it("exits non-zero and prints every problem with its field path", async () => {
    const file = join(dir, "bad.json");
    const monitor = (id: string, url: string) => ({ id, name: id, type: "http", url });
    writeFileSync(
      file,
      JSON.stringify({
        title: "x",
        monitors: [
          monitor("a", "https://a.test/"),
          monitor("b", "https://b.test/"),
          monitor("c", "not a url"),
          monitor("a", "https://d.test"),
        ],
      }),
    );
    const result = await checkConfig(file);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("2 problems");
    expect(result.stderr).toContain("monitors[2].url: Invalid URL");
    expect(result.stderr).toContain('monitors[3].id: duplicate id "a" (also monitors[0].id)');
  });

  it("says so when the file is not JSON or cannot be read", async () => {
    const file = join(dir, "broken.json");
    writeFileSync(file, "{ title: ");
    expect(await checkConfig(file)).toMatchObject({ code: 1, stderr: expect.stringContaining("(root): not valid JSON") });
    expect(await checkConfig(join(dir, "missing.json"))).toMatchObject({ code: 2, stderr: expect.stringContaining("cannot read") });
  });
  it("warns when push monitors would beat more often than the Free plan's Durable Object requests allow", async () => {
    const push = (n: number, periodMinutes = 1) =>
      Array.from({ length: n }, (_, i) => ({ id: `job${i}`, name: `Job ${i}`, type: "push", tokenSecret: "PUSH_TOKEN", periodMinutes }));
    const file = join(dir, "push.json");
    writeFileSync(
      file,
      JSON.stringify({ title: "x", monitors: [...push(50), { id: "web", name: "Web", type: "http", url: "https://example.com/" }] }),
    );
    expect(await checkConfig(file)).toMatchObject({
      code: 0,
      stdout: `${file}: ok (51 monitors, probed by the cron's own invocation)\n`,
      stderr: "",
    });
    writeFileSync(file, JSON.stringify({ title: "x", monitors: push(60) }));
    const many = await checkConfig(file);
    expect(many.code).toBe(0);
    expect(many.stderr).toContain("warning: the push monitors beat up to 86,400 times a day");
    writeFileSync(file, JSON.stringify({ title: "x", monitors: push(60, 5) }));
    expect((await checkConfig(file)).stderr).toBe("");
  });
});
