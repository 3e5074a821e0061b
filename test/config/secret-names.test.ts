import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import { secretNamesOf } from "../../src/config/secret-names";

describe("secretNamesOf", () => {
  it("finds header secrets and every *Secret field of monitors and channels, once each, sorted", () => {
    const parsed = parseConfig({
      title: "Secrets",
      monitors: [
        {
          id: "gw",
          name: "Gateway",
          type: "http",
          url: "https://gw.example.test/health",
          headers: { "CF-Access-Client-Id": { secret: "CF_ID" }, "X-Plain": "visible" },
        },
        {
          id: "cert",
          name: "Cert",
          type: "tls",
          host: "gw.example.test",
          source: "cloudflare-api",
          zoneId: "0123456789abcdef0123456789abcdef",
          apiTokenSecret: "CF_API",
        },
        {
          id: "gw2",
          name: "Gateway 2",
          type: "http",
          url: "https://gw2.example.test/",
          headers: { "CF-Access-Client-Id": { secret: "CF_ID" } },
        },
      ],
      notifications: { channels: [{ id: "ops", type: "slack", urlSecret: "SLACK_URL" }] },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join("; "));
    expect(secretNamesOf(parsed.config)).toEqual(["CF_API", "CF_ID", "SLACK_URL"]);
  });
});
