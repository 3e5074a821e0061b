// Opens a plain TCP connection with cloudflare:sockets and reads the server's certificates over it.
import type { connect as connectFn } from "cloudflare:sockets";
import { settleWithin } from "../core/settle-within";
import type { RaceDeadline } from "./race-deadline";
import { type ReadOptions, readServerCertificates, type ServerCertificates } from "./read-certificates";
import { TlsFailure } from "./tls-failure";

export type Connect = typeof connectFn;

export interface Target {
  host: string;
  port: number;
}

/** workerd joins hostname and port into one string, so an IPv6 literal needs its brackets (checked locally). */
export const socketAddress = (target: Target) => ({
  hostname: target.host.includes(":") && !target.host.startsWith("[") ? `[${target.host}]` : target.host,
  port: target.port,
});

/** The connect error text is the same for refused, unreachable, unresolvable and blocked destinations. */
const CONNECT_FAILED = "no TLS handshake: connection refused or host unreachable";

export async function socketCertificates(
  connect: Connect,
  target: Target,
  options: ReadOptions,
  deadline: RaceDeadline,
): Promise<ServerCertificates> {
  let socket: ReturnType<Connect>;
  try {
    socket = connect(socketAddress(target), { secureTransport: "off", allowHalfOpen: false });
  } catch (error) {
    throw new TlsFailure("connect", `no TLS handshake: ${error instanceof Error ? error.message : String(error)}`);
  }
  // `closed` rejects on any connection error; observe it so the runtime does not report it as unhandled.
  socket.closed.catch(() => {});
  const reader = socket.readable.getReader();
  const writer = socket.writable.getWriter();
  try {
    await deadline.race(socket.opened).catch((error: unknown) => {
      throw error instanceof TlsFailure ? error : new TlsFailure("connect", CONNECT_FAILED);
    });
    const guard = <T>(promise: Promise<T>) =>
      deadline.race(promise).catch((error: unknown) => {
        throw error instanceof TlsFailure ? error : new TlsFailure("handshake", "connection lost during the TLS handshake");
      });
    return await readServerCertificates(
      {
        write: (bytes) => guard(writer.write(bytes)),
        read: async () => {
          const chunk = await guard(reader.read());
          return chunk.done ? null : chunk.value;
        },
      },
      options,
    );
  } finally {
    // Once something was written, close() alone leaves the TCP connection open in workerd (seen locally with a
    // server that never answers); closing the writable side first sends the FIN that ends it.
    await settleWithin(
      writer.close().catch(() => {}),
      100,
      () => undefined,
    );
    await reader.cancel().catch(() => {});
    await closeQuietly(socket);
  }
}

/** Closes without waiting on a peer that may never answer: close() settles once our side is shut. */
export async function closeQuietly(socket: { close(): Promise<void> }): Promise<void> {
  try {
    await socket.close();
  } catch {
    // Already closed or reset: nothing left to release.
  }
}
