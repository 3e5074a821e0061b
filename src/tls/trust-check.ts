// Whether the runtime's own TLS client accepts the server's certificate. workerd exposes no peer certificate
// and no verification API, but a connect() with secureTransport "on" only opens after a verified handshake,
// so opening or failing to open is the verdict. It checks the name against `host`, not a separate SNI name.
import type { RaceDeadline } from "./race-deadline";
import { type Connect, closeQuietly, socketAddress, type Target } from "./socket-certificates";
import { TlsFailure } from "./tls-failure";

export async function runtimeTrusts(connect: Connect, target: Target, deadline: RaceDeadline): Promise<boolean> {
  let socket: ReturnType<Connect>;
  try {
    socket = connect(socketAddress(target), { secureTransport: "on", allowHalfOpen: false });
  } catch {
    return false;
  }
  socket.closed.catch(() => {});
  try {
    await deadline.race(socket.opened);
    return true;
  } catch (error) {
    if (error instanceof TlsFailure) throw new TlsFailure("timeout", `${error.message} (checking trust)`);
    return false;
  } finally {
    await closeQuietly(socket);
  }
}
