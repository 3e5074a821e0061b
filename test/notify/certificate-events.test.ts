import { resetBindings } from "../helpers/reset";

import { afterEach, describe, expect, it } from "vitest";
import { isDue } from "../../src/tick/due-monitors";
import { configOf, storedState, tick } from "../helpers/writer";
import { loopbackDeps, port, SERVER_NAME } from "../tls/kit";
import { recorded, recorderUrl, uniquePrefix } from "./fixtures";
import { setSwitch, targetsBase } from "../helpers/targets";

const base = targetsBase();

afterEach(resetBindings);

describe("certificate.expiring from the tick", () => {
  it("announces each tier once: 30 days for a 20-day certificate, 7 for a 5-day one, and nothing on later ticks", async () => {
    const prefix = uniquePrefix("cert");
    // interval 1: probed every tick (tls monitors default to every 15 minutes).
    const config = configOf({
      monitors: [
        { id: "cert-20", name: "Twenty", type: "tls", host: "127.0.0.1", port: port("tls13-rsa"), servername: SERVER_NAME, interval: 1 },
        { id: "cert-5", name: "Five", type: "tls", host: "127.0.0.1", port: port("days5"), servername: SERVER_NAME, interval: 1 },
      ],
      notifications: { channels: [{ id: "ops", type: "webhook", urlSecret: "HOOK" }] },
    });
    const probe = loopbackDeps({ secret: (n: string) => (n === "HOOK" ? `${recorderUrl()}${prefix}` : undefined) });
    const now = Date.now();
    for (let i = 0; i < 3; i++) {
      const summary = await tick({ config, probe }, now + i * 60_000);
      expect(summary.results.map((r) => r.monitorId).sort()).toEqual(["cert-20", "cert-5"]);
    }
    const sent = (await recorded(prefix)).map(
      (r) => JSON.parse(r.body) as { event: string; certificate?: { monitorId: string; tier: number; daysLeft: number } },
    );
    const certificates = sent
      .filter((e) => e.event === "certificate.expiring")
      .map((e) => [e.certificate!.monitorId, e.certificate!.tier, e.certificate!.daysLeft]);
    expect(certificates.sort()).toEqual([
      ["cert-20", 30, 20],
      ["cert-5", 7, 5],
    ]);
  });

  it("keeps a tls monitor's announced tier between its probes (default interval 15), and announces it once", async () => {
    const prefix = uniquePrefix("tiers");
    const key = `t-${crypto.randomUUID()}`;
    const config = configOf({
      monitors: [
        { id: "cert-20", name: "Twenty", type: "tls", host: "127.0.0.1", port: port("tls13-rsa"), servername: SERVER_NAME },
        { id: "gw", name: "Gateway", type: "http", url: `${base}/switch/${key}`, failureThreshold: 1 },
      ],
      notifications: { channels: [{ id: "ops", type: "webhook", urlSecret: "HOOK" }] },
    });
    const probe = loopbackDeps({ secret: (n: string) => (n === "HOOK" ? `${recorderUrl()}${prefix}` : undefined) });
    let due = Math.floor(Date.now() / 60_000) * 60_000;
    while (!isDue(config.monitors[0]!, due)) due += 60_000;
    await tick({ config, probe }, due);
    await tick({ config, probe }, due + 60_000);
    expect((await storedState(config)).meta.certificateTiers).toEqual({ "cert-20": 30 });
    // Nine days on, the delivered keys of the first announcement (kept 8 days) are gone: only the tier stops a repeat.
    const later = due + 9 * 24 * 3600_000;
    await setSwitch(key, 500);
    await tick({ config, probe }, later);
    await tick({ config, probe }, later + 60_000);
    await tick({ config, probe }, later + 15 * 60_000);
    const sent = (await recorded(prefix)).map((r) => JSON.parse(r.body) as { event: string });
    expect(sent.filter((e) => e.event === "certificate.expiring")).toHaveLength(1);
  });
});
