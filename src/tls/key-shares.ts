// Ephemeral key pairs for the TLS 1.3 key_share extension, and the shared secret from the server's share.
import { NamedGroup, type NamedGroupId } from "./constants";
import { TlsFailure } from "./tls-failure";

export interface KeyShare {
  group: NamedGroupId;
  /** As sent on the wire: 32 bytes for X25519, the uncompressed point for the NIST curves. */
  publicKey: Uint8Array;
  privateKey: CryptoKey;
}

// WebCrypto names X25519 as its own algorithm and the NIST curves as ECDH parameters.
const ALGORITHMS: Record<NamedGroupId, { params: { name: string; namedCurve?: string }; bits: number }> = {
  [NamedGroup.x25519]: { params: { name: "X25519" }, bits: 256 },
  [NamedGroup.secp256r1]: { params: { name: "ECDH", namedCurve: "P-256" }, bits: 256 },
  [NamedGroup.secp384r1]: { params: { name: "ECDH", namedCurve: "P-384" }, bits: 384 },
};

export const SUPPORTED_GROUPS: readonly NamedGroupId[] = [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1];

export async function generateKeyShare(group: NamedGroupId): Promise<KeyShare> {
  const { params } = ALGORITHMS[group];
  const pair = (await crypto.subtle.generateKey(params, true, ["deriveBits"])) as CryptoKeyPair;
  const publicKey = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  return { group, publicKey, privateKey: pair.privateKey };
}

export async function sharedSecret(share: KeyShare, serverPublicKey: Uint8Array): Promise<Uint8Array> {
  const { params, bits } = ALGORITHMS[share.group];
  let peer: CryptoKey;
  try {
    // Import validates the point, so a bogus share from the server fails here rather than deriving garbage.
    peer = await crypto.subtle.importKey("raw", serverPublicKey, params, false, []);
  } catch {
    throw new TlsFailure("handshake", "server sent an invalid key share");
  }
  const algorithm = { name: params.name, public: peer } as unknown as SubtleCryptoDeriveKeyAlgorithm;
  return new Uint8Array(await crypto.subtle.deriveBits(algorithm, share.privateKey, bits));
}
