import { afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { buildAlertmanagerPayload } from "../../src/notify/channel-alertmanager";
import { buildDiscordPayload } from "../../src/notify/channel-discord";
import { buildPagerDutyPayload } from "../../src/notify/channel-pagerduty";
import { buildSlackPayload } from "../../src/notify/channel-slack";
import { buildTelegramPayload } from "../../src/notify/channel-telegram";
import { buildWebhookPayload } from "../../src/notify/channel-webhook";
import type { NotificationEvent } from "../../src/notify/event";
import { NotificationChannel } from "../../src/config/notifications";
import { type SendResult, refreshAlertmanager, sendNotification } from "../../src/notify/send";
import {
  BOT_TOKEN,
  HOSTILE,
  ROUTING_KEY,
  SIGNING_KEY,
  base64Bytes,
  everyEvent,
  GATEWAY_DOWN,
  hugeWritten,
  opened,
  recorded,
  recorderUrl,
  respond,
  sendDeps,
  uniquePrefix,
} from "./fixtures";
import { incident } from "../helpers/fixtures";
import {
  AlertmanagerPostableAlerts,
  DiscordWebhookBody,
  PagerDutyBody,
  SlackWebhookBody,
  TelegramSendMessageBody,
  telegramHtmlProblem,
} from "./provider-schemas";

const channel = (raw: unknown) => NotificationChannel.parse(raw);

/** A test's own fake provider: its URLs (all on 127.0.0.1), secrets and channels. */
function setup(name: string) {
  const prefix = uniquePrefix(name);
  const base = `${recorderUrl()}${prefix}`;
  const secrets = {
    SLACK_URL: `${base}/services/T0001/B0001/slackWebhookSecretPart0123`,
    DISCORD_URL: `${base}/discord/api/webhooks/1234567890/discordWebhookTokenSecret_0123`,
    HOOK_URL: `${base}/hooks/edgewatch?token=webhookQueryTokenSecret`,
    HOOK_SIGNING: SIGNING_KEY,
    PD_KEY: ROUTING_KEY,
    TG_TOKEN: BOT_TOKEN,
    AM_ACCESS_ID: "access-client-id.access",
    AM_ACCESS_SECRET: "access-client-secret-value-0123",
  };
  const channels = {
    slack: channel({ id: "ops-slack", type: "slack", urlSecret: "SLACK_URL" }),
    discord: channel({ id: "ops-discord", type: "discord", urlSecret: "DISCORD_URL" }),
    webhook: channel({ id: "hook", type: "webhook", urlSecret: "HOOK_URL", signingSecret: "HOOK_SIGNING" }),
    pagerduty: channel({ id: "pager", type: "pagerduty", routingKeySecret: "PD_KEY", apiUrl: `${base}/pd` }),
    telegram: channel({ id: "tg", type: "telegram", tokenSecret: "TG_TOKEN", chatId: -1001234567890, apiUrl: `${base}/tg` }),
    alertmanager: channel({
      id: "am",
      type: "alertmanager",
      url: `${base}/am/`,
      headers: {
        "CF-Access-Client-Id": { secret: "AM_ACCESS_ID" },
        "CF-Access-Client-Secret": { secret: "AM_ACCESS_SECRET" },
        "X-Team": "platform",
      },
    }),
  };
  return { prefix, base, secrets, channels, deps: sendDeps(secrets) };
}

/** Fails the test when an error (or anything) carries a secret value or a secret URL, whole or in part. */
function expectNoSecrets(text: string, secrets: Record<string, string>) {
  for (const [name, value] of Object.entries(secrets)) {
    expect(text, `${name} leaked`).not.toContain(value);
    if (/^https?:/.test(value)) {
      const url = new URL(value);
      expect(text, `${name} path leaked`).not.toContain(url.pathname);
      // The test's own path prefix (`/t-name-1234`) is shared with non-secret URLs (the Alertmanager's): not a secret.
      for (const segment of url.pathname.split("/").filter((s) => s.length >= 8 && !s.startsWith("t-")))
        expect(text, `${name} segment leaked`).not.toContain(segment);
      for (const v of url.searchParams.values()) expect(text, `${name} query leaked`).not.toContain(v);
    }
  }
  expect(text).not.toContain(BOT_TOKEN.split(":")[1]);
}

const failure = (r: SendResult) => {
  if (r.ok) throw new Error(`expected a failure, got ${r.status}`);
  return r;
};

let consoleCalls: unknown[][] = [];
beforeEach(() => {
  consoleCalls = [];
  for (const method of ["log", "info", "warn", "error", "debug"] as const)
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleCalls.push(args));
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("delivery to each provider (a local recording server stands in)", () => {
  it("Slack: POSTs the Block Kit payload as JSON to the webhook URL", async () => {
    const t = setup("slack");
    const event = opened();
    expect(await sendNotification(t.channels.slack, event, t.deps)).toEqual({ ok: true, status: 200 });
    const [req] = await recorded(t.prefix);
    expect(req).toMatchObject({ method: "POST", path: `${t.prefix}/services/T0001/B0001/slackWebhookSecretPart0123` });
    expect(req!.headers["content-type"]).toMatch(/^application\/json/);
    expect(req!.headers["user-agent"]).toMatch(/^Edgewatch\//);
    expect(JSON.parse(req!.body)).toEqual(buildSlackPayload(event));
    expect(SlackWebhookBody.safeParse(JSON.parse(req!.body)).error).toBeUndefined();
  });

  it("Discord: one embed, allowed_mentions empty (204 No Content is success)", async () => {
    const t = setup("discord");
    const event = opened({}, { title: HOSTILE });
    expect(await sendNotification(t.channels.discord, event, t.deps)).toEqual({ ok: true, status: 204 });
    const [req] = await recorded(t.prefix);
    const body = JSON.parse(req!.body);
    expect(body).toEqual(buildDiscordPayload(event));
    expect(DiscordWebhookBody.safeParse(body).error).toBeUndefined();
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it("PagerDuty: trigger on open, resolve on resolve, to {apiUrl}/v2/enqueue, dedup_key = incident id", async () => {
    const t = setup("pagerduty");
    const events = everyEvent();
    expect(await sendNotification(t.channels.pagerduty, events.opened!, t.deps)).toEqual({ ok: true, status: 202 });
    expect(await sendNotification(t.channels.pagerduty, events.resolved!, t.deps)).toEqual({ ok: true, status: 202 });
    const [trigger, resolve] = await recorded(t.prefix);
    expect(trigger!.path).toBe(`${t.prefix}/pd/v2/enqueue`);
    const bodies = [JSON.parse(trigger!.body), JSON.parse(resolve!.body)];
    for (const body of bodies) expect(PagerDutyBody.safeParse(body).error).toBeUndefined();
    expect(bodies[0]).toEqual(buildPagerDutyPayload(events.opened!, ROUTING_KEY));
    expect(bodies.map((b) => [b.event_action, b.dedup_key])).toEqual([
      ["trigger", "api-gateway-20261128T210100Z"],
      ["resolve", "api-gateway-20261128T210100Z"],
    ]);
  });

  it("Telegram: sendMessage at {apiUrl}/bot<token>/sendMessage, HTML escaped", async () => {
    const t = setup("telegram");
    const event = opened({}, { title: HOSTILE });
    expect(await sendNotification(t.channels.telegram, event, t.deps)).toEqual({ ok: true, status: 200 });
    const [req] = await recorded(t.prefix);
    expect(req!.path).toBe(`${t.prefix}/tg/bot${BOT_TOKEN}/sendMessage`);
    const body = TelegramSendMessageBody.parse(JSON.parse(req!.body));
    expect(body).toEqual(buildTelegramPayload(event, -1001234567890));
    expect(body).toMatchObject({ chat_id: -1001234567890, parse_mode: "HTML", disable_web_page_preview: true });
    expect(telegramHtmlProblem(body.text)).toBeNull();
  });

  it("Alertmanager: POST {url}/api/v2/alerts with the configured headers, endsAt on resolve", async () => {
    const t = setup("alertmanager");
    const events = everyEvent();
    expect((await sendNotification(t.channels.alertmanager, events.opened!, t.deps)).ok).toBe(true);
    expect((await sendNotification(t.channels.alertmanager, events.resolved!, t.deps)).ok).toBe(true);
    const [open, resolved] = await recorded(t.prefix);
    expect(open!.path).toBe(`${t.prefix}/am/api/v2/alerts`);
    expect(open!.headers).toMatchObject({
      "cf-access-client-id": t.secrets.AM_ACCESS_ID,
      "cf-access-client-secret": t.secrets.AM_ACCESS_SECRET,
      "x-team": "platform",
    });
    const alerts = [AlertmanagerPostableAlerts.parse(JSON.parse(open!.body)), AlertmanagerPostableAlerts.parse(JSON.parse(resolved!.body))];
    expect(alerts[0]).toEqual(buildAlertmanagerPayload(events.opened!, 15));
    expect(alerts[1]![0]!.endsAt).toBe("2026-11-28T21:13:00.000Z");
    expect(alerts[1]![0]!.labels).toEqual(alerts[0]![0]!.labels);
  });

  it("Alertmanager: the lease renewal posts open incidents; none open, no request", async () => {
    const t = setup("am-refresh");
    const am = t.channels.alertmanager as Extract<NotificationChannel, { type: "alertmanager" }>;
    const now = Date.parse("2026-11-28T22:00:00.000Z");
    expect(await refreshAlertmanager(am, [incident(GATEWAY_DOWN)], { ...t.deps, now: () => now })).toEqual({ ok: true, status: 200 });
    expect(
      await refreshAlertmanager(
        am,
        [incident({ ...GATEWAY_DOWN, status: "resolved", resolvedAt: "2026-11-28T21:13:00.000Z", durationMs: 1 })],
        t.deps,
      ),
    ).toEqual({ ok: true, status: 204 });
    const requests = await recorded(t.prefix);
    expect(requests).toHaveLength(1);
    expect(AlertmanagerPostableAlerts.parse(JSON.parse(requests[0]!.body))[0]!.endsAt).toBe("2026-11-28T22:15:00.000Z");
  });

  it("the generic webhook: the documented body, signed with HMAC-SHA256 over the exact bytes received", async () => {
    const t = setup("webhook");
    const event = opened({}, { title: `${HOSTILE} — ünïcödé 🙂` });
    expect(await sendNotification(t.channels.webhook, event, t.deps)).toEqual({ ok: true, status: 200 });
    const [req] = await recorded(t.prefix);
    expect(req!.path).toBe(`${t.prefix}/hooks/edgewatch?token=webhookQueryTokenSecret`);
    expect(req!.headers).toMatchObject({
      "x-edgewatch-event": "incident.opened",
      "x-edgewatch-delivery": "api-gateway-20261128T210100Z:opened",
    });
    const body = JSON.parse(req!.body);
    expect(body).toEqual(buildWebhookPayload(event));
    expect(body).toMatchObject({
      event: "incident.opened",
      monitorIds: ["api-gateway"],
      incident: { id: "api-gateway-20261128T210100Z", title: `${HOSTILE} — ünïcödé 🙂` },
    });

    // Verify as a receiver would: HMAC-SHA256 of the raw bytes under the shared key, compared in constant time.
    const signature = req!.headers["x-edgewatch-signature"]!;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(SIGNING_KEY), { name: "HMAC", hash: "SHA-256" }, false, [
      "verify",
    ]);
    const mac = Uint8Array.from(
      signature
        .slice(7)
        .match(/../g)!
        .map((h) => parseInt(h, 16)),
    );
    expect(await crypto.subtle.verify("HMAC", key, mac, base64Bytes(req!.bodyBase64))).toBe(true);
    // A body changed by one byte does not verify.
    const tampered = base64Bytes(req!.bodyBase64);
    tampered[10] = tampered[10]! ^ 1;
    expect(await crypto.subtle.verify("HMAC", key, mac, tampered)).toBe(false);
  });

  it("the webhook without signingSecret carries no signature header", async () => {
    const t = setup("webhook-unsigned");
    const unsigned = channel({ id: "hook", type: "webhook", urlSecret: "HOOK_URL" });
    expect((await sendNotification(unsigned, opened(), t.deps)).ok).toBe(true);
    const [req] = await recorded(t.prefix);
    expect(req!.headers["x-edgewatch-signature"]).toBeUndefined();
  });

  it("every event kind reaches every channel type", async () => {
    const t = setup("all");
    for (const event of Object.values(everyEvent()) as NotificationEvent[]) {
      for (const ch of Object.values(t.channels)) {
        const result = await sendNotification(ch, event, t.deps);
        expect(result.ok, `${ch.type} ${event.type}: ${JSON.stringify(result)}`).toBe(true);
      }
    }
    expect(await recorded(t.prefix)).toHaveLength(Object.keys(everyEvent()).length * 6);
  });
});

describe("failures: retryable or not, and never a secret in the error", () => {
  it("503 is retryable, with what the provider said", async () => {
    const t = setup("503");
    await respond(`${t.prefix}/services/T0001/B0001/slackWebhookSecretPart0123`, { status: 503, times: 2, body: "service unavailable" });
    const first = failure(await sendNotification(t.channels.slack, opened(), t.deps));
    expect(first).toMatchObject({ retryable: true, status: 503, error: 'slack channel "ops-slack": HTTP 503: service unavailable' });
    expect((await sendNotification(t.channels.slack, opened(), t.deps)).ok).toBe(false);
    // The rule was for two requests: the third gets through.
    expect(await sendNotification(t.channels.slack, opened(), t.deps)).toEqual({ ok: true, status: 200 });
    expectNoSecrets(first.error, t.secrets);
  });

  it("429 is retryable and passes on Retry-After (header, or Discord's and Telegram's retry_after)", async () => {
    const t = setup("429");
    await respond(`${t.prefix}/pd/v2/enqueue`, {
      status: 429,
      retryAfter: "30",
      body: JSON.stringify({ status: "throttle event", message: "Requests for this service are arriving too quickly." }),
    });
    expect(failure(await sendNotification(t.channels.pagerduty, opened(), t.deps))).toMatchObject({
      retryable: true,
      status: 429,
      retryAfterMs: 30_000,
    });
    await respond(`${t.prefix}/discord/api/webhooks/1234567890/discordWebhookTokenSecret_0123`, {
      status: 429,
      body: JSON.stringify({ message: "You are being rate limited.", retry_after: 1.5, global: false }),
    });
    const discord = failure(await sendNotification(t.channels.discord, opened(), t.deps));
    expect(discord).toMatchObject({
      retryable: true,
      retryAfterMs: 1500,
      error: 'discord channel "ops-discord": HTTP 429: You are being rate limited.',
    });
    await respond(`${t.prefix}/tg/bot${BOT_TOKEN}/sendMessage`, {
      status: 429,
      body: JSON.stringify({ ok: false, error_code: 429, description: "Too Many Requests: retry after 7", parameters: { retry_after: 7 } }),
    });
    const telegram = failure(await sendNotification(t.channels.telegram, opened(), t.deps));
    expect(telegram).toMatchObject({ retryable: true, retryAfterMs: 7000 });
    for (const r of [discord, telegram]) expectNoSecrets(r.error, t.secrets);
  });

  it("400 and other 4xx are not retryable", async () => {
    const t = setup("400");
    await respond(`${t.prefix}/pd/v2/enqueue`, {
      status: 400,
      body: JSON.stringify({
        status: "invalid event",
        message: "Event object is invalid",
        errors: ["Length of 'routing_key' is incorrect (should be 32 characters)"],
      }),
    });
    const pd = failure(await sendNotification(t.channels.pagerduty, opened(), t.deps));
    expect(pd).toMatchObject({ retryable: false, status: 400 });
    expect(pd.error).toBe(
      `pagerduty channel "pager": HTTP 400: Event object is invalid: invalid event: Length of 'routing_key' is incorrect (should be 32 characters)`,
    );
    await respond(`${t.prefix}/services/T0001/B0001/slackWebhookSecretPart0123`, { status: 404, body: "no_team" });
    expect(failure(await sendNotification(t.channels.slack, opened(), t.deps))).toMatchObject({
      retryable: false,
      status: 404,
      error: 'slack channel "ops-slack": HTTP 404: no_team',
    });
    await respond(`${t.prefix}/services/T0001/B0001/slackWebhookSecretPart0123`, { status: 410, body: "channel_is_archived" });
    expect(failure(await sendNotification(t.channels.slack, opened(), t.deps)).retryable).toBe(false);
  });

  it("a refused connection is retryable and names no URL", async () => {
    const t = setup("refused");
    const refusedUrl = `http://127.0.0.1:${inject("recorder").refusedPort}/services/T0001/B0001/slackWebhookSecretPart0123`;
    const secrets = { ...t.secrets, SLACK_URL: refusedUrl };
    const r = failure(await sendNotification(t.channels.slack, opened(), sendDeps(secrets)));
    expect(r.retryable).toBe(true);
    expect(r.status).toBeUndefined();
    expect(r.error).toMatch(/^slack channel "ops-slack": connection/);
    expectNoSecrets(r.error, secrets);
  });

  it("times out a server that never answers, quickly, as retryable", async () => {
    const t = setup("timeout");
    await respond(`${t.prefix}/tg/bot${BOT_TOKEN}/sendMessage`, { mode: "hang" });
    const started = Date.now();
    const r = failure(await sendNotification(t.channels.telegram, opened(), { ...t.deps, timeoutMs: 300 }));
    expect(r).toEqual({ ok: false, retryable: true, error: 'telegram channel "tg": timeout after 300 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("times out an error body that never ends (the status still counts)", async () => {
    const t = setup("hang-body");
    await respond(`${t.prefix}/hooks/edgewatch`, { status: 502, mode: "hang-body", body: "bad gateway" });
    const started = Date.now();
    const r = failure(await sendNotification(t.channels.webhook, opened(), { ...t.deps, timeoutMs: 400 }));
    expect(r).toMatchObject({ retryable: true, status: 502 });
    expect(Date.now() - started).toBeLessThan(2_500);
    expectNoSecrets(r.error, t.secrets);
  });

  it("reads at most a few KB of a huge error body and cancels the rest", async () => {
    const t = setup("huge");
    await respond(`${t.prefix}/am/api/v2/alerts`, { status: 500, mode: "huge" });
    const r = failure(await sendNotification(t.channels.alertmanager, opened(), t.deps));
    expect(r).toMatchObject({ retryable: true, status: 500 });
    expect(r.error.length).toBeLessThan(400);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await hugeWritten()).toBeLessThan(32 * 1024 * 1024);
  });

  it("does not follow a redirect (the body and signature would go elsewhere)", async () => {
    const t = setup("redirect");
    await respond(`${t.prefix}/hooks/edgewatch`, { status: 308, body: "" });
    const r = failure(await sendNotification(t.channels.webhook, opened(), t.deps));
    expect(r).toMatchObject({ retryable: false, status: 308 });
    expect(await recorded(t.prefix)).toHaveLength(1);
  });

  it("a missing secret is a non-retryable error naming the secret, and nothing is sent", async () => {
    const t = setup("missing");
    const none = sendDeps({});
    const cases: [NotificationChannel, string][] = [
      [t.channels.slack, "SLACK_URL"],
      [t.channels.discord, "DISCORD_URL"],
      [t.channels.webhook, "HOOK_URL"],
      [t.channels.pagerduty, "PD_KEY"],
      [t.channels.telegram, "TG_TOKEN"],
      [t.channels.alertmanager, "AM_ACCESS_ID"],
    ];
    for (const [ch, name] of cases) {
      expect(await sendNotification(ch, opened(), none)).toEqual({
        ok: false,
        retryable: false,
        error: `${ch.type} channel "${ch.id}": secret ${name} is not set`,
      });
    }
    // The URL is there but the signing key is not: never send unsigned what should be signed.
    const { HOOK_SIGNING: _, ...noSigning } = t.secrets;
    expect(await sendNotification(t.channels.webhook, opened(), sendDeps(noSigning))).toEqual({
      ok: false,
      retryable: false,
      error: 'webhook channel "hook": secret HOOK_SIGNING is not set',
    });
    expect(await recorded(t.prefix)).toHaveLength(0);
  });

  it("a secret that is not a URL or a token is reported without its value", async () => {
    const t = setup("malformed");
    const secrets = {
      ...t.secrets,
      SLACK_URL: "hooks.slack.com/services/T0/B0/notaurlsecretvalue",
      TG_TOKEN: "12345:has/slash/secretvalue0123456789",
    };
    const slack = failure(await sendNotification(t.channels.slack, opened(), sendDeps(secrets)));
    expect(slack).toEqual({ ok: false, retryable: false, error: 'slack channel "ops-slack": secret SLACK_URL does not hold a valid URL' });
    const tg = failure(await sendNotification(t.channels.telegram, opened(), sendDeps(secrets)));
    expect(tg.error).toBe('telegram channel "tg": secret TG_TOKEN does not hold a bot token (<bot id>:<secret>)');
    expectNoSecrets(slack.error + tg.error, secrets);
  });

  it("scrubs secrets that a provider echoes back in its error", async () => {
    const t = setup("echo");
    await respond(`${t.prefix}/tg/bot${BOT_TOKEN}/sendMessage`, {
      status: 401,
      body: JSON.stringify({
        ok: false,
        error_code: 401,
        description: `Unauthorized: token ${BOT_TOKEN} at ${t.base}/tg/bot${BOT_TOKEN}/sendMessage`,
      }),
    });
    const tg = failure(await sendNotification(t.channels.telegram, opened(), t.deps));
    expect(tg.retryable).toBe(false);
    expect(tg.error).toContain("Unauthorized: token [redacted]");
    await respond(`${t.prefix}/pd/v2/enqueue`, { status: 400, body: JSON.stringify({ message: `routing key ${ROUTING_KEY} unknown` }) });
    const pd = failure(await sendNotification(t.channels.pagerduty, opened(), t.deps));
    await respond(`${t.prefix}/hooks/edgewatch`, { status: 500, body: `failed for ${t.secrets.HOOK_URL} with key ${SIGNING_KEY}` });
    const hook = failure(await sendNotification(t.channels.webhook, opened(), t.deps));
    await respond(`${t.prefix}/am/api/v2/alerts`, { status: 403, body: `forbidden: ${t.secrets.AM_ACCESS_SECRET}` });
    const am = failure(await sendNotification(t.channels.alertmanager, opened(), t.deps));
    for (const r of [tg, pd, hook, am]) expectNoSecrets(r.error, t.secrets);
    expect(am.error).toContain("forbidden: [redacted]");
  });

  it("logs nothing at all (the caller logs the results, which carry no secret)", async () => {
    const t = setup("quiet");
    await respond(`${t.prefix}/services/T0001/B0001/slackWebhookSecretPart0123`, { status: 500 });
    await sendNotification(t.channels.slack, opened(), t.deps);
    await sendNotification(t.channels.webhook, opened(), t.deps);
    await sendNotification(t.channels.slack, opened(), sendDeps({}));
    expect(consoleCalls).toEqual([]);
  });

  it("never throws, even when the secret lookup or fetch itself throws", async () => {
    const t = setup("throws");
    const throwingSecret = await sendNotification(t.channels.slack, opened(), {
      ...t.deps,
      secret: () => {
        throw new Error(`boom ${t.secrets.SLACK_URL}`);
      },
    });
    expect(throwingSecret).toMatchObject({ ok: false, retryable: false });
    const throwingFetch = failure(
      await sendNotification(t.channels.pagerduty, opened(), {
        ...t.deps,
        fetch: () => {
          throw new TypeError(`cannot reach ${ROUTING_KEY}`);
        },
      }),
    );
    expect(throwingFetch.retryable).toBe(true);
    expectNoSecrets(JSON.stringify([throwingSecret, throwingFetch]), t.secrets);
  });
});
