import { describe, expect, it } from "vitest";
import example from "../../edgewatch.config.json";
import committedSchema from "../../edgewatch.schema.json";
import { formatPath, parseConfig, parseConfigText } from "../../src/config/load";
import { configJsonSchema } from "../../scripts/json-schema";
import { monitorInput } from "../helpers/fixtures";

describe("parseConfig", () => {
  it("accepts the example configuration and applies defaults", () => {
    const result = parseConfig(example);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.monitors.map((m) => m.id)).toEqual([
      "api-gateway",
      "ai-worker",
      "api-certificate",
      "prometheus",
      "alertmanager",
      "grafana",
    ]);
    const grafana = result.config.monitors.find((m) => m.id === "grafana");
    expect(grafana).toMatchObject({
      timeoutMs: 10_000,
      severity: "SEV-3",
      method: "GET",
      expectStatus: "200-299",
      expectJson: { database: "ok" },
    });
  });

  it("names the field path of every problem", () => {
    const result = parseConfig({
      title: "t",
      monitors: [
        monitorInput(),
        monitorInput({ id: "b" }),
        monitorInput({ id: "c", url: "not a url" }),
        monitorInput({ id: "gw", severity: "SEV-9", timeoutMs: 5 }),
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContain("monitors[2].url: Invalid URL (must be http:// or https://)");
    expect(result.errors.some((e) => e.startsWith("monitors[3].severity: "))).toBe(true);
    expect(result.errors.some((e) => e.startsWith("monitors[3].timeoutMs: "))).toBe(true);
    expect(result.errors).toContain('monitors[3].id: duplicate id "gw" (also monitors[0].id)');
  });

  it("rejects unknown fields, unknown types, non-http URLs, missing title and an empty monitor list", () => {
    const typo = parseConfig({ title: "t", monitors: [monitorInput({ timeout: 5 })] });
    expect(typo.ok ? [] : typo.errors.join("\n")).toMatch(/^monitors\[0\]: Unrecognized key: "timeout"/);
    const type = parseConfig({ title: "t", monitors: [monitorInput({ type: "ftp" })] });
    expect(type.ok ? [] : type.errors.join("\n")).toMatch(/^monitors\[0\]\.type: /);
    const scheme = parseConfig({ title: "t", monitors: [monitorInput({ url: "javascript:alert(1)" })] });
    expect(scheme.ok ? [] : scheme.errors).toEqual(["monitors[0].url: Invalid URL (must be http:// or https://)"]);
    const empty = parseConfig({ monitors: [] });
    expect(empty.ok ? [] : empty.errors.map((e) => e.split(":")[0])).toEqual(["title", "monitors"]);
  });

  it("checks ids are slugs and header values are strings or secret references", () => {
    const result = parseConfig({ title: "t", monitors: [monitorInput({ id: "Not A Slug", headers: { Authorization: { env: "X" } } })] });
    expect(result.ok ? [] : result.errors.map((e) => e.split(":")[0])).toEqual(["monitors[0].id", "monitors[0].headers.Authorization"]);
  });

  it("names routes and escalation levels that point at channels, monitors or groups the config lacks", () => {
    const result = parseConfig({
      title: "t",
      monitors: [monitorInput()],
      notifications: {
        channels: [{ id: "pager", type: "webhook", urlSecret: "U" }],
        routes: [{ monitors: ["nope"], groups: ["Nowhere"], severities: ["SEV-1"], channels: ["pager", "chat"] }],
        escalation: [
          {
            severities: ["SEV-1"],
            levels: [
              { afterMinutes: 15, channels: ["pager"] },
              { afterMinutes: 60, channels: ["lead"] },
            ],
          },
        ],
      },
    });
    expect(result.ok ? [] : result.errors).toEqual([
      'notifications.routes[0].channels[1]: unknown channel "chat"',
      'notifications.routes[0].monitors[0]: unknown monitor "nope"',
      'notifications.routes[0].groups[0]: unknown group "Nowhere"',
      'notifications.escalation[0].levels[1].channels[0]: unknown channel "lead"',
    ]);
  });

  it("reports text that is not JSON instead of throwing", () => {
    const result = parseConfigText("{ nope");
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.errors[0]).toMatch(/^\(root\): not valid JSON/);
  });
});

describe("formatPath", () => {
  it("writes paths the way a user finds them in the file", () => {
    expect(formatPath(["monitors", 2, "url"])).toBe("monitors[2].url");
    expect(formatPath(["monitors", 0, "headers", "X-Api-Key"])).toBe('monitors[0].headers["X-Api-Key"]');
    expect(formatPath([])).toBe("(root)");
  });
});

describe("edgewatch.schema.json", () => {
  it("is the one generated from the zod schema (run `npm run schema` after changing it)", () => {
    expect(committedSchema).toEqual(JSON.parse(configJsonSchema()));
  });
});
