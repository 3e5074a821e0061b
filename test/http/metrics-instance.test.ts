import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { faceGet, seedLatest } from "../helpers/faces-app";
import { incident, minutesAgo, stored } from "../helpers/fixtures";
import { pick, samples } from "../helpers/metrics-samples";
import { resetBindings } from "../helpers/reset";
import { envWith } from "../helpers/worker";

// The `instance` label of /metrics: the target only where a visitor may see it. Open (no METRICS_TOKEN), the answer
// is everyone's and cached at the edge: only monitors marked public show their target. Behind the token, every one.
const TOKEN = "metrics-token-instance-77";
const at = minutesAgo(0);
const NOT_AFTER = "2027-01-15T00:00:00.000Z";
const config = {
  title: "Instances",
  monitors: [
    {
      id: "api",
      name: "API",
      group: "Platform",
      type: "http",
      url: "https://user:pw-8877@api.internal.example/health?key=k-4455",
      headers: { "X-Key": "hdr-value-31337" },
    },
    { id: "api-cert", name: "API certificate", type: "tls", host: "api.internal.example" },
    { id: "site", name: "Status site", type: "http", url: "https://status.example.com/", public: true },
    { id: "db", name: "Database port", type: "tls", host: "10.1.2.3", port: 5432 },
  ],
};
const LEAKS = ["internal.example", "10.1.2.3", "pw-8877", "k-4455", "hdr-value-31337", "user:"];

beforeEach(async () => {
  await seedLatest(
    {
      api: stored({ status: "up" }, at),
      "api-cert": stored({ type: "tls", status: "up", details: { notAfter: NOT_AFTER, subject: "CN=api.internal.example" } }, at),
      site: stored({ status: "up" }, at),
      db: stored({ type: "tls", status: "down", message: "connect to 10.1.2.3:5432 refused", details: { notAfter: null } }, at),
    },
    [incident({ id: "db-1", monitorIds: ["db"], title: "10.1.2.3:5432 is down" })],
    at,
  );
});
afterEach(resetBindings);

const instances = (text: string, family: string) =>
  Object.fromEntries(pick(samples(text), family).map(([labels]) => [labels.monitor, labels.instance]));

describe("/metrics instance label", () => {
  it("open: the public monitor's target, every other monitor's id; no address anywhere in labels or HELP", async () => {
    const text = await (await faceGet(envWith(config), "/metrics")).text();
    expect(instances(text, "probe_success")).toEqual({ api: "api", "api-cert": "api-cert", site: "https://status.example.com/", db: "db" });
    for (const leak of LEAKS) expect(text, leak).not.toContain(leak);
    // Every label value is an id, a group, the revealed target or a fixed word.
    const values = new Set(samples(text).flatMap(([, labels]) => Object.values(labels)));
    const allowed =
      /^(api|api-cert|site|db|Platform|https:\/\/status\.example\.com\/|up|degraded|down|maintenance|unknown|24h|7d|30d|90d|SEV-\d)$/;
    expect([...values].filter((v) => !allowed.test(v))).toEqual([]);
  });

  it("open: the https monitor has the certificate its tls monitor read, each under its own instance", async () => {
    const text = await (await faceGet(envWith(config), "/metrics")).text();
    expect(pick(samples(text), "probe_ssl_earliest_cert_expiry")).toEqual([
      [{ instance: "api", monitor: "api", group: "Platform" }, Date.parse(NOT_AFTER) / 1000],
      [{ instance: "api-cert", monitor: "api-cert" }, Date.parse(NOT_AFTER) / 1000],
    ]);
  });

  it("behind METRICS_TOKEN: every target, as blackbox's relabelling names it, still without credentials or query values", async () => {
    const bindings = envWith(config, { METRICS_TOKEN: TOKEN });
    const response = await faceGet(bindings, "/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    const text = await response.text();
    const targets = {
      api: "https://api.internal.example/health?key=redacted",
      "api-cert": "api.internal.example:443",
      site: "https://status.example.com/",
      db: "10.1.2.3:5432",
    };
    expect(instances(text, "probe_success")).toEqual(targets);
    expect(instances(text, "edgewatch_monitor_maintenance")).toEqual(targets);
    // The https monitor's certificate is under the instance of its probe_success: blackbox's expiry alert names it.
    expect(instances(text, "probe_ssl_earliest_cert_expiry")).toEqual({ api: targets.api, "api-cert": targets["api-cert"] });
    for (const leak of ["pw-8877", "k-4455", "hdr-value-31337", "user:"]) expect(text, leak).not.toContain(leak);
  });

  it("an answer that names the targets is never stored where an open request could get it", async () => {
    const origin = `https://metrics-instance-${crypto.randomUUID().slice(0, 8)}.example.com`;
    const withToken = envWith(config, { METRICS_TOKEN: TOKEN });
    const authorised = await faceGet(withToken, "/metrics", { origin, headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(await authorised.text()).toContain("api.internal.example");
    // The same URL once the secret is removed: answered afresh, with ids.
    const open = await faceGet(envWith(config), "/metrics", { origin });
    expect(open.headers.get("x-edge-cache")).toBe("miss");
    expect(await open.text()).not.toContain("internal.example");
  });
});
