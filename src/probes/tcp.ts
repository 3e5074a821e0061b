import { degradeIfSlow } from "./latency-budget";
import { socketResult } from "./socket-result";
import type { TcpMonitor } from "../config/tcp-monitor";
import { parseIp } from "../config/ip-address";
import { settleWithin } from "../core/settle-within";
import type { ProbeStatus } from "../core/vocabulary";
import { isCloudflareAddress } from "../tls/cloudflare-ranges";
import { RaceDeadline } from "../tls/race-deadline";
import { type Connect, closeQuietly, socketAddress } from "../tls/socket-certificates";
import { TlsFailure } from "../tls/tls-failure";
import { elapsed, type ResultOf } from "./verdict";
import type { ProbeDeps } from "./probe-deps";

/** What a TCP check found. */
export interface TcpDetails {
  tls: boolean;
  /** Milliseconds until the connection was open (and, with `tls`, the handshake done): the latency. */
  connectMs: number | null;
  /** Whether the answer started with `expect`; null when nothing was expected or nothing came. */
  answerMatched: boolean | null;
  /** The answer's first characters, control characters escaped; for the admin view only (a banner names versions). */
  answer: string | null;
}

export type TcpProbeResult = ResultOf<"tcp", TcpDetails>;

/** Characters of the answer kept in details. */
const ANSWER_CHARS = 64;
/** However long `expect` is, no more than this is read. */
const MAX_ANSWER_BYTES = 4096;

const PROXIED = "Workers cannot connect to Cloudflare's own addresses (is the host proxied by Cloudflare?)";

interface Outcome {
  status: ProbeStatus;
  message: string;
  phase?: string;
  connectMs: number | null;
  answer?: { text: string; matched: boolean } | null;
}

/** Where a step failed: the words for people, and the phase for the log. */
class Failure extends Error {
  constructor(
    readonly phase: "connect" | "tls" | "timeout" | "send" | "answer",
    message: string,
  ) {
    super(message);
  }
}

/**
 * The guide's `telnet host port`: opens a connection (TLS when asked), writes `send`, and checks that the answer starts
 * with `expect`. Connect time is the latency. Never throws: refused, timeout and a wrong answer are `down`, in words
 * that say which.
 */
export async function probeTcp(monitor: TcpMonitor, deps: ProbeDeps): Promise<TcpProbeResult> {
  const startedAt = deps.now();
  const deadline = new RaceDeadline(monitor.timeoutMs);
  let outcome: Outcome;
  try {
    outcome = await exchange(monitor, deps, deadline, startedAt);
  } finally {
    deadline.clear();
  }
  outcome = degradeIfSlow(outcome, outcome.connectMs, monitor.degradedAfterMs);
  const target = `tcp${monitor.tls ? "+tls" : ""} ${socketAddress(monitor).hostname}:${monitor.port}`;
  const details = {
    tls: monitor.tls,
    connectMs: outcome.connectMs,
    answerMatched: outcome.answer?.matched ?? null,
    answer: outcome.answer?.text ?? null,
  };
  return socketResult({ type: "tcp", monitorId: monitor.id, startedAt, target }, outcome, outcome.connectMs, details);
}

/** The open connection, its two ends taken once: a read or write cut off by the deadline leaves its lock held. */
interface Session {
  socket: Socket;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  reader: ReadableStreamDefaultReader<Uint8Array>;
}

/** Connect, send, read, judge; every failure comes back as an outcome that names its step. */
async function exchange(monitor: TcpMonitor, deps: ProbeDeps, deadline: RaceDeadline, startedAt: number): Promise<Outcome> {
  const bare = monitor.host.replace(/^\[(.*)\]$/, "$1");
  if (parseIp(bare) !== null && isCloudflareAddress(bare)) return { status: "down", message: PROXIED, phase: "connect", connectMs: null };
  let connectMs: number | null = null;
  let session: Session | null = null;
  try {
    const socket = await open(deps.connect, monitor, deadline);
    connectMs = elapsed(deps, startedAt);
    session = { socket, writer: socket.writable.getWriter(), reader: socket.readable.getReader() };
    const head = `connected in ${connectMs} ms${monitor.tls ? " (TLS)" : ""}`;
    const answer = await talk(session, monitor, deadline);
    if (!answer) return { status: "up", message: head, connectMs };
    if (!answer.matched) {
      const message = `${head}; answer does not start with ${JSON.stringify(monitor.expect)}`;
      return { status: "down", message, phase: "answer", connectMs, answer };
    }
    return { status: "up", message: `${head}; answer starts with ${JSON.stringify(monitor.expect)}`, connectMs, answer };
  } catch (error) {
    const failure = asFailure(error, monitor, connectMs !== null);
    const message = connectMs === null ? failure.message : `connected in ${connectMs} ms; ${failure.message}`;
    return { status: "down", message, phase: failure.phase, connectMs };
  } finally {
    if (session) await shut(session);
  }
}

/** The words for whatever a step threw: the deadline, or the step's own failure. */
function asFailure(error: unknown, monitor: TcpMonitor, connected: boolean): Failure {
  if (error instanceof Failure) return error;
  if (error instanceof TlsFailure && error.phase === "timeout") {
    const where = connected ? (monitor.expect ? "waiting for the answer" : "sending") : "connecting";
    return new Failure("timeout", `timeout after ${monitor.timeoutMs} ms ${where}`);
  }
  return new Failure("connect", `connection failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200));
}

/** A socket to the monitor's host and port, not yet open; a connect() that throws (a bad address) is a Failure. */
function dial(connect: Connect, monitor: TcpMonitor, secureTransport: "on" | "off"): Socket {
  let socket: Socket;
  try {
    socket = connect(socketAddress(monitor), { secureTransport, allowHalfOpen: false });
  } catch (error) {
    throw new Failure("connect", `connection failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200));
  }
  // `closed` rejects on any connection error; observe it so the runtime does not report it as unhandled.
  socket.closed.catch(() => {});
  return socket;
}

/** Whether the socket opens before the deadline; a timeout is thrown, any other failure is false. */
async function opens(socket: Socket, deadline: RaceDeadline): Promise<boolean> {
  try {
    await deadline.race(socket.opened);
    return true;
  } catch (error) {
    // A handshake still pending (a silent peer) can hold close() as long as the peer likes: do not wait for it.
    await settleWithin(closeQuietly(socket), 100, () => undefined);
    if (error instanceof TlsFailure) throw error;
    return false;
  }
}

/**
 * An open connection. With `tls`, the runtime's client opens it only after a handshake it trusts (certificate and
 * host name); the runtime says the same for a refused port and a failed handshake, so after a failure one plain
 * connect tells them apart (a second subrequest, counted in probeCost).
 */
async function open(connect: Connect, monitor: TcpMonitor, deadline: RaceDeadline): Promise<Socket> {
  const socket = dial(connect, monitor, monitor.tls ? "on" : "off");
  if (await opens(socket, deadline)) return socket;
  if (!monitor.tls) throw new Failure("connect", "connection refused or host unreachable");
  const plain = dial(connect, monitor, "off");
  const reachable = await opens(plain, deadline);
  if (!reachable) throw new Failure("connect", "connection refused or host unreachable");
  await closeQuietly(plain);
  throw new Failure("tls", "TLS handshake failed (certificate not trusted, wrong name, or not TLS)");
}

/** Writes `send`, then reads until the answer is as long as `expect`; null when nothing was expected. */
async function talk(session: Session, monitor: TcpMonitor, deadline: RaceDeadline): Promise<{ text: string; matched: boolean } | null> {
  const encoder = new TextEncoder();
  if (monitor.send !== undefined) {
    await deadline.race(session.writer.write(encoder.encode(monitor.send))).catch((error: unknown) => {
      throw error instanceof TlsFailure ? error : new Failure("send", "connection closed before the request was sent");
    });
  }
  if (monitor.expect === undefined) return null;
  const want = encoder.encode(monitor.expect);
  const got = await readAtLeast(session.reader, Math.min(want.length, MAX_ANSWER_BYTES), deadline);
  if (got.length === 0) throw new Failure("answer", "connection closed without an answer");
  const matched = got.length >= want.length && want.every((byte, i) => got[i] === byte);
  return { text: printable(new TextDecoder().decode(got)), matched };
}

/** Bytes from the socket until there are `count` of them or the peer closes. */
async function readAtLeast(reader: Session["reader"], count: number, deadline: RaceDeadline): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < count) {
    const chunk = await deadline.race(reader.read()).catch((error: unknown) => {
      throw error instanceof TlsFailure ? error : new Failure("answer", "connection lost while reading the answer");
    });
    if (chunk.done) break;
    chunks.push(chunk.value);
    size += chunk.value.byteLength;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) out.set(c, at), (at += c.byteLength);
  return out.subarray(0, Math.min(size, MAX_ANSWER_BYTES));
}

/** The answer as one line a person can read: `+PONG\r\n`. */
function printable(text: string): string {
  const escaped = text.replace(/\r/g, "\\r").replace(/\n/g, "\\n").replace(/\t/g, "\\t");
  return escaped.replace(/[\u0000-\u001f\u007f]/g, "?").slice(0, ANSWER_CHARS);
}

/** Closes both directions without waiting on a peer that may never answer. */
async function shut(session: Session): Promise<void> {
  // Closing the writable side first sends the FIN that ends the connection (see tls/socket-certificates).
  await settleWithin(
    session.writer.close().catch(() => {}),
    100,
    () => undefined,
  );
  await session.reader.cancel().catch(() => {});
  await closeQuietly(session.socket);
}
