// Speaks just enough TLS to be sent the server's certificates: ClientHello out, server flight in, decrypting
// it when TLS 1.3 hides it. The handshake is never finished; the caller closes the connection.
import { ByteReader, DecodeError, concatBytes, u24, u8 } from "./bytes";
import { buildClientHello } from "./client-hello";
import { ContentType, HandshakeType, NamedGroup, type NamedGroupId, Version, alertName } from "./constants";
import { type HandshakeMessage, HandshakeBuffer } from "./handshake-buffer";
import { digest, serverHandshakeKeys, TLS13_SUITES, type Tls13Suite } from "./key-schedule";
import { generateKeyShare, type KeyShare, SUPPORTED_GROUPS, sharedSecret } from "./key-shares";
import { RecordDecrypter } from "./record-decrypter";
import { encodeRecord, RecordReader, type TlsRecord } from "./record-reader";
import { parseServerHello, type ServerHello } from "./server-hello";
import { TlsFailure } from "./tls-failure";

export interface ByteChannel {
  write(bytes: Uint8Array): Promise<void>;
  /** The next chunk, or null at end of stream. */
  read(): Promise<Uint8Array | null>;
}

export interface ServerCertificates {
  protocol: "TLSv1.3" | "TLSv1.2";
  /** DER certificates in the order sent: the leaf first. */
  certificates: Uint8Array[];
  cipherSuite: number;
  /** The key exchange group used (TLS 1.3 only). */
  group: NamedGroupId | null;
  helloRetry: boolean;
}

export interface ReadOptions {
  serverName: string | null;
  /** Groups to send key shares for in the first ClientHello; X25519 and P-256 cover nearly every server. */
  keyShareGroups?: readonly NamedGroupId[];
}

export async function readServerCertificates(channel: ByteChannel, options: ReadOptions): Promise<ServerCertificates> {
  try {
    return await exchange(channel, options);
  } catch (error) {
    if (error instanceof DecodeError) throw new TlsFailure("handshake", `malformed TLS handshake: ${error.message}`);
    throw error;
  }
}

async function exchange(channel: ByteChannel, options: ReadOptions): Promise<ServerCertificates> {
  const random = crypto.getRandomValues(new Uint8Array(32));
  const sessionId = crypto.getRandomValues(new Uint8Array(32));
  let shares = await Promise.all((options.keyShareGroups ?? [NamedGroup.x25519, NamedGroup.secp256r1]).map(generateKeyShare));
  const hello = (cookie: Uint8Array | null) =>
    buildClientHello({ random, sessionId, serverName: options.serverName, keyShares: shares, cookie });

  const records = new RecordReader(() => channel.read());
  const messages = new HandshakeBuffer();
  const nextMessage = () => nextPlainMessage(records, messages);

  const clientHello1 = hello(null);
  await channel.write(encodeRecord(ContentType.handshake, clientHello1));
  let serverHelloMessage = expectType(await nextMessage(), HandshakeType.serverHello, "ServerHello");
  let serverHello = parseServerHello(serverHelloMessage.body);
  let transcript: Uint8Array[] = [clientHello1];
  let helloRetry = false;

  if (serverHello.helloRetry) {
    helloRetry = true;
    const suite = tls13Suite(serverHello);
    const group = serverHello.keyShare?.group as NamedGroupId | undefined;
    if (group === undefined || !SUPPORTED_GROUPS.includes(group) || shares.some((s) => s.group === group)) {
      throw new TlsFailure("handshake", `server asked to retry with group ${group ?? "none"}, which cannot be offered`);
    }
    // After a retry the transcript starts with a synthetic message holding Hash(ClientHello1) (RFC 8446 4.4.1).
    const hash1 = await digest(suite.hash, clientHello1);
    transcript = [concatBytes(u8(HandshakeType.messageHash), u24(hash1.length), hash1), serverHelloMessage.raw];
    shares = [await generateKeyShare(group)];
    const clientHello2 = hello(serverHello.cookie);
    transcript.push(clientHello2);
    await channel.write(encodeRecord(ContentType.handshake, clientHello2, Version.tls12));
    serverHelloMessage = expectType(await nextMessage(), HandshakeType.serverHello, "ServerHello");
    serverHello = parseServerHello(serverHelloMessage.body);
    if (serverHello.helloRetry) throw new TlsFailure("handshake", "server sent a second HelloRetryRequest");
  }

  if (serverHello.version === Version.tls13) {
    const suite = tls13Suite(serverHello);
    const share = shares.find((s) => s.group === serverHello.keyShare?.group);
    if (!share || !serverHello.keyShare) throw new TlsFailure("handshake", "server chose a key share that was not offered");
    transcript.push(serverHelloMessage.raw);
    // Keys change at a record boundary, so nothing may follow the ServerHello in its record.
    if (!messages.isEmpty) throw new TlsFailure("handshake", "unencrypted data after the ServerHello");
    const certificates = await readEncryptedCertificates(records, suite, share, serverHello.keyShare.publicKey, transcript);
    return { protocol: "TLSv1.3", certificates, cipherSuite: serverHello.cipherSuite, group: share.group, helloRetry };
  }
  if (serverHello.version === Version.tls12) {
    for (;;) {
      const message = await nextMessage();
      if (message.type === HandshakeType.certificate) {
        return {
          protocol: "TLSv1.2",
          certificates: parseCertificateList(message.body, false),
          cipherSuite: serverHello.cipherSuite,
          group: null,
          helloRetry,
        };
      }
      if (message.type === HandshakeType.serverKeyExchange || message.type === HandshakeType.serverHelloDone) {
        throw new TlsFailure("handshake", "server sent no certificate");
      }
    }
  }
  throw new TlsFailure("handshake", `server chose ${describeVersion(serverHello.version)}, older than TLS 1.2`);
}

async function readEncryptedCertificates(
  records: RecordReader,
  suite: Tls13Suite,
  share: KeyShare,
  serverPublicKey: Uint8Array,
  transcript: Uint8Array[],
): Promise<Uint8Array[]> {
  const secret = await sharedSecret(share, serverPublicKey);
  const { key, iv } = await serverHandshakeKeys(suite, secret, await digest(suite.hash, concatBytes(...transcript)));
  const decrypter = await RecordDecrypter.create(key, iv);
  const messages = new HandshakeBuffer();
  for (;;) {
    const record = await records.next();
    // A dummy ChangeCipherSpec may sit among the encrypted records for middlebox compatibility; it means nothing.
    if (record.type === ContentType.changeCipherSpec) continue;
    if (record.type === ContentType.alert) throw alertFailure(record.body);
    const inner = await decrypter.open(record);
    if (inner.type === ContentType.alert) throw alertFailure(inner.content);
    if (inner.type !== ContentType.handshake) throw new TlsFailure("handshake", `unexpected content type ${inner.type} in the handshake`);
    messages.push(inner.content);
    for (let message = messages.next(); message; message = messages.next()) {
      if (message.type === HandshakeType.certificate) return parseCertificateList(message.body, true);
      if (message.type === HandshakeType.certificateVerify || message.type === HandshakeType.finished) {
        throw new TlsFailure("handshake", "server sent no certificate");
      }
      // EncryptedExtensions and CertificateRequest come first and say nothing about the certificate.
    }
  }
}

/** The next handshake message sent in the clear, skipping what a client may ignore at this stage. */
async function nextPlainMessage(records: RecordReader, messages: HandshakeBuffer): Promise<HandshakeMessage> {
  for (;;) {
    const message = messages.next();
    if (message) return message;
    const record: TlsRecord = await records.next();
    if (record.type === ContentType.handshake) messages.push(record.body);
    else if (record.type === ContentType.alert) {
      // TLS 1.2 warning alerts (such as unrecognized_name) do not end the handshake.
      if (record.body[0] === 1 && record.body[1] !== 0) continue;
      throw alertFailure(record.body);
    } else if (record.type !== ContentType.changeCipherSpec) {
      throw new TlsFailure("handshake", "encrypted data before the ServerHello");
    }
  }
}

function parseCertificateList(body: Uint8Array, tls13: boolean): Uint8Array[] {
  const r = new ByteReader(body);
  if (tls13) r.vector(1); // certificate_request_context
  const list = new ByteReader(r.vector(3));
  const certificates: Uint8Array[] = [];
  while (list.remaining) {
    certificates.push(list.vector(3).slice());
    if (tls13) list.vector(2); // per-certificate extensions (OCSP, SCT)
  }
  if (certificates.length === 0) throw new TlsFailure("handshake", "server sent an empty certificate list");
  return certificates;
}

function expectType(message: HandshakeMessage, type: number, name: string): HandshakeMessage {
  if (message.type !== type) throw new TlsFailure("handshake", `expected ${name}, got handshake message ${message.type}`);
  return message;
}

function tls13Suite(hello: ServerHello): Tls13Suite {
  const suite = TLS13_SUITES[hello.cipherSuite];
  if (!suite || hello.version !== Version.tls13)
    throw new TlsFailure("handshake", `server chose cipher suite 0x${hello.cipherSuite.toString(16)}, which was not offered`);
  return suite;
}

function alertFailure(body: Uint8Array): TlsFailure {
  return new TlsFailure("handshake", `server sent alert ${alertName(body[1] ?? -1)}`);
}

function describeVersion(version: number): string {
  const names: Record<number, string> = { 0x0300: "SSL 3.0", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1" };
  return names[version] ?? `version 0x${version.toString(16)}`;
}
