import { describe, expect, it } from "vitest";
import {
  AlertmanagerWebhook,
  alertExpiry,
  applyAlertmanagerWebhook,
  MAX_CAUSE,
  MAX_TITLE,
  MAX_UPDATE,
} from "../../src/incidents/alertmanager-alerts";
import type { IncidentState } from "../../src/incidents/transition";
import { Incident } from "../../src/incidents/types";
import { incidentKey } from "../../src/storage/r2-incident-store";
import { configOf } from "../helpers/writer";

const config = configOf({ monitors: [{ id: "api-gateway", name: "API gateway", type: "http", url: "https://gw.example.test/health" }] });
const EMPTY: IncidentState = { tracks: {}, incidents: [] };
const NOW = Date.parse("2096-03-01T12:00:00Z");

function alert(
  fields: {
    status?: "firing" | "resolved";
    fingerprint?: string;
    endsAt?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
) {
  return {
    status: fields.status ?? "firing",
    labels: { alertname: "HighLatency", service: "api-gateway", ...fields.labels },
    annotations: fields.annotations ?? { summary: "p95 latency above 5 s" },
    startsAt: "2096-03-01T11:00:00Z",
    ...(fields.endsAt === undefined ? {} : { endsAt: fields.endsAt }),
    fingerprint: fields.fingerprint ?? "abcdef0123456789",
  };
}

/** Parsed as the receiver parses it, so the schema's own normalising applies. */
const payload = (...alerts: ReturnType<typeof alert>[]) =>
  AlertmanagerWebhook.parse({ version: "4", status: "firing", receiver: "edgewatch", groupKey: "{}", alerts });
const apply = (state: IncidentState, ...alerts: ReturnType<typeof alert>[]) =>
  applyAlertmanagerWebhook(state, config, payload(...alerts), NOW);

describe("Alertmanager fingerprints", () => {
  it("are the same alert in either case: one incident id, a storable one", () => {
    const upper = apply(EMPTY, alert({ fingerprint: "ABCDEF0123456789" }));
    const id = "api-gateway-am-abcdef01-20960301T110000Z";
    expect(upper.changed.map((i) => i.id)).toEqual([id]);
    expect(incidentKey(id)).not.toBeNull();
    expect(apply(upper.state, alert({ fingerprint: "abcdef0123456789" })).changed).toEqual([]);
  });

  it("resolve an incident opened with the other case, both ways round", () => {
    for (const [open, close] of [
      ["ABCDEF0123456789", "abcdef0123456789"],
      ["abcdef0123456789", "ABCDEF0123456789"],
    ] as const) {
      const opened = apply(EMPTY, alert({ fingerprint: open }));
      const resolved = apply(opened.state, alert({ status: "resolved", fingerprint: close }));
      expect(
        resolved.changed.map((i) => [i.id, i.status]),
        `${open} then ${close}`,
      ).toEqual([["api-gateway-am-abcdef01-20960301T110000Z", "resolved"]]);
      expect(resolved.events.map((e) => e.type)).toEqual(["incident.resolved"]);
    }
  });

  it("are lowercased by the payload schema itself", () => {
    expect(payload(alert({ fingerprint: "AbCdEf0123456789" })).alerts[0]!.fingerprint).toBe("abcdef0123456789");
  });
});

describe("text from the payload", () => {
  it("is cut to the documented lengths: title 200, cause 500, updates 2,000", () => {
    expect([MAX_TITLE, MAX_CAUSE, MAX_UPDATE]).toEqual([200, 500, 2000]);
    const long = alert({ labels: { alertname: "N".repeat(5000) }, annotations: { summary: "S".repeat(10_000) } });
    const opened = apply(EMPTY, long);
    const incident = opened.changed[0]!;
    expect(incident.title).toHaveLength(MAX_TITLE);
    expect(incident.title.startsWith("API gateway: NNN")).toBe(true);
    expect(incident.cause.message).toHaveLength(MAX_CAUSE);
    expect(incident.updates[0]!.message).toHaveLength(MAX_UPDATE);
    const resolved = apply(opened.state, { ...long, status: "resolved" }).changed[0]!;
    expect(resolved.updates.at(-1)!.message.length).toBeLessThanOrEqual(MAX_UPDATE);
    expect(resolved.updates.at(-1)!.message.length).toBeLessThanOrEqual(MAX_TITLE + 40);
  });
});

describe("an alert's endsAt", () => {
  it("is an expiry only when it is a real time: Go's zero time, a missing or an invalid one is none", () => {
    expect(alertExpiry("2096-03-01T12:04:00Z")).toBe("2096-03-01T12:04:00.000Z");
    expect(alertExpiry("2096-03-01T13:04:00+01:00")).toBe("2096-03-01T12:04:00.000Z");
    expect(alertExpiry("0001-01-01T00:00:00Z")).toBeUndefined();
    expect(alertExpiry(undefined)).toBeUndefined();
    expect(alertExpiry("")).toBeUndefined();
    expect(alertExpiry("soon")).toBeUndefined();
  });

  it("is kept on the incident it opens, and moved by each firing re-send while the incident is open", () => {
    const opened = apply(EMPTY, alert({ endsAt: "2096-03-01T12:04:00Z" }));
    expect(opened.changed[0]!.alertEndsAt).toBe("2096-03-01T12:04:00.000Z");
    const later = apply(opened.state, alert({ endsAt: "2096-03-01T12:09:00Z" }));
    // A refresh is no change worth a record write or a notification.
    expect(later.changed).toEqual([]);
    expect(later.events).toEqual([]);
    expect(later.state.incidents[0]!.alertEndsAt).toBe("2096-03-01T12:09:00.000Z");
    // A re-send without an end takes the expiry away.
    expect(apply(later.state, alert({ endsAt: "0001-01-01T00:00:00Z" })).state.incidents[0]).not.toHaveProperty("alertEndsAt");
    // The same endsAt again, at the same moment, leaves the very same incident.
    expect(apply(later.state, alert({ endsAt: "2096-03-01T12:09:00Z" })).state.incidents[0]).toBe(later.state.incidents[0]);
  });

  it("is not set by Alertmanager's zero time, and an incident stored without it still parses", () => {
    const opened = apply(EMPTY, alert({ endsAt: "0001-01-01T00:00:00Z" })).changed[0]!;
    expect(opened).not.toHaveProperty("alertEndsAt");
    // As stored before the field existed: read back as it was; with the field, the field survives the schema.
    const older = JSON.parse(JSON.stringify(opened)) as Record<string, unknown>;
    expect(Incident.parse(older)).toEqual(opened);
    expect(Incident.parse({ ...older, alertEndsAt: "2096-03-01T12:04:00.000Z" }).alertEndsAt).toBe("2096-03-01T12:04:00.000Z");
  });
});
