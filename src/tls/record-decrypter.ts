// Opens TLS 1.3 records protected with AES-GCM (RFC 8446 5.2, 5.3).
import { ContentType } from "./constants";
import type { TlsRecord } from "./record-reader";
import { TlsFailure } from "./tls-failure";

export class RecordDecrypter {
  private sequence = 0n;

  private constructor(
    private readonly key: CryptoKey,
    private readonly iv: Uint8Array,
  ) {}

  static async create(key: Uint8Array, iv: Uint8Array): Promise<RecordDecrypter> {
    return new RecordDecrypter(await crypto.subtle.importKey("raw", key, "AES-GCM", false, ["decrypt"]), iv);
  }

  /** The inner content type and content of one protected record. */
  async open(record: TlsRecord): Promise<{ type: number; content: Uint8Array }> {
    if (record.type !== ContentType.applicationData)
      throw new TlsFailure("handshake", `unexpected record type ${record.type} after ServerHello`);
    // The per-record nonce is the IV XOR the 64-bit record sequence number, right-aligned.
    const nonce = this.iv.slice();
    let seq = this.sequence++;
    for (let i = nonce.length - 1; i >= nonce.length - 8; i--) {
      nonce[i] = nonce[i]! ^ Number(seq & 0xffn);
      seq >>= 8n;
    }
    let plain: Uint8Array;
    try {
      plain = new Uint8Array(
        await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce, additionalData: record.header, tagLength: 128 }, this.key, record.body),
      );
    } catch {
      throw new TlsFailure("handshake", "could not decrypt the server's handshake (bad record MAC)");
    }
    // TLSInnerPlaintext: content, the real content type, then zero padding.
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    if (end < 0) throw new TlsFailure("handshake", "protected record without a content type");
    return { type: plain[end]!, content: plain.subarray(0, end) };
  }
}
