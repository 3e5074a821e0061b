// Node side, run from the vitest config before the Workers pool is imported: makes a throwaway root CA and
// makes workerd trust it. Miniflare reads NODE_EXTRA_CA_CERTS once, when it is first imported, so the bundle
// must exist and the variable be set before that import (see the dynamic import in vitest.tls.config.ts).
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

export interface TestCa {
  dir: string;
  certPath: string;
  keyPath: string;
  bundlePath: string;
}

/** Where startTlsServers() finds the CA that prepareTestCa() made: both run in the same Node process. */
export const TEST_CA_DIR_ENV = "EDGEWATCH_TLS_TEST_DIR";

const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** Where prepareTestCa() puts the CA's files in `dir`. */
export function testCaIn(dir: string): TestCa {
  return { dir, certPath: join(dir, "root-ca.pem"), keyPath: join(dir, "root-ca.key"), bundlePath: join(dir, "ca-bundle.pem") };
}

export function prepareTestCa(dir: string): TestCa {
  mkdirSync(dir, { recursive: true });
  const { certPath, keyPath, bundlePath } = testCaIn(dir);
  execFileSync("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyPath], { stdio: "pipe" });
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-new",
      "-key",
      keyPath,
      "-out",
      certPath,
      "-days",
      "3650",
      "-sha256",
      "-subj",
      "/O=Edgewatch Tests/CN=Edgewatch Test Root CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
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

export type KeySpec = "ec-p256" | "ec-p384" | "rsa-2048" | "rsa-4096";

export interface Issued {
  certPath: string;
  keyPath: string;
  pem: string;
}

export interface IssueOptions {
  /** File-name stem, unique per certificate. */
  name: string;
  /** OpenSSL form: "/O=Edgewatch Tests/CN=api.example.test". */
  subject: string;
  key: KeySpec;
  /** The issuing certificate, or "self" for a self-signed one. */
  issuer: { certPath: string; keyPath: string } | "self";
  notBefore: Date;
  notAfter: Date;
  /** subjectAltName entries: "DNS:api.example.test", "IP:127.0.0.1". */
  sans?: string[];
  ca?: boolean;
}

const run = promisify(execFile);

const KEY_ARGS: Record<KeySpec, string[]> = {
  "ec-p256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
  "ec-p384": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
  "rsa-2048": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
  "rsa-4096": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"],
};

/** OpenSSL's -startdate/-enddate form, YYYYMMDDHHMMSSZ. */
export const opensslDate = (date: Date) => `${date.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;

/**
 * Issues a certificate with exact notBefore/notAfter: `openssl req -x509` only takes -days, `openssl ca` takes
 * dates. Each call gets its own database directory so that certificates can be issued in parallel.
 */
export async function issueCertificate(ca: TestCa, options: IssueOptions): Promise<Issued> {
  const dir = join(ca.dir, options.name);
  mkdirSync(dir, { recursive: true });
  const keyPath = join(dir, "key.pem");
  const csrPath = join(dir, "req.csr");
  const certPath = join(dir, "cert.pem");
  const configPath = join(dir, "ca.cnf");
  writeFileSync(join(dir, "index.txt"), "");
  const extensions = options.ca
    ? ["basicConstraints = critical,CA:TRUE", "keyUsage = critical,keyCertSign,cRLSign"]
    : ["basicConstraints = critical,CA:FALSE", "keyUsage = critical,digitalSignature,keyEncipherment", "extendedKeyUsage = serverAuth"];
  if (options.sans?.length) extensions.push(`subjectAltName = ${options.sans.join(",")}`);
  writeFileSync(
    configPath,
    [
      "[ ca ]",
      "default_ca = test_ca",
      "[ test_ca ]",
      `database = ${join(dir, "index.txt")}`,
      `new_certs_dir = ${dir}`,
      "default_md = sha256",
      "policy = policy_any",
      "unique_subject = no",
      "email_in_dn = no",
      "rand_serial = yes",
      "copy_extensions = none",
      "[ policy_any ]",
      "commonName = optional",
      "organizationName = optional",
      "[ ext ]",
      "subjectKeyIdentifier = hash",
      "authorityKeyIdentifier = keyid",
      ...extensions,
      "",
    ].join("\n"),
  );
  await run("openssl", ["genpkey", ...KEY_ARGS[options.key], "-out", keyPath]);
  await run("openssl", ["req", "-new", "-key", keyPath, "-subj", options.subject, "-out", csrPath]);
  const signer =
    options.issuer === "self" ? ["-selfsign", "-keyfile", keyPath] : ["-cert", options.issuer.certPath, "-keyfile", options.issuer.keyPath];
  await run("openssl", [
    "ca",
    "-batch",
    "-config",
    configPath,
    "-extensions",
    "ext",
    "-in",
    csrPath,
    "-out",
    certPath,
    "-notext",
    "-preserveDN",
    "-startdate",
    opensslDate(options.notBefore),
    "-enddate",
    opensslDate(options.notAfter),
    ...signer,
  ]);
  return { certPath, keyPath, pem: readFileSync(certPath, "utf8") };
}

/** What `openssl x509 -enddate -noout` says, as a Date: the reference the probe's notAfter is checked against. */
export async function opensslNotAfter(certPath: string): Promise<Date> {
  const { stdout } = await run("openssl", ["x509", "-in", certPath, "-enddate", "-noout"]);
  const date = new Date(stdout.trim().replace(/^notAfter=/, ""));
  if (Number.isNaN(date.getTime())) throw new Error(`cannot read ${JSON.stringify(stdout)}`);
  return date;
}
