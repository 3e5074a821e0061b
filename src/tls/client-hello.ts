// The ClientHello: TLS 1.3 and 1.2 together, shaped like a current browser's so that servers answer normally.
import { concatBytes, u16, u24, u8, vector } from "./bytes";
import { CipherSuite, ExtensionType, HandshakeType, SIGNATURE_SCHEMES, Version } from "./constants";
import { SUPPORTED_GROUPS } from "./key-shares";

export interface ClientHelloOptions {
  random: Uint8Array;
  /** 32 random bytes: TLS 1.3 "middlebox compatibility mode", which some servers and middleboxes expect. */
  sessionId: Uint8Array;
  /** SNI; null for an IP literal, which RFC 6066 does not allow in server_name. */
  serverName: string | null;
  keyShares: readonly { group: number; publicKey: Uint8Array }[];
  /** The cookie extension body from a HelloRetryRequest, echoed as is. */
  cookie?: Uint8Array | null;
}

const CIPHER_SUITES = Object.values(CipherSuite);

const extension = (type: number, body: Uint8Array) => concatBytes(u16(type), vector(2, body));
const list16 = (values: readonly number[]) => vector(2, ...values.map(u16));

/** The whole handshake message (type, length, body), which is also what the transcript hash covers. */
export function buildClientHello(options: ClientHelloOptions): Uint8Array {
  const extensions = [
    ...(options.serverName
      ? [extension(ExtensionType.serverName, vector(2, u8(0), vector(2, new TextEncoder().encode(options.serverName))))]
      : []),
    extension(ExtensionType.ecPointFormats, vector(1, u8(0))),
    extension(ExtensionType.supportedGroups, list16(SUPPORTED_GROUPS)),
    extension(ExtensionType.signatureAlgorithms, list16(SIGNATURE_SCHEMES)),
    // extended_master_secret: some TLS 1.2 servers refuse clients without it.
    extension(23, new Uint8Array(0)),
    extension(ExtensionType.supportedVersions, vector(1, u16(Version.tls13), u16(Version.tls12))),
    extension(ExtensionType.keyShare, vector(2, ...options.keyShares.map((s) => concatBytes(u16(s.group), vector(2, s.publicKey))))),
    ...(options.cookie ? [extension(ExtensionType.cookie, options.cookie)] : []),
    extension(ExtensionType.renegotiationInfo, vector(1)),
  ];
  const body = concatBytes(
    u16(Version.tls12), // legacy_version: TLS 1.3 is negotiated in supported_versions
    options.random,
    vector(1, options.sessionId),
    list16(CIPHER_SUITES),
    vector(1, u8(0)), // compression: null only
    vector(2, ...extensions),
  );
  return concatBytes(u8(HandshakeType.clientHello), u24(body.length), body);
}
