// Node side (globalSetup): a test server on a free loopback port, closed without waiting on kept-alive connections.
import type { AddressInfo, Server, Socket } from "node:net";

export interface Listening {
  port: number;
  /** Destroys the connections still open, then stops listening. */
  close: () => Promise<void>;
}

/** Starts `server` on 127.0.0.1 (a free port) and tracks its connections so that close() ends them. */
export async function listenOnLoopback(server: Server): Promise<Listening> {
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
