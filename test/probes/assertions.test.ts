import { describe, expect, inject, it } from "vitest";
import { Assertion, regexProblem } from "../../src/config/assertion";
import { parseConfig } from "../../src/config/load";
import { evaluateAssertions, resolvePointer } from "../../src/probes/assertions";
import { probeHttp } from "../../src/probes/http";
import { httpMonitor, probeDeps } from "../helpers/monitors";

const base = `http://127.0.0.1:${inject("httpPort")}`;
const a = (fields: Record<string, unknown>) => Assertion.parse(fields);
const ok = (value: unknown) => ({ ok: true as const, value });
const none = new Headers();

describe("JSON Pointer (RFC 6901)", () => {
  // The examples of RFC 6901 section 5.
  const doc = { foo: ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5, 'k"l': 6, " ": 7, "m~n": 8 };
  it("resolves the RFC's examples", () => {
    const cases: [string, unknown][] = [
      ["", doc],
      ["/foo", ["bar", "baz"]],
      ["/foo/0", "bar"],
      ["/", 0],
      ["/a~1b", 1],
      ["/c%d", 2],
      ["/e^f", 3],
      ["/g|h", 4],
      ["/i\\j", 5],
      ['/k"l', 6],
      ["/ ", 7],
      ["/m~0n", 8],
    ];
    for (const [pointer, value] of cases) expect(resolvePointer(doc, pointer), pointer).toEqual(value);
  });
  it("finds nothing past the end, in a leading-zero index or through a string", () => {
    expect(resolvePointer(doc, "/foo/2")).toBeUndefined();
    expect(resolvePointer(doc, "/foo/01")).toBeUndefined();
    expect(resolvePointer(doc, "/foo/-")).toBeUndefined();
    expect(resolvePointer(doc, "/foo/0/length")).toBeUndefined();
    expect(resolvePointer({}, "/toString")).toBeUndefined();
  });
});

describe("assertions", () => {
  const body = ok({ checks: { queue_depth: 250, db: "up" }, tags: ["eu", "primary"], version: "2.4.1", ok: true, nothing: null });

  it("applies every operator", () => {
    const holds = (fields: Record<string, unknown>, headers = none) => evaluateAssertions([a(fields)], headers, body).status === "up";
    expect(holds({ path: "/checks/queue_depth", op: "<", value: 300 })).toBe(true);
    expect(holds({ path: "/checks/queue_depth", op: "<=", value: 250 })).toBe(true);
    expect(holds({ path: "/checks/queue_depth", op: ">", value: 250 })).toBe(false);
    expect(holds({ path: "/checks/queue_depth", op: ">=", value: 250 })).toBe(true);
    expect(holds({ path: "/checks/db", op: "==", value: "up" })).toBe(true);
    expect(holds({ path: "/checks/db", op: "!=", value: "up" })).toBe(false);
    expect(holds({ path: "/nothing", op: "==", value: null })).toBe(true);
    expect(holds({ path: "/ok", op: "==", value: true })).toBe(true);
    expect(holds({ path: "/tags", op: "contains", value: "primary" })).toBe(true);
    expect(holds({ path: "/version", op: "contains", value: "2.4" })).toBe(true);
    expect(holds({ path: "/version", op: "matches", value: "^2\\.\\d+\\.\\d+$" })).toBe(true);
    expect(holds({ path: "/version", op: "matches", value: "^3\\." })).toBe(false);
    expect(holds({ path: "/checks/db", op: "exists" })).toBe(true);
    expect(holds({ path: "/checks/cache", op: "exists" })).toBe(false);
    expect(holds({ path: "/checks/cache", op: "notExists" })).toBe(true);
    expect(holds({ path: "/checks/db", op: "<", value: 5 })).toBe(false); // not a number
  });

  it("reads headers as text and compares them as numbers or booleans when the value is one", () => {
    const headers = new Headers({ "X-RateLimit-Remaining": "42", "x-cache": "HIT from edge", "x-flag": "true" });
    const holds = (fields: Record<string, unknown>) => evaluateAssertions([a(fields)], headers, body).status === "up";
    expect(holds({ header: "x-ratelimit-remaining", op: ">", value: 10 })).toBe(true);
    expect(holds({ header: "X-RATELIMIT-REMAINING", op: "==", value: 42 })).toBe(true);
    expect(holds({ header: "x-flag", op: "==", value: true })).toBe(true);
    expect(holds({ header: "x-cache", op: "contains", value: "HIT" })).toBe(true);
    expect(holds({ header: "x-missing", op: "notExists" })).toBe(true);
    expect(holds({ header: "x-cache", op: ">", value: 1 })).toBe(false);
  });

  it("reports every failure with what was seen; the message names the first and counts the rest; the worst severity wins", () => {
    const outcome = evaluateAssertions(
      [
        a({ path: "/checks/queue_depth", op: "<", value: 100, severity: "degraded" }),
        a({ path: "/checks/db", op: "==", value: "up" }),
        a({ header: "x-ratelimit-remaining", op: ">", value: 10 }),
        a({ path: "/tags", op: "contains", value: "us" }),
      ],
      none,
      body,
    );
    expect(outcome.status).toBe("down");
    expect(outcome.passed).toBe(1);
    expect(outcome.failed).toEqual([
      { target: "/checks/queue_depth", op: "<", value: 100, severity: "degraded", found: true, seen: 250 },
      { target: "header x-ratelimit-remaining", op: ">", value: 10, severity: "down", found: false, seen: null },
      { target: "/tags", op: "contains", value: "us", severity: "down", found: true, seen: '["eu","primary"]' },
    ]);
    expect(outcome.note).toBe("/checks/queue_depth is 250, expected < 100 (and 2 more assertions failing)");
  });

  it("keeps 200 characters of what was seen, and tests a pattern on the first 256 characters only", () => {
    const long = ok({ text: `${"a".repeat(300)}END` });
    const seen = evaluateAssertions([a({ path: "/text", op: "==", value: "x" })], none, long).failed[0]!.seen as string;
    expect(seen).toHaveLength(200);
    expect(evaluateAssertions([a({ path: "/text", op: "matches", value: "^a+" })], none, long).status).toBe("up");
    expect(evaluateAssertions([a({ path: "/text", op: "matches", value: "END$" })], none, long).status).toBe("down");
  });

  it("says why a path could not be read", () => {
    const outcome = evaluateAssertions([a({ path: "/x", op: "==", value: 1 })], none, { ok: false, why: "invalid JSON body" });
    expect(outcome.note).toBe("/x unreadable (invalid JSON body), expected == 1");
  });
});

describe("assertions in the config", () => {
  it("fails loudly, naming the field, on a bad assertion", () => {
    const monitor = (assertions: unknown[]) => ({
      id: "gw",
      name: "Gateway",
      type: "http",
      url: "https://api.example.test/health",
      assertions,
    });
    const result = parseConfig({
      title: "t",
      monitors: [
        monitor([{ path: "checks/queue_depth", op: "<", value: 1 }]),
        monitor([{ op: "exists" }]),
        monitor([{ path: "/a", op: "<", value: "100" }]),
        monitor([{ path: "/a", op: "exists", value: 1 }]),
        monitor([{ path: "/a", op: "matches", value: "(a+)+$" }]),
        monitor([{ path: "/a", op: "matches", value: "x".repeat(201) }]),
      ].map((m, i) => ({ ...m, id: `m${i}` })),
    });
    expect(!result.ok && result.errors).toEqual([
      'monitors[0].assertions[0].path: must be a JSON Pointer such as "/checks/queue_depth"',
      "monitors[1].assertions[0].path: give either path (a JSON Pointer into the body) or header",
      'monitors[2].assertions[0].value: op "<" compares numbers: value must be a number',
      'monitors[3].assertions[0].value: op "exists" takes no value',
      "monitors[4].assertions[0].value: a repeated group must not hold a quantifier or an alternation (catastrophic backtracking)",
      "monitors[5].assertions[0].value: must be a regular expression of at most 200 characters",
    ]);
  });

  it("refuses the patterns that backtrack without end, keeps the ordinary ones", () => {
    for (const bad of ["(a+)+", "(a|aa)*", "(\\w+\\s?)*$", "(a+){10}", "(x)\\1", "(?<=a)b", "a*b*c*d*", "("])
      expect(regexProblem(bad), bad).not.toBeNull();
    for (const good of ["^ok$", "^(ok|pass)$", "^v?\\d+\\.\\d+\\.\\d+$", "^\\d{1,3}(,\\d{3})*$", "^[a-z0-9-]+$", "(a+)?b", "[(+*]+"])
      expect(regexProblem(good), good).toBeNull();
  });
});

describe("assertions on a real answer", () => {
  const deps = probeDeps();

  it("a numeric field of the gateway's /health over its limit makes the monitor degraded, naming the field and what was seen", async () => {
    const r = await probeHttp(
      httpMonitor({
        url: `${base}/gateway/health`,
        assertions: [
          { path: "/queue_depth", op: "<", value: 100, severity: "degraded" },
          { path: "/checks/database", op: "==", value: "up" },
          { header: "content-type", op: "contains", value: "json" },
        ],
      }),
      deps,
    );
    expect(r).toMatchObject({
      status: "degraded",
      error: { phase: "assertion" },
      details: {
        statusCode: 200,
        assertionsPassed: 2,
        assertions: [{ target: "/queue_depth", op: "<", value: 100, severity: "degraded", found: true, seen: 120 }],
      },
    });
    expect(r.message).toMatch(/^HTTP 200 in \d+ ms; \/queue_depth is 120, expected < 100$/);
  });

  it("a failing down assertion is down; a body that is not JSON is said to be unreadable", async () => {
    const down = await probeHttp(
      httpMonitor({ url: `${base}/gateway/health`, assertions: [{ path: "/version", op: "matches", value: "^3\\." }] }),
      deps,
    );
    expect(down).toMatchObject({ status: "down", error: { phase: "assertion" } });
    const text = await probeHttp(httpMonitor({ url: `${base}/text`, assertions: [{ path: "/status", op: "==", value: "ok" }] }), deps);
    expect(text).toMatchObject({ status: "down", details: { assertions: [{ found: false, why: "invalid JSON body" }] } });
    expect(text.message).toMatch(/\/status unreadable \(invalid JSON body\), expected == "ok"$/);
  });

  it("results without assertions carry no assertion fields", async () => {
    const r = await probeHttp(httpMonitor({ url: `${base}/gateway/health` }), deps);
    expect(r.details).not.toHaveProperty("assertions");
  });
});
