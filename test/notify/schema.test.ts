import { describe, expect, it } from "vitest";
import { formatIssues } from "../../src/config/load";
import { escalationPolicies, escalationPolicyFor, NotificationChannel, Notifications } from "../../src/config/notifications";

const problems = (raw: unknown) => {
  const r = Notifications.safeParse(raw);
  return r.success ? [] : formatIssues(r.error.issues);
};

describe("notifications config", () => {
  it("accepts every channel type, with secrets named and never written", () => {
    const parsed = Notifications.parse({
      channels: [
        { id: "hook", type: "webhook", urlSecret: "HOOK_URL", signingSecret: "HOOK_SIGNING_KEY" },
        { id: "slack", type: "slack", urlSecret: "SLACK_WEBHOOK_URL" },
        { id: "discord", type: "discord", urlSecret: "DISCORD_WEBHOOK_URL" },
        { id: "pager", type: "pagerduty", routingKeySecret: "PAGERDUTY_ROUTING_KEY" },
        { id: "pager-eu", type: "pagerduty", routingKeySecret: "PD_EU", apiUrl: "https://events.eu.pagerduty.com" },
        { id: "tg", type: "telegram", tokenSecret: "TELEGRAM_BOT_TOKEN", chatId: -1001234567890 },
        { id: "tg-channel", type: "telegram", tokenSecret: "TELEGRAM_BOT_TOKEN", chatId: "@platform_alerts" },
        {
          id: "am",
          type: "alertmanager",
          url: "https://alertmanager.example.com",
          headers: { "CF-Access-Client-Id": { secret: "CF_ACCESS_CLIENT_ID" } },
        },
      ],
      routes: [{ groups: ["Platform"], channels: ["slack", "pager"] }, { channels: ["hook"] }],
      escalation: [{ afterMinutes: 15, channels: ["pager"] }],
    });
    expect(parsed.channels).toHaveLength(8);
    expect(parsed.channels.find((c) => c.type === "alertmanager")).toMatchObject({ leaseMinutes: 15 });
  });

  it("defaults to no channels", () => {
    expect(Notifications.parse({})).toEqual({ channels: [] });
  });

  it("rejects a URL or token written in the config instead of a secret's name", () => {
    expect(problems({ channels: [{ id: "s", type: "slack", urlSecret: "https://hooks.slack.com/services/T/B/X" }] })).toEqual([
      "channels[0].urlSecret: must be the name of a Worker secret (A-Z, a-z, 0-9, _)",
    ]);
    expect(problems({ channels: [{ id: "s", type: "slack", url: "https://hooks.slack.com/services/T/B/X", urlSecret: "S" }] })[0]).toMatch(
      /^channels\[0\]: Unrecognized key: "url"/,
    );
    expect(problems({ channels: [{ id: "p", type: "pagerduty", routingKeySecret: "1abc" }] })).toHaveLength(1);
    expect(problems({ channels: [{ id: "t", type: "telegram", tokenSecret: "TOKEN", chatId: "my chat" }] })).toEqual([
      "channels[0].chatId: must be a numeric chat id or a channel's @username",
    ]);
  });

  it("reports an unknown type, a missing field, a bad id, a non-http apiUrl and duplicate ids", () => {
    expect(problems({ channels: [{ id: "x", type: "email", to: "a@b" }] })[0]).toMatch(/^channels\[0\]\.type: /);
    expect(problems({ channels: [{ id: "x", type: "discord" }] })[0]).toMatch(/^channels\[0\]\.urlSecret: /);
    expect(problems({ channels: [{ id: "Ops Slack", type: "slack", urlSecret: "S" }] })[0]).toMatch(/^channels\[0\]\.id: must be a slug/);
    expect(problems({ channels: [{ id: "p", type: "pagerduty", routingKeySecret: "K", apiUrl: "ftp://x" }] })[0]).toMatch(
      /^channels\[0\]\.apiUrl: /,
    );
    expect(
      problems({
        channels: [
          { id: "a", type: "slack", urlSecret: "S" },
          { id: "a", type: "discord", urlSecret: "D" },
        ],
      }),
    ).toEqual(['channels[1].id: duplicate channel id "a" (also channels[0].id)']);
    expect(problems({ escalation: [{ afterMinutes: 0, channels: ["a"] }] })[0]).toMatch(/^escalation\[0\]\.afterMinutes: /);
    expect(problems({ routes: [{ monitors: ["api"], channels: [] }] })[0]).toMatch(/^routes\[0\]\.channels: /);
  });

  it("NotificationChannel alone parses one channel", () => {
    expect(NotificationChannel.parse({ id: "am", type: "alertmanager", url: "http://127.0.0.1:9093", leaseMinutes: 5 })).toEqual({
      id: "am",
      type: "alertmanager",
      url: "http://127.0.0.1:9093",
      leaseMinutes: 5,
    });
  });

  it("takes escalation policies by severity, and the older plain list of levels as one policy for every severity", () => {
    const policies = Notifications.parse({
      channels: [{ id: "pager", type: "webhook", urlSecret: "U" }],
      escalation: [
        { severities: ["SEV-1"], levels: [{ afterMinutes: 15, channels: ["pager"] }] },
        { escalateUntil: "acknowledged", levels: [{ afterMinutes: 60, channels: ["pager"] }] },
      ],
    });
    expect(escalationPolicyFor(policies, "SEV-1")).toMatchObject({ escalateUntil: "resolved", levels: [{ afterMinutes: 15 }] });
    expect(escalationPolicyFor(policies, "SEV-3")).toMatchObject({ escalateUntil: "acknowledged", levels: [{ afterMinutes: 60 }] });
    const plain = Notifications.parse({ escalation: [{ afterMinutes: 15, channels: ["pager"] }] });
    expect(escalationPolicies(plain)).toEqual([{ escalateUntil: "resolved", levels: [{ afterMinutes: 15, channels: ["pager"] }] }]);
    expect(escalationPolicyFor(Notifications.parse({ escalation: [{ severities: ["SEV-1"], levels: plain.escalation }] }), "SEV-2")).toBe(
      undefined,
    );
  });

  it("names the field of a bad policy, a level out of order, an unknown severity or event", () => {
    expect(problems({ escalation: [{ levels: [{ afterMinutes: 0, channels: ["a"] }] }] })).toEqual([
      "escalation[0].levels[0].afterMinutes: Too small: expected number to be >=1",
    ]);
    expect(
      problems({ escalation: [{ severities: ["SEV-1"], escalateUntil: "never", levels: [{ afterMinutes: 5, channels: ["a"] }] }] })[0],
    ).toMatch(/^escalation\[0\]\.escalateUntil: /);
    expect(
      problems({
        escalation: [
          { afterMinutes: 60, channels: ["a"] },
          { afterMinutes: 15, channels: ["b"] },
        ],
      }),
    ).toEqual(["escalation[1].afterMinutes: must be after the level before (60)"]);
    expect(problems({ routes: [{ severities: ["SEV-5"], channels: ["a"] }] })[0]).toMatch(/^routes\[0\]\.severities\[0\]: /);
    expect(problems({ routes: [{ events: ["incident.paged"], channels: ["a"] }] })[0]).toMatch(/^routes\[0\]\.events\[0\]: /);
  });
});
