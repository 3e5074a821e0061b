// Reads a ServerHello (or a HelloRetryRequest, which is a ServerHello with a special random).
import { ByteReader, equalBytes } from "./bytes";
import { ExtensionType, HELLO_RETRY_RANDOM } from "./constants";

export interface ServerHello {
  helloRetry: boolean;
  /** The negotiated version: supported_versions when present, legacy_version otherwise. */
  version: number;
  cipherSuite: number;
  /** The server's share; in a HelloRetryRequest only the group, with an empty key. */
  keyShare: { group: number; publicKey: Uint8Array } | null;
  /** The cookie extension body of a HelloRetryRequest, to echo. */
  cookie: Uint8Array | null;
}

export function parseServerHello(body: Uint8Array): ServerHello {
  const r = new ByteReader(body);
  const legacyVersion = r.u16();
  const random = r.take(32);
  r.vector(1); // legacy_session_id_echo
  const cipherSuite = r.u16();
  r.u8(); // compression method
  const hello: ServerHello = {
    helloRetry: equalBytes(random, HELLO_RETRY_RANDOM),
    version: legacyVersion,
    cipherSuite,
    keyShare: null,
    cookie: null,
  };
  // A TLS 1.2 ServerHello may end here, with no extensions block at all.
  const extensions = new ByteReader(r.remaining ? r.vector(2) : new Uint8Array(0));
  while (extensions.remaining) {
    const type = extensions.u16();
    const data = extensions.vector(2);
    const d = new ByteReader(data);
    if (type === ExtensionType.supportedVersions) hello.version = d.u16();
    else if (type === ExtensionType.keyShare) {
      const group = d.u16();
      hello.keyShare = { group, publicKey: hello.helloRetry ? new Uint8Array(0) : d.vector(2) };
    } else if (type === ExtensionType.cookie) hello.cookie = data;
  }
  return hello;
}
