// Node side (globalSetup): real TLS servers on 127.0.0.1 for the TLS probe inside workerd, with certificates
// issued at setup by the test CA that prepareTestCa() made and workerd trusts.
import { type ChildProcess, spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import tls from "node:tls";
import { freePort } from "./http-targets";
import { type Issued, issueCertificate, opensslNotAfter, TEST_CA_DIR_ENV, type TestCa, testCaIn } from "./test-ca";

/** What node:crypto and openssl say about a certificate, for the workerd tests to compare the probe's reader with. */
export interface CertFacts {
  derBase64: string;
  subject: string;
  issuer: string;
  subjectAltName: string | null;
  validFrom: string;
  validTo: string;
  serialNumber: string;
  fingerprint256: string;
  /** From the public key's details, written the way the probe writes it: `RSA-2048`, `EC P-256`. */
  keyType: string;
  ca: boolean;
  /** `openssl x509 -enddate -noout` of the same file, as ISO. */
  opensslNotAfter: string;
}

export const SERVER_NAME = "api.example.test";
export const CF_ZONE_ID = "0123456789abcdef0123456789abcdef";
export const CF_BROKEN_ZONE_ID = "fedcba9876543210fedcba9876543210";

export interface TlsTestValues {
  /** Ports by server name (see the table in startTlsServers). */
  ports: Record<string, number>;
  /** Facts about certificates by name: every leaf served, and the intermediates. */
  certs: Record<string, CertFacts>;
  cloudflareApiUrl: string;
  cloudflareApiToken: string;
  /** GET {openConnectionsUrl}/<server> gives `{ open }`, the server's open TCP connections (-1 if not counted). */
  openConnectionsUrl: string;
  /** A DNS-over-HTTPS JSON endpoint that says `localhost` is a Cloudflare address. */
  dohUrl: string;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const O = "/O=Edgewatch Tests";

/** `values` is what to provide() to the tests, by key: `project.provide("tls", values.tls)`. */
export async function startTlsServers(): Promise<{ values: { tls: TlsTestValues }; close(): Promise<void> }> {
  const ca = testCa();
  const now = Date.now();
  const at = (ms: number) => new Date(now + ms);
  const root = { certPath: ca.certPath, keyPath: ca.keyPath };
  const leafSans = [`DNS:${SERVER_NAME}`, "IP:127.0.0.1"];

  // Leaves end 12 hours past a whole number of days, so the days left stay the same for the whole test run.
  const intermediate = await issueCertificate(ca, {
    name: "intermediate",
    subject: `${O}/CN=Edgewatch Test Intermediate`,
    key: "ec-p256",
    issuer: root,
    notBefore: at(-30 * DAY),
    notAfter: at(365 * DAY),
    ca: true,
  });
  const leaf = (name: string, key: IssueKey, notBefore: Date, notAfter: Date, sans = leafSans, subject = `${O}/CN=${SERVER_NAME}`) =>
    issueCertificate(ca, { name, subject, key, issuer: intermediate, notBefore, notAfter, sans });
  const [okRsa, okEc, days10, days5, expired, notYet, wrongHost, selfSigned, ipv6] = await Promise.all([
    leaf("ok-rsa", "rsa-2048", at(-10 * DAY), at(20 * DAY + 12 * HOUR)),
    leaf("ok-ec", "ec-p256", at(-10 * DAY), at(20 * DAY + 12 * HOUR)),
    leaf("days10", "ec-p256", at(-10 * DAY), at(10 * DAY + 12 * HOUR)),
    leaf("days5", "ec-p256", at(-10 * DAY), at(5 * DAY + 12 * HOUR)),
    leaf("expired", "ec-p256", at(-90 * DAY), at(-2 * DAY - 12 * HOUR)),
    leaf("not-yet-valid", "ec-p256", at(3 * DAY), at(90 * DAY)),
    leaf("wrong-host", "ec-p384", at(-10 * DAY), at(60 * DAY), ["DNS:www.other.test", "IP:127.0.0.1"], `${O}/CN=www.other.test`),
    // Past 2049 notAfter is a GeneralizedTime rather than a UTCTime: the reader must handle both.
    issueCertificate(ca, {
      name: "self-signed",
      subject: `${O}/CN=${SERVER_NAME}`,
      key: "ec-p256",
      issuer: "self",
      notBefore: at(-DAY),
      notAfter: new Date("2099-12-31T12:00:00Z"),
      sans: leafSans,
    }),
    leaf("ipv6", "ec-p256", at(-10 * DAY), at(20 * DAY + 12 * HOUR), [`DNS:${SERVER_NAME}`, "IP:::1"]),
  ]);

  // A 4-deep chain of 4096-bit RSA keys, about 6 KB of certificates; served in 512-byte records. The second
  // intermediate expires before the leaf, which earliestChainExpiry must report.
  const long1 = await issueCertificate(ca, {
    name: "long-1",
    subject: `${O}/CN=Long Chain CA 1`,
    key: "rsa-4096",
    issuer: root,
    notBefore: at(-30 * DAY),
    notAfter: at(300 * DAY),
    ca: true,
  });
  const long2 = await issueCertificate(ca, {
    name: "long-2",
    subject: `${O}/CN=Long Chain CA 2`,
    key: "rsa-4096",
    issuer: long1,
    notBefore: at(-30 * DAY),
    notAfter: at(40 * DAY),
    ca: true,
  });
  const long3 = await issueCertificate(ca, {
    name: "long-3",
    subject: `${O}/CN=Long Chain CA 3`,
    key: "rsa-4096",
    issuer: long2,
    notBefore: at(-30 * DAY),
    notAfter: at(200 * DAY),
    ca: true,
  });
  const longLeaf = await issueCertificate(ca, {
    name: "long-leaf",
    subject: `${O}/CN=${SERVER_NAME}`,
    key: "rsa-4096",
    issuer: long3,
    notBefore: at(-DAY),
    notAfter: at(60 * DAY + 12 * HOUR),
    sans: leafSans,
  });

  const closers: (() => Promise<void>)[] = [];
  const ports: Record<string, number> = {};
  const withChain = (cert: Issued, ...chain: Issued[]) => ({ key: cert, chain });
  const node = async (name: string, served: { key: Issued; chain: Issued[] }, options: tls.TlsOptions = {}, host = "127.0.0.1") => {
    const s = await nodeTlsServer({ name, host, key: served.key.keyPath, certs: [served.key, ...served.chain], options });
    ports[name] = s.port;
    closers.push(s.close);
  };
  const openssl = async (name: string, served: { key: Issued; chain: Issued[] }, args: string[]) => {
    const s = await opensslServer(ca, name, served.key, served.chain, args);
    ports[name] = s.port;
    closers.push(s.close);
  };

  // name                         certificate and chain                    what the server insists on
  await node("tls13-rsa", withChain(okRsa, intermediate), { minVersion: "TLSv1.3" });
  await node("tls13-ec", withChain(okEc, intermediate), { minVersion: "TLSv1.3" });
  await node("tls13-aes256", withChain(okEc, intermediate), { minVersion: "TLSv1.3", ciphers: "TLS_AES_256_GCM_SHA384" });
  await node("tls13-p256", withChain(okEc, intermediate), { minVersion: "TLSv1.3", ecdhCurve: "prime256v1" });
  await node("tls13-x25519", withChain(okEc, intermediate), { minVersion: "TLSv1.3", ecdhCurve: "X25519" });
  await node("tls12-rsa", withChain(okRsa, intermediate), { maxVersion: "TLSv1.2" });
  await node("tls12-ec", withChain(okEc, intermediate), { maxVersion: "TLSv1.2" });
  await node("days10", withChain(days10, intermediate));
  await node("days5", withChain(days5, intermediate));
  await node("expired", withChain(expired, intermediate));
  await node("not-yet-valid", withChain(notYet, intermediate));
  await node("wrong-host", withChain(wrongHost, intermediate));
  await node("self-signed", withChain(selfSigned));
  await node("incomplete", withChain(okEc)); // the intermediate is not sent
  await node("ipv6", withChain(ipv6, intermediate), {}, "::1"); // on [::1], not 127.0.0.1
  await openssl("long-chain-13", withChain(longLeaf, long3, long2, long1), ["-tls1_3", "-max_send_frag", "512"]);
  await openssl("long-chain-12", withChain(longLeaf, long3, long2, long1), ["-tls1_2", "-max_send_frag", "512"]);
  // Offers only P-384, for which the client sends no key share in its first ClientHello: a HelloRetryRequest.
  await openssl("hello-retry", withChain(okEc, intermediate), ["-tls1_3", "-groups", "secp384r1"]);
  // Only ChaCha20-Poly1305, which the probe cannot decrypt and does not offer: the server answers with an alert.
  await openssl("alert", withChain(okEc, intermediate), ["-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"]);

  const dribble = await dribbleProxy(ports["tls13-rsa"]!);
  ports["dribble"] = dribble.port;
  closers.push(dribble.close);
  const garbage = await garbageCertificateServer();
  ports["garbage-certificate"] = garbage.port;
  closers.push(garbage.close);
  const plain = await plainHttpServer();
  ports["http"] = plain.port;
  closers.push(plain.close);
  const silent = await silentServer();
  ports["silent"] = silent.port;
  closers.push(silent.close);
  ports["refused"] = await freePort();

  const apiToken = "test-token-not-a-secret";
  const api = await cloudflareApiImitation(apiToken, now);
  closers.push(api.close);
  const doh = await dohImitation();
  closers.push(doh.close);

  const named: Record<string, Issued> = {
    okRsa,
    okEc,
    days10,
    days5,
    expired,
    notYet,
    wrongHost,
    selfSigned,
    ipv6,
    intermediate,
    long1,
    long2,
    long3,
    longLeaf,
  };
  const certs: Record<string, CertFacts> = {};
  for (const [name, cert] of Object.entries(named)) certs[name] = await certFacts(cert);

  return {
    values: {
      tls: {
        ports,
        certs,
        cloudflareApiUrl: `http://127.0.0.1:${api.port}/client/v4`,
        cloudflareApiToken: apiToken,
        openConnectionsUrl: `http://127.0.0.1:${plain.port}/open`,
        dohUrl: `http://127.0.0.1:${doh.port}/dns-query`,
      },
    },
    close: async () => {
      await Promise.all(closers.map((c) => c().catch(() => {})));
      rmSync(ca.dir, { recursive: true, force: true });
    },
  };
}

type IssueKey = Parameters<typeof issueCertificate>[1]["key"];

/** The CA that the vitest config prepared (and made workerd trust) before the pool was imported. */
function testCa(): TestCa {
  const dir = process.env[TEST_CA_DIR_ENV];
  if (!dir) throw new Error(`${TEST_CA_DIR_ENV} is not set: call prepareTestCa() in the vitest config before the pool is imported`);
  return testCaIn(dir);
}

async function certFacts(cert: Issued): Promise<CertFacts> {
  const x = new X509Certificate(cert.pem);
  const details = x.publicKey.asymmetricKeyDetails ?? {};
  const curves: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384" };
  const keyType =
    x.publicKey.asymmetricKeyType === "rsa"
      ? `RSA-${details.modulusLength}`
      : `EC ${curves[details.namedCurve ?? ""] ?? details.namedCurve}`;
  return {
    derBase64: x.raw.toString("base64"),
    subject: x.subject,
    issuer: x.issuer,
    subjectAltName: x.subjectAltName ?? null,
    validFrom: new Date(x.validFrom).toISOString(),
    validTo: new Date(x.validTo).toISOString(),
    serialNumber: x.serialNumber,
    fingerprint256: x.fingerprint256,
    keyType,
    ca: x.ca,
    opensslNotAfter: (await opensslNotAfter(cert.certPath)).toISOString(),
  };
}

async function listen(server: net.Server, host = "127.0.0.1"): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

/** Open TCP connections per test server, so that a test can check that the probe closed its sockets. */
const openSockets = new Map<string, Set<net.Socket>>();

/** A net.Server (or tls/http) that can be closed even with connections still open. */
function closable(server: net.Server, name = ""): () => Promise<void> {
  const sockets = new Set<net.Socket>();
  if (name) openSockets.set(name, sockets);
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
  });
  return async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  };
}

async function nodeTlsServer(spec: { name: string; host: string; key: string; certs: Issued[]; options: tls.TlsOptions }) {
  const server = tls.createServer(
    { ...spec.options, key: readFileSync(spec.key), cert: spec.certs.map((c) => c.pem).join("") },
    (socket) => {
      socket.on("error", () => {});
    },
  );
  // The probe hangs up mid-handshake on purpose; Node reports that here.
  server.on("tlsClientError", () => {});
  const close = closable(server, spec.name);
  return { port: await listen(server, spec.host), close };
}

/** `openssl s_server` on a free port; killed by its own PID at teardown. */
async function opensslServer(ca: TestCa, name: string, leaf: Issued, chain: Issued[], args: string[]) {
  const chainPath = `${ca.dir}/${name}-chain.pem`;
  writeFileSync(chainPath, chain.map((c) => c.pem).join(""));
  const child: ChildProcess = spawn(
    "openssl",
    [
      "s_server",
      "-accept",
      "127.0.0.1:0",
      "-cert",
      leaf.certPath,
      "-key",
      leaf.keyPath,
      ...(chain.length ? ["-cert_chain", chainPath] : []),
      "-www",
      ...args,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`openssl s_server ${name} did not start: ${out}`)), 10_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => reject(new Error(`openssl s_server ${name} exited with ${code}: ${out}`)));
  });
  const close = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(child.pid, "SIGTERM");
    await exited;
  };
  return { port, close };
}

/**
 * A TCP proxy that hands the server's bytes on in pieces of 1 to 200 bytes, a millisecond apart, so that record
 * headers and records arrive split across reads.
 */
async function dribbleProxy(upstreamPort: number) {
  const sizes = [1, 3, 7, 2, 200, 5, 64, 1, 150];
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const upstream = net.connect(upstreamPort, "127.0.0.1");
    const queue: Buffer[] = [];
    let pumping = false;
    let i = 0;
    const pump = () => {
      const head = queue[0];
      if (!head || client.destroyed) {
        pumping = false;
        return;
      }
      pumping = true;
      const n = Math.min(sizes[i++ % sizes.length]!, head.length);
      client.write(head.subarray(0, n));
      if (n === head.length) queue.shift();
      else queue[0] = head.subarray(n);
      setTimeout(pump, 1);
    };
    upstream.on("data", (chunk) => {
      queue.push(chunk);
      if (!pumping) pump();
    });
    client.on("data", (chunk) => upstream.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end);
    upstream.on("close", end);
    client.on("error", () => {});
    upstream.on("error", () => {});
  });
  const close = closable(server);
  return { port: await listen(server), close };
}

/** Plain HTTP, which the probe must call "not a TLS server"; GET /open/<server> also counts a server's connections. */
async function plainHttpServer() {
  const server = http.createServer((req, res) => {
    const match = /^\/open\/([\w-]+)$/.exec(req.url ?? "");
    if (match) {
      const sockets = openSockets.get(match[1]!);
      // This request's own connection is one of the plain server's; it does not count.
      const open = sockets ? sockets.size - (match[1] === "http" ? 1 : 0) : -1;
      res.writeHead(200, { "content-type": "application/json", connection: "close" });
      return res.end(JSON.stringify({ open }));
    }
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("plain HTTP, no TLS here\n");
  });
  const close = closable(server, "http");
  return { port: await listen(server), close };
}

/**
 * Answers any ClientHello with a well-formed TLS 1.2 ServerHello and Certificate message whose one
 * "certificate" is not DER at all: the probe must report a parse failure, not throw.
 */
async function garbageCertificateServer() {
  const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
  const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
  const handshake = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type]), u24(body.length), body]);
  const serverHello = handshake(2, Buffer.concat([u16(0x0303), Buffer.alloc(32, 7), Buffer.from([0]), u16(0xc02f), Buffer.from([0])]));
  const junk = Buffer.from("this is not a DER certificate");
  const certificate = handshake(11, Buffer.concat([u24(junk.length + 3), u24(junk.length), junk]));
  const flight = Buffer.concat([serverHello, certificate]);
  const record = Buffer.concat([Buffer.from([22]), u16(0x0303), u16(flight.length), flight]);
  const server = net.createServer((socket) => socket.once("data", () => socket.write(record)));
  const close = closable(server, "garbage-certificate");
  return { port: await listen(server), close };
}

/** Accepts connections and never sends a byte. */
async function silentServer() {
  const server = net.createServer((socket) => socket.resume());
  const close = closable(server, "silent");
  return { port: await listen(server), close };
}

/**
 * Imitates GET /zones/{zone_id}/ssl/certificate_packs of the Cloudflare API v4 (documented envelope and fields).
 * It pages by 2 whatever per_page asks, so the client's paging is exercised with a handful of packs.
 */
async function cloudflareApiImitation(token: string, now: number) {
  const iso = (ms: number) => new Date(now + ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const cert = (id: string, hosts: string[], expiresIn: number, issuer: string) => ({
    id,
    hosts,
    issuer,
    signature: "ECDSAWithSHA256",
    status: "active",
    bundle_method: "ubiquitous",
    zone_id: CF_ZONE_ID,
    uploaded_on: iso(-30 * DAY),
    modified_on: iso(-30 * DAY),
    expires_on: iso(expiresIn),
    priority: 0,
  });
  const packs = [
    {
      id: "pack-universal",
      type: "universal",
      hosts: ["example.test", "*.example.test"],
      status: "active",
      validation_method: "txt",
      validity_days: 90,
      certificate_authority: "google",
      cloudflare_branding: false,
      primary_certificate: "cert-ecdsa",
      // Two certificates (ECDSA and RSA); the earliest expiry is the one to report.
      certificates: [
        cert("cert-ecdsa", ["example.test", "*.example.test"], 40 * DAY, "GoogleTrustServices"),
        cert("cert-rsa", ["example.test", "*.example.test"], 10 * DAY + 12 * HOUR, "GoogleTrustServices"),
      ],
    },
    {
      id: "pack-advanced",
      type: "advanced",
      hosts: ["example.test", "shop.example.test"],
      status: "active",
      validation_method: "txt",
      validity_days: 90,
      certificate_authority: "lets_encrypt",
      certificates: [cert("cert-shop", ["example.test", "shop.example.test"], 5 * DAY + 12 * HOUR, "LetsEncrypt")],
    },
    {
      id: "pack-old",
      type: "advanced",
      hosts: ["example.test", "*.old.example.test"],
      status: "expired",
      certificate_authority: "lets_encrypt",
      certificates: [cert("cert-old", ["example.test", "*.old.example.test"], -3 * DAY, "LetsEncrypt")],
    },
    {
      id: "pack-far",
      type: "advanced",
      hosts: ["example.test", "*.far.example.test"],
      status: "active",
      certificate_authority: "ssl_com",
      certificates: [cert("cert-far", ["example.test", "*.far.example.test"], 80 * DAY + 12 * HOUR, "SSLCom")],
    },
  ];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const match = /^\/client\/v4\/zones\/([0-9a-f]{32})\/ssl\/certificate_packs$/.exec(url.pathname);
    if (!match)
      return send(404, { success: false, errors: [{ code: 7003, message: "Could not route to /zones" }], messages: [], result: null });
    if (req.headers.authorization !== `Bearer ${token}`) {
      return send(403, { success: false, errors: [{ code: 10000, message: "Authentication error" }], messages: [], result: null });
    }
    if (match[1] === CF_BROKEN_ZONE_ID)
      return send(200, { success: true, errors: [], messages: [], result: [{ id: "x", status: "active" }] });
    if (match[1] !== CF_ZONE_ID)
      return send(404, { success: false, errors: [{ code: 1001, message: "Invalid zone identifier" }], messages: [], result: null });
    const visible = url.searchParams.get("status") === "all" ? packs : packs.filter((p) => p.status === "active");
    const perPage = 2;
    const page = Math.max(1, Number(url.searchParams.get("page") ?? "1"));
    const totalPages = Math.ceil(visible.length / perPage);
    send(200, {
      success: true,
      errors: [],
      messages: [],
      result: visible.slice((page - 1) * perPage, page * perPage),
      result_info: {
        page,
        per_page: perPage,
        count: Math.min(perPage, visible.length - (page - 1) * perPage),
        total_count: visible.length,
        total_pages: totalPages,
      },
    });
  });
  const close = closable(server);
  return { port: await listen(server), close };
}

/** DNS-over-HTTPS in the JSON form: `localhost` resolves to an address in Cloudflare's 104.16.0.0/13. */
async function dohImitation() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const name = url.searchParams.get("name");
    const type = url.searchParams.get("type");
    const answer = name === "localhost" && type === "A" ? [{ name, type: 1, TTL: 300, data: "104.16.132.229" }] : undefined;
    res.writeHead(200, { "content-type": "application/dns-json" });
    res.end(
      JSON.stringify({
        Status: 0,
        TC: false,
        RD: true,
        RA: true,
        AD: false,
        CD: false,
        Question: [{ name, type: type === "AAAA" ? 28 : 1 }],
        ...(answer ? { Answer: answer } : {}),
      }),
    );
  });
  const close = closable(server);
  return { port: await listen(server), close };
}
