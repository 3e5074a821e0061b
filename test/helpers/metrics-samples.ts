import { expect } from "vitest";

/** Sample lines as [name, labels, value], with label values unescaped. */
export function samples(text: string): [string, Record<string, string>, number][] {
  const out: [string, Record<string, string>, number][] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(match, `not a sample line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    const pairs = match![2] ?? "";
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
    let consumed = 0;
    for (let m = re.exec(pairs); m; m = re.exec(pairs)) {
      labels[m[1]!] = m[2]!.replace(/\\(["\\n])/g, (_, ch: string) => (ch === "n" ? "\n" : ch));
      consumed += m[0].length;
    }
    expect(consumed, `bad labels in ${line}`).toBe(pairs.length);
    out.push([match![1]!, labels, Number(match![3])]);
  }
  return out;
}

export const pick = (all: ReturnType<typeof samples>, name: string) =>
  all.filter(([n]) => n === name).map(([, labels, value]) => [labels, value] as const);
