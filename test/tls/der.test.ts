import { describe, expect, it } from "vitest";
import { DecodeError, fromHex } from "../../src/tls/bytes";
import { decodeOid, decodeString, decodeTime, derChildren, parseDer, readDer } from "../../src/tls/der";

describe("DER reader", () => {
  it("reads short and long definite lengths", () => {
    const short = parseDer(fromHex("0403aabbcc"));
    expect(short.tag).toBe(0x04);
    expect(short.value).toEqual(fromHex("aabbcc"));
    const long = parseDer(fromHex(`0481c8${"11".repeat(200)}`));
    expect(long.value.length).toBe(200);
    const longer = parseDer(fromHex(`048201f4${"22".repeat(500)}`));
    expect(longer.value.length).toBe(500);
    expect(longer.raw.length).toBe(504);
  });

  it("walks the children of a SEQUENCE and says where the next value starts", () => {
    const seq = fromHex("3006020101020102" + "0500");
    const { node, end } = readDer(seq);
    expect(end).toBe(8);
    expect(derChildren(node).map((c) => [c.tag, c.value[0]])).toEqual([
      [0x02, 1],
      [0x02, 2],
    ]);
  });

  it("refuses truncated values, indefinite lengths, high tags and trailing bytes", () => {
    expect(() => parseDer(fromHex("0405aabb"))).toThrow(DecodeError);
    expect(() => parseDer(fromHex("3080020101 0000".replace(/ /g, "")))).toThrow(DecodeError);
    expect(() => parseDer(fromHex("1f8101 00".replace(/ /g, "")))).toThrow(DecodeError);
    expect(() => parseDer(fromHex("050000"))).toThrow(DecodeError);
    expect(() => parseDer(fromHex("04"))).toThrow(DecodeError);
  });

  it("decodes OIDs, including multi-byte arcs", () => {
    expect(decodeOid(fromHex("551d11"))).toBe("2.5.29.17");
    expect(decodeOid(fromHex("2a864886f70d010101"))).toBe("1.2.840.113549.1.1.1");
    expect(decodeOid(fromHex("2a8648ce3d030107"))).toBe("1.2.840.10045.3.1.7");
    expect(decodeOid(fromHex("2b8104000a"))).toBe("1.3.132.0.10");
  });

  it("decodes UTCTime with the 1950-2049 window, and GeneralizedTime", () => {
    const utc = (s: string) => decodeTime({ tag: 0x17, value: new TextEncoder().encode(s), raw: new Uint8Array(0) });
    const gen = (s: string) => decodeTime({ tag: 0x18, value: new TextEncoder().encode(s), raw: new Uint8Array(0) });
    expect(utc("261203120000Z").toISOString()).toBe("2026-12-03T12:00:00.000Z");
    expect(utc("491231235959Z").toISOString()).toBe("2049-12-31T23:59:59.000Z");
    expect(utc("500101000000Z").toISOString()).toBe("1950-01-01T00:00:00.000Z");
    expect(gen("20991231120000Z").toISOString()).toBe("2099-12-31T12:00:00.000Z");
    expect(() => utc("2612031200+0100")).toThrow(DecodeError);
  });

  it("decodes the string types a Name uses", () => {
    const str = (tag: number, hex: string) => decodeString({ tag, value: fromHex(hex), raw: new Uint8Array(0) });
    expect(str(0x0c, "c3a9")).toBe("é"); // UTF8String
    expect(str(0x13, "414243")).toBe("ABC"); // PrintableString
    expect(str(0x1e, "00e90041")).toBe("éA"); // BMPString
    expect(str(0x1c, "0001f600")).toBe("😀"); // UniversalString
  });
});
