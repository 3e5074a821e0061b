// The TLS 1.3 key schedule (RFC 8446 7.1) up to the server's handshake traffic keys: all a client needs to
// read the encrypted Certificate. WebCrypto's HKDF only does Extract and Expand in one call, while the schedule
// chains them with its own labels, so both halves are built from HMAC (RFC 5869).
import { concatBytes, u16, vector } from "./bytes";
import { CipherSuite } from "./constants";

export interface Tls13Suite {
  hash: "SHA-256" | "SHA-384";
  hashLength: number;
  keyLength: number;
}

export const TLS13_SUITES: Record<number, Tls13Suite> = {
  [CipherSuite.TLS_AES_128_GCM_SHA256]: { hash: "SHA-256", hashLength: 32, keyLength: 16 },
  [CipherSuite.TLS_AES_256_GCM_SHA384]: { hash: "SHA-384", hashLength: 48, keyLength: 32 },
};

async function hmac(hash: Tls13Suite["hash"], key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, data));
}

export async function digest(hash: Tls13Suite["hash"], data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(hash, data));
}

export function hkdfExtract(suite: Tls13Suite, salt: Uint8Array, ikm: Uint8Array): Promise<Uint8Array> {
  // An empty salt means a string of HashLen zeros; HMAC pads short keys with zeros, so both are the same key.
  return hmac(suite.hash, salt, ikm);
}

export async function hkdfExpand(suite: Tls13Suite, prk: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  const blocks: Uint8Array[] = [];
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1, have = 0; have < length; i++) {
    previous = await hmac(suite.hash, prk, concatBytes(previous, info, Uint8Array.of(i)));
    blocks.push(previous);
    have += previous.length;
  }
  return concatBytes(...blocks).slice(0, length);
}

export function hkdfExpandLabel(
  suite: Tls13Suite,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  const info = concatBytes(u16(length), vector(1, new TextEncoder().encode(`tls13 ${label}`)), vector(1, context));
  return hkdfExpand(suite, secret, info, length);
}

/** Key and IV that decrypt the server's handshake flight, from the (EC)DHE secret and Hash(ClientHello..ServerHello). */
export async function serverHandshakeKeys(
  suite: Tls13Suite,
  sharedSecret: Uint8Array,
  helloHash: Uint8Array,
): Promise<{ key: Uint8Array; iv: Uint8Array }> {
  const zeros = new Uint8Array(suite.hashLength);
  const earlySecret = await hkdfExtract(suite, zeros, zeros);
  const derived = await hkdfExpandLabel(suite, earlySecret, "derived", await digest(suite.hash, new Uint8Array(0)), suite.hashLength);
  const handshakeSecret = await hkdfExtract(suite, derived, sharedSecret);
  const trafficSecret = await hkdfExpandLabel(suite, handshakeSecret, "s hs traffic", helloHash, suite.hashLength);
  const [key, iv] = await Promise.all([
    hkdfExpandLabel(suite, trafficSecret, "key", new Uint8Array(0), suite.keyLength),
    hkdfExpandLabel(suite, trafficSecret, "iv", new Uint8Array(0), 12),
  ]);
  return { key, iv };
}
