import { describe, expect, it } from "vitest";
import { fromHex } from "../../src/tls/bytes";
import { hkdfExpand, hkdfExpandLabel, hkdfExtract, serverHandshakeKeys, TLS13_SUITES } from "../../src/tls/key-schedule";

const sha256 = TLS13_SUITES[0x1301]!;
const sha384 = TLS13_SUITES[0x1302]!;

describe("HKDF built from HMAC", () => {
  it("matches RFC 5869 test case 1", async () => {
    const prk = await hkdfExtract(sha256, fromHex("000102030405060708090a0b0c"), new Uint8Array(22).fill(0x0b));
    expect(prk).toEqual(fromHex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"));
    const okm = await hkdfExpand(sha256, prk, fromHex("f0f1f2f3f4f5f6f7f8f9"), 42);
    expect(okm).toEqual(fromHex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"));
  });

  it.each([
    ["SHA-256", sha256, 80],
    ["SHA-384", sha384, 100],
  ] as const)("Extract then Expand equals WebCrypto's one-shot HKDF with %s over several blocks", async (_name, suite, length) => {
    const salt = crypto.getRandomValues(new Uint8Array(suite.hashLength));
    const ikm = crypto.getRandomValues(new Uint8Array(48));
    const info = new TextEncoder().encode("edgewatch test info");
    const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
    const oneShot = new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: suite.hash, salt, info }, key, length * 8));
    expect(await hkdfExpand(suite, await hkdfExtract(suite, salt, ikm), info, length)).toEqual(oneShot);
  });
});

describe("TLS 1.3 key schedule", () => {
  // RFC 8448 section 3, Simple 1-RTT Handshake.
  it("derives the server handshake key and IV of RFC 8448", async () => {
    const shared = fromHex("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d");
    const helloHash = fromHex("860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8");
    const { key, iv } = await serverHandshakeKeys(sha256, shared, helloHash);
    expect(key).toEqual(fromHex("3fce516009c21727d0f2e4e86ee403bc"));
    expect(iv).toEqual(fromHex("5d313eb2671276ee13000b30"));
  });

  it("labels with the 'tls13 ' prefix and the requested length (RFC 8448: key from the traffic secret)", async () => {
    const secret = fromHex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
    expect(await hkdfExpandLabel(sha256, secret, "key", new Uint8Array(0), 16)).toEqual(fromHex("3fce516009c21727d0f2e4e86ee403bc"));
  });
});
