// Node side (globalSetup, and the npm start demo): plain TCP servers on 127.0.0.1 for the tcp probe inside workerd.
import net from "node:net";
import { type Listening, listenOnLoopback } from "./listen";

/** A Redis-like server: `PING` answers `+PONG`, anything else `-ERR`; with `requirePass`, PING answers `-NOAUTH`. */
export function startRedisLike(options: { requirePass?: boolean } = {}): Promise<Listening> {
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    let pending = "";
    socket.on("data", (data) => {
      pending += data.toString("latin1");
      let end = pending.indexOf("\n");
      while (end >= 0) {
        const line = pending.slice(0, end).replace(/\r$/, "");
        pending = pending.slice(end + 1);
        if (/^PING$/i.test(line)) socket.write(options.requirePass ? "-NOAUTH Authentication required.\r\n" : "+PONG\r\n");
        else socket.write(`-ERR unknown command '${line.slice(0, 20)}'\r\n`);
        end = pending.indexOf("\n");
      }
    });
  });
  return listenOnLoopback(server);
}

/** Writes a banner as soon as a client connects (`SSH-2.0-...`), then waits for the client to hang up. */
export function startBanner(banner: string): Promise<Listening> {
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.write(banner);
  });
  return listenOnLoopback(server);
}

/** Accepts a connection and closes it at once, before a word: a service that crashes on every connection. */
export function startHangingUp(): Promise<Listening> {
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.end();
  });
  return listenOnLoopback(server);
}

export interface TcpTargetPorts {
  redis: number;
  redisAuth: number;
  ssh: number;
  hangUp: number;
}

/** The tests' TCP targets: what `inject("tcp")` gives inside workerd. */
export async function startTcpTargets(): Promise<{ ports: TcpTargetPorts; close: () => Promise<void> }> {
  const [redis, redisAuth, ssh, hangUp] = await Promise.all([
    startRedisLike(),
    startRedisLike({ requirePass: true }),
    // Longer than what details keep (64 characters), as banners with a distribution's comment are.
    startBanner("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5 Edgewatch-Test-Server with a long comment\r\n"),
    startHangingUp(),
  ]);
  return {
    ports: { redis: redis.port, redisAuth: redisAuth.port, ssh: ssh.port, hangUp: hangUp.port },
    close: async () => {
      await Promise.all([redis.close(), redisAuth.close(), ssh.close(), hangUp.close()]);
    },
  };
}
