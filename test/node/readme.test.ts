// The README is read in five minutes, and no link in it or in docs/ leads nowhere.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1] ?? "")));
}

/** Every relative link of a Markdown file that leads nowhere: a missing file or a missing heading. */
function brokenLinks(file: string): string[] {
  const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  const broken: string[] = [];
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (!target || /^[a-z]+:/i.test(target)) continue;
    const [path, anchor] = target.split("#") as [string, string | undefined];
    const to = path ? resolve(dirname(file), path) : file;
    if (!existsSync(to)) broken.push(target);
    else if (anchor && to.endsWith(".md") && !anchorsOf(to).has(anchor)) broken.push(target);
  }
  return broken;
}

const markdown = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdown(join(dir, e.name)) : e.name.endsWith(".md") ? [join(dir, e.name)] : [],
  );

describe("README and docs", () => {
  it("the README is at most 200 lines", () => {
    expect(readFileSync(join(ROOT, "README.md"), "utf8").split("\n").length).toBeLessThanOrEqual(200);
  });

  it("every relative link in the README and docs/ resolves, headings included", () => {
    const files = [join(ROOT, "README.md"), join(ROOT, "bench/README.md"), ...markdown(join(ROOT, "docs"))];
    const broken = files.flatMap((file) => brokenLinks(file).map((link) => `${file.slice(ROOT.length + 1)}: ${link}`));
    expect(broken).toEqual([]);
  });

  it("the screenshot the README shows is there", () => {
    expect(existsSync(join(ROOT, "docs/status-page.png"))).toBe(true);
  });
});
