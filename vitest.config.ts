import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";
import { OFFLINE_ENV } from "./scripts/offline-env.ts";
import { prepareTestCa } from "./test/helpers/test-ca.ts";

// Set before the pool (and with it Miniflare) loads: they read the environment once. The test CA joins a copy of
// the system bundle through NODE_EXTRA_CA_CERTS, so the runtime's own TLS trusts the test servers it signed.
Object.assign(process.env, OFFLINE_ENV);
prepareTestCa(mkdtempSync(join(tmpdir(), "edgewatch-tls-")));
const { cloudflareTest } = await import("@cloudflare/vitest-pool-workers");

export default defineConfig({
  test: {
    projects: [
      {
        // Inside workerd, as in production; real servers started in Node by the global setup.
        plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
        test: {
          name: "workers",
          include: ["test/**/*.test.ts"],
          exclude: ["test/node/**"],
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Node: the command-line scripts (check-config, npm start) as a user runs them.
        test: { name: "node", include: ["test/node/**/*.test.ts"], environment: "node", testTimeout: 120_000, hookTimeout: 120_000 },
      },
    ],
  },
});
