import { reset } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import { runTick } from "../../src/tick/run-tick";
import { countingStores } from "../helpers/counting-stores";
import { loopbackDeps, port, SERVER_NAME } from "../tls/kit";
import { recorded, recorderUrl, uniquePrefix } from "./fixtures";

afterEach(() => reset());

describe("certificate.expiring from the tick", () => {
  it("announces each tier once: 30 days for a 20-day certificate, 7 for a 5-day one, and nothing on later ticks", async () => {
    const prefix = uniquePrefix("cert");
    const parsed = parseConfig({
      title: "t",
      monitors: [
        { id: "cert-20", name: "Twenty", type: "tls", host: "127.0.0.1", port: port("tls13-rsa"), servername: SERVER_NAME },
        { id: "cert-5", name: "Five", type: "tls", host: "127.0.0.1", port: port("days5"), servername: SERVER_NAME },
      ],
      notifications: { channels: [{ id: "ops", type: "webhook", urlSecret: "HOOK" }] },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const stores = countingStores();
    const deps = { config: parsed.config, probe: loopbackDeps({ secret: (n: string) => (n === "HOOK" ? `${recorderUrl()}${prefix}` : undefined) }), log: () => {}, ...stores };
    const now = Date.now();
    for (let i = 0; i < 3; i++) await runTick(deps, now + i * 60_000);
    const sent = (await recorded(prefix)).map((r) => JSON.parse(r.body) as { event: string; certificate?: { monitorId: string; tier: number; daysLeft: number } });
    const certificates = sent.filter((e) => e.event === "certificate.expiring").map((e) => [e.certificate!.monitorId, e.certificate!.tier, e.certificate!.daysLeft]);
    expect(certificates.sort()).toEqual([
      ["cert-20", 30, 20],
      ["cert-5", 7, 5],
    ]);
  });
});
