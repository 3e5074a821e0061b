import { describe, expect, it } from "vitest";
import { DnsFormatError, decodeAnswer, encodeQuery } from "../../src/dns/wire";

/** A response header: id 0, QR|RD|RA, the given counts. */
const header = (qd: number, an: number, rcode = 0) => [0, 0, 0x81, 0x80 | rcode, 0, qd, 0, an, 0, 0, 0, 0];

describe("the DNS wire format", () => {
  it("encodes a query with ID 0 and recursion desired, as RFC 8484 asks", () => {
    const q = encodeQuery("api.example.test.", "AAAA");
    expect(Array.from(q.subarray(0, 12))).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(q.subarray(12))).toEqual([3, 97, 112, 105, 7, ...Buffer.from("example"), 4, ...Buffer.from("test"), 0, 0, 28, 0, 1]);
  });

  it("refuses a compression loop and a pointer forward, instead of looping", () => {
    // Question name at 12 is a pointer to itself.
    expect(() => decodeAnswer(new Uint8Array([...header(1, 0), 0xc0, 12, 0, 1, 0, 1]))).toThrow(DnsFormatError);
    // A pointer to a later offset.
    expect(() => decodeAnswer(new Uint8Array([...header(1, 0), 0xc0, 20, 0, 1, 0, 1, 0, 0, 0, 0]))).toThrow(/backwards/);
  });

  it("refuses a message that ends early or claims data past its end", () => {
    const question = [3, 97, 98, 99, 0, 0, 1, 0, 1];
    expect(() => decodeAnswer(new Uint8Array([...header(1, 1), ...question]))).toThrow(/ends early|past the end/);
    const record = [0xc0, 12, 0, 1, 0, 1, 0, 0, 1, 44, 0, 200, 1, 2, 3, 4];
    expect(() => decodeAnswer(new Uint8Array([...header(1, 1), ...question, ...record]))).toThrow(/past the end/);
    expect(() => decodeAnswer(new Uint8Array([0, 0, 1, 0, ...header(0, 0).slice(4)]))).toThrow(/not a response/);
  });

  it("reads the RCODE of an answer without records", () => {
    expect(decodeAnswer(new Uint8Array([...header(1, 0, 3), 1, 120, 0, 0, 1, 0, 1]))).toEqual({
      rcode: 3,
      question: { name: "x", type: 1 },
      answers: [],
    });
  });
});
