// The handshake reader itself, over real sockets: which group, suite and path each server made it take.
import { connect } from "cloudflare:sockets";
import { describe, expect, it } from "vitest";
import { toHex } from "../../src/tls/bytes";
import { NamedGroup } from "../../src/tls/constants";
import { RaceDeadline } from "../../src/tls/race-deadline";
import { readServerCertificates } from "../../src/tls/read-certificates";
import { socketCertificates } from "../../src/tls/socket-certificates";
import { base64ToBytes, port, SERVER_NAME, values } from "./kit";

const read = async (server: string, keyShareGroups?: number[]) => {
  const deadline = new RaceDeadline(5000);
  try {
    return await socketCertificates(
      connect,
      { host: "127.0.0.1", port: port(server) },
      { serverName: SERVER_NAME, ...(keyShareGroups ? { keyShareGroups: keyShareGroups as never } : {}) },
      deadline,
    );
  } finally {
    deadline.clear();
  }
};
const der = (name: string) => toHex(base64ToBytes(values().certs[name]!.derBase64));

describe("TLS 1.3 key exchange", () => {
  it("uses X25519 when the server picks it", async () => {
    const result = await read("tls13-x25519");
    expect(result).toMatchObject({ protocol: "TLSv1.3", group: NamedGroup.x25519, helloRetry: false });
  });

  it("uses P-256 when the server picks it", async () => {
    const result = await read("tls13-p256");
    expect(result).toMatchObject({ protocol: "TLSv1.3", group: NamedGroup.secp256r1, helloRetry: false });
  });

  it("decrypts TLS_AES_256_GCM_SHA384 (the SHA-384 key schedule)", async () => {
    const result = await read("tls13-aes256");
    expect(result.cipherSuite).toBe(0x1302);
    expect(toHex(result.certificates[0]!)).toBe(der("okEc"));
  });

  it("retries with P-384 after a HelloRetryRequest", async () => {
    const result = await read("hello-retry");
    expect(result).toMatchObject({ protocol: "TLSv1.3", group: NamedGroup.secp384r1, helloRetry: true });
    expect(result.certificates.map((c) => toHex(c))).toEqual([der("okEc"), der("intermediate")]);
  });

  it("retries with X25519 when only a P-256 share was offered and the server wants X25519", async () => {
    const result = await read("tls13-x25519", [NamedGroup.secp256r1]);
    expect(result).toMatchObject({ group: NamedGroup.x25519, helloRetry: true });
  });
});

describe("records and messages", () => {
  it("returns the whole chain in order from 512-byte records (TLS 1.3 encrypted, TLS 1.2 clear)", async () => {
    for (const server of ["long-chain-13", "long-chain-12"]) {
      const result = await read(server);
      expect(
        result.certificates.map((c) => toHex(c)),
        server,
      ).toEqual([der("longLeaf"), der("long3"), der("long2"), der("long1")]);
    }
  });

  it("reassembles records whose headers and bodies arrive split across reads", async () => {
    const socket = connect({ hostname: "127.0.0.1", port: port("dribble") }, { secureTransport: "off", allowHalfOpen: false });
    socket.closed.catch(() => {});
    const reader = socket.readable.getReader();
    const writer = socket.writable.getWriter();
    const chunkSizes: number[] = [];
    try {
      const result = await readServerCertificates(
        {
          write: (bytes) => writer.write(bytes),
          read: async () => {
            const { done, value } = await reader.read();
            if (!done) chunkSizes.push(value.length);
            return done ? null : value;
          },
        },
        { serverName: SERVER_NAME },
      );
      expect(toHex(result.certificates[0]!)).toBe(der("okRsa"));
      // Pieces shorter than a 5-byte record header did arrive, and many of them.
      expect(chunkSizes.filter((n) => n < 5).length).toBeGreaterThan(10);
    } finally {
      await writer.close().catch(() => {});
      await socket.close().catch(() => {});
    }
  });
});

describe("servers that give no certificate", () => {
  it("an alert names its description", async () => {
    await expect(read("alert")).rejects.toMatchObject({ phase: "handshake", message: "server sent alert handshake_failure" });
  });

  it("non-TLS bytes are recognised from the first byte", async () => {
    await expect(read("http")).rejects.toMatchObject({ phase: "handshake", message: "not a TLS server" });
  });

  it("a refused connection is a connect failure", async () => {
    await expect(read("refused")).rejects.toMatchObject({ phase: "connect" });
  });
});
