// Node side, run from the vitest config before the Workers pool is imported: makes a throwaway root CA and
// makes workerd trust it. Miniflare reads NODE_EXTRA_CA_CERTS once, when it is first imported, so the bundle
// must exist and the variable be set before that import (see the dynamic import in vitest.tls.config.ts).
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestCa {
  dir: string;
  certPath: string;
  keyPath: string;
  bundlePath: string;
}

/** Where startTlsServers() finds the CA that prepareTestCa() made: both run in the same Node process. */
export const TEST_CA_DIR_ENV = "EDGEWATCH_TLS_TEST_DIR";

const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

export function prepareTestCa(dir: string): TestCa {
  mkdirSync(dir, { recursive: true });
  const certPath = join(dir, "root-ca.pem");
  const keyPath = join(dir, "root-ca.key");
  const bundlePath = join(dir, "ca-bundle.pem");
  execFileSync("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyPath], { stdio: "pipe" });
  execFileSync(
    "openssl",
    [
      "req", "-x509", "-new", "-key", keyPath, "-out", certPath, "-days", "3650", "-sha256",
      "-subj", "/O=Edgewatch Tests/CN=Edgewatch Test Root CA",
      "-addext", "basicConstraints=critical,CA:TRUE",
      "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    ],
    { stdio: "pipe" },
  );
  // Keep whatever the machine already trusts (the variable may already point at the system bundle).
  const base = process.env.NODE_EXTRA_CA_CERTS ?? SYSTEM_BUNDLE;
  let system = "";
  try {
    system = readFileSync(base, "utf8");
  } catch {
    system = "";
  }
  writeFileSync(bundlePath, `${system.trimEnd()}\n${readFileSync(certPath, "utf8")}`);
  process.env.NODE_EXTRA_CA_CERTS = bundlePath;
  process.env[TEST_CA_DIR_ENV] = dir;
  return { dir, certPath, keyPath, bundlePath };
}
