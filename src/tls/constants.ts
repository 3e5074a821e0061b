// TLS code points this client uses (RFC 8446, RFC 5246, RFC 8422, IANA registries).

export const ContentType = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23 } as const;

export const HandshakeType = {
  clientHello: 1,
  serverHello: 2,
  newSessionTicket: 4,
  encryptedExtensions: 8,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  finished: 20,
  /** The stand-in for ClientHello1 in the transcript after a HelloRetryRequest (RFC 8446 4.4.1). */
  messageHash: 254,
} as const;

export const ExtensionType = {
  serverName: 0,
  supportedGroups: 10,
  ecPointFormats: 11,
  signatureAlgorithms: 13,
  supportedVersions: 43,
  cookie: 44,
  pskKeyExchangeModes: 45,
  keyShare: 51,
  renegotiationInfo: 0xff01,
} as const;

export const Version = { tls12: 0x0303, tls13: 0x0304 } as const;

/** The suites offered: all AES-GCM, because WebCrypto has AES-GCM and no ChaCha20-Poly1305. */
export const CipherSuite = {
  TLS_AES_128_GCM_SHA256: 0x1301,
  TLS_AES_256_GCM_SHA384: 0x1302,
  ECDHE_ECDSA_AES_128_GCM_SHA256: 0xc02b,
  ECDHE_ECDSA_AES_256_GCM_SHA384: 0xc02c,
  ECDHE_RSA_AES_128_GCM_SHA256: 0xc02f,
  ECDHE_RSA_AES_256_GCM_SHA384: 0xc030,
} as const;

export const NamedGroup = { secp256r1: 0x0017, secp384r1: 0x0018, x25519: 0x001d } as const;
export type NamedGroupId = (typeof NamedGroup)[keyof typeof NamedGroup];

/** Signature schemes offered. Signatures are never verified here, so offering many costs nothing and avoids refusals. */
export const SIGNATURE_SCHEMES = [
  0x0403, // ecdsa_secp256r1_sha256
  0x0503, // ecdsa_secp384r1_sha384
  0x0603, // ecdsa_secp521r1_sha512
  0x0807, // ed25519
  0x0808, // ed448
  0x0804, // rsa_pss_rsae_sha256
  0x0805, // rsa_pss_rsae_sha384
  0x0806, // rsa_pss_rsae_sha512
  0x0809, // rsa_pss_pss_sha256
  0x080a, // rsa_pss_pss_sha384
  0x080b, // rsa_pss_pss_sha512
  0x0401, // rsa_pkcs1_sha256
  0x0501, // rsa_pkcs1_sha384
  0x0601, // rsa_pkcs1_sha512
  0x0201, // rsa_pkcs1_sha1, still the only choice of some old TLS 1.2 servers
  0x0203, // ecdsa_sha1
] as const;

/** SHA-256 of "HelloRetryRequest": the ServerHello.random that marks a HelloRetryRequest (RFC 8446 4.1.3). */
export const HELLO_RETRY_RANDOM = Uint8Array.from(
  "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c".match(/../g)!.map((h) => parseInt(h, 16)),
);

const ALERTS: Record<number, string> = {
  0: "close_notify",
  10: "unexpected_message",
  20: "bad_record_mac",
  22: "record_overflow",
  40: "handshake_failure",
  42: "bad_certificate",
  43: "unsupported_certificate",
  44: "certificate_revoked",
  45: "certificate_expired",
  46: "certificate_unknown",
  47: "illegal_parameter",
  48: "unknown_ca",
  49: "access_denied",
  50: "decode_error",
  51: "decrypt_error",
  70: "protocol_version",
  71: "insufficient_security",
  80: "internal_error",
  86: "inappropriate_fallback",
  90: "user_canceled",
  109: "missing_extension",
  110: "unsupported_extension",
  112: "unrecognized_name",
  116: "certificate_required",
  120: "no_application_protocol",
};

export const alertName = (description: number) => ALERTS[description] ?? `alert ${description}`;
