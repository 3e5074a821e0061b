import { describe, expect, inject, it } from "vitest";
import type * as z from "zod";
import { parseConfig } from "../../src/config/load";
import { TcpMonitor } from "../../src/config/tcp-monitor";
import { steppingClock } from "../helpers/fixtures";
import { runProbe } from "../../src/probes";
import { probeTcp } from "../../src/probes/tcp";
import { loopbackDeps, port as tlsPort } from "../tls/kit";

const tcp = (fields: Partial<z.input<typeof TcpMonitor>>) =>
  TcpMonitor.parse({ id: "tcp-test", name: "TCP test", type: "tcp", host: "127.0.0.1", port: inject("tcp").redis, ...fields });
const deps = loopbackDeps();

describe("tcp monitors against real local servers", () => {
  it("is up when the port accepts; the connect time is the latency", async () => {
    const r = await probeTcp(tcp({}), deps);
    expect(r).toMatchObject({ type: "tcp", status: "up", details: { tls: false, answerMatched: null, answer: null } });
    expect(r.message).toMatch(/^connected in \d+ ms$/);
    expect(r.latencyMs).toBe(r.details.connectMs);
    expect(r.error).toBeUndefined();
  });

  it("sends PING and expects +PONG from a Redis-like server", async () => {
    const r = await probeTcp(tcp({ send: "PING\r\n", expect: "+PONG" }), deps);
    expect(r).toMatchObject({ status: "up", details: { answerMatched: true, answer: "+PONG\\r\\n" } });
    expect(r.message).toMatch(/^connected in \d+ ms; answer starts with "\+PONG"$/);
  });

  it("is down on a wrong answer, saying what was expected; what was seen is in details", async () => {
    const r = await probeTcp(tcp({ port: inject("tcp").redisAuth, send: "PING\r\n", expect: "+PONG" }), deps);
    expect(r).toMatchObject({ status: "down", error: { phase: "answer" }, details: { answerMatched: false } });
    expect(r.message).toMatch(/^connected in \d+ ms; answer does not start with "\+PONG"$/);
    expect(r.details.answer).toBe("-NOAUTH Authentication required.\\r\\n");
    expect(r.latencyMs).not.toBeNull();
  });

  it("reads a banner without sending anything (SSH-)", async () => {
    const r = await probeTcp(tcp({ port: inject("tcp").ssh, expect: "SSH-" }), deps);
    expect(r).toMatchObject({ status: "up", details: { answerMatched: true } });
    expect(r.details.answer).toMatch(/^SSH-2\.0-OpenSSH_9\.6p1 Ubuntu/);
    expect(r.details.answer).toHaveLength(64);
  });

  it("is down when nothing listens: connection refused", async () => {
    const r = await probeTcp(tcp({ port: inject("refusedPort") }), deps);
    expect(r).toMatchObject({
      status: "down",
      latencyMs: null,
      message: "connection refused or host unreachable",
      error: { phase: "connect" },
    });
    expect(r.error?.detail).toBe(`tcp 127.0.0.1:${inject("refusedPort")}: connection refused or host unreachable`);
  });

  it("times out a server that accepts and never answers, saying it was waiting for the answer", async () => {
    const started = Date.now();
    const r = await probeTcp(tcp({ port: inject("silentPort"), send: "PING\r\n", expect: "+PONG", timeoutMs: 400 }), deps);
    expect(r).toMatchObject({ status: "down", error: { phase: "timeout" } });
    expect(r.message).toMatch(/^connected in \d+ ms; timeout after 400 ms waiting for the answer$/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("is down when the server hangs up before answering", async () => {
    const r = await probeTcp(tcp({ port: inject("tcp").hangUp, expect: "SSH-" }), deps);
    expect(r).toMatchObject({ status: "down", error: { phase: "answer" } });
    expect(r.message).toMatch(/connection closed without an answer$/);
  });

  it("is degraded when connecting is slower than degradedAfterMs", async () => {
    const slow = { ...deps, now: steppingClock(50) };
    const r = await probeTcp(tcp({ degradedAfterMs: 10 }), slow);
    expect(r).toMatchObject({ status: "degraded", error: { phase: "latency" } });
    expect(r.message).toMatch(/; slower than 10 ms$/);
  });

  it("speaks TLS with tls: true, the runtime checking the certificate; a failed handshake is told from a refused port", async () => {
    let connects = 0;
    const counting = { ...deps, connect: (...args: Parameters<typeof deps.connect>) => (connects++, deps.connect(...args)) };
    const ok = await probeTcp(tcp({ port: tlsPort("tls13-ec"), tls: true }), counting);
    expect(ok).toMatchObject({ status: "up", details: { tls: true } });
    expect(ok.message).toMatch(/^connected in \d+ ms \(TLS\)$/);
    expect(connects).toBe(1);
    for (const server of ["self-signed", "http"]) {
      connects = 0;
      const bad = await probeTcp(tcp({ port: tlsPort(server), tls: true, timeoutMs: 3000 }), counting);
      expect(bad, server).toMatchObject({ status: "down", error: { phase: "tls" } });
      expect(bad.message, server).toBe("TLS handshake failed (certificate not trusted, wrong name, or not TLS)");
      expect(connects, server).toBe(2);
    }
    const refused = await probeTcp(tcp({ port: inject("refusedPort"), tls: true }), deps);
    expect(refused).toMatchObject({ status: "down", message: "connection refused or host unreachable", error: { phase: "connect" } });
    const silent = await probeTcp(tcp({ port: tlsPort("silent"), tls: true, timeoutMs: 400 }), deps);
    expect(silent).toMatchObject({ status: "down", message: "timeout after 400 ms connecting", error: { phase: "timeout" } });
  });

  it("sends and checks the answer over TLS (openssl s_server -www answers a GET)", async () => {
    const r = await probeTcp(
      tcp({ port: tlsPort("long-chain-13"), tls: true, send: "GET / HTTP/1.0\r\n\r\n", expect: "HTTP/1.0 200" }),
      deps,
    );
    expect(r).toMatchObject({ status: "up", details: { tls: true, answerMatched: true } });
  });

  it("never connects to Cloudflare's own addresses, which Workers cannot reach", async () => {
    let connects = 0;
    const counting = { ...deps, connect: (...args: Parameters<typeof deps.connect>) => (connects++, deps.connect(...args)) };
    const r = await probeTcp(tcp({ host: "104.16.1.1", port: 443 }), counting);
    expect(r).toMatchObject({ status: "down", error: { phase: "connect" } });
    expect(r.message).toMatch(/Cloudflare's own addresses/);
    expect(connects).toBe(0);
  });

  it("runs through the probe registry, which caps the answer in details", async () => {
    const r = await runProbe(tcp({ send: "PING\r\n", expect: "+PONG" }), deps);
    expect(r).toMatchObject({ type: "tcp", status: "up" });
  });

  it("refuses port 25 and a URL for a host when the config is read, naming the field", () => {
    const result = parseConfig({
      title: "t",
      monitors: [
        { id: "smtp", name: "SMTP", type: "tcp", host: "mail.example.test", port: 25 },
        { id: "url", name: "URL", type: "tcp", host: "redis://cache.example.test", port: 6379 },
      ],
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      "monitors[0].port: Workers cannot open sockets to port 25 (SMTP); use 465 or 587",
      expect.stringMatching(/^monitors\[1\]\.host: /),
    ]);
  });
});
