import { describe, expect, it } from "vitest";
import { isCloudflareAddress } from "../../src/tls/cloudflare-ranges";
import { formatIp, inCidr, parseIp } from "../../src/config/ip-address";

describe("IP literals", () => {
  it("parses IPv4 and IPv6 (with brackets, ::, and an embedded IPv4) and refuses the rest", () => {
    expect(parseIp("104.16.0.1")).toEqual(Uint8Array.of(104, 16, 0, 1));
    expect(parseIp("[::1]")?.[15]).toBe(1);
    expect(parseIp("::ffff:1.2.3.4")?.slice(12)).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect(parseIp("2606:4700::6810:84e5")?.length).toBe(16);
    for (const bad of ["api.example.test", "1.2.3", "1.2.3.256", "01.2.3.4", "1::2::3", "1:2:3:4:5:6:7:8:9", ""])
      expect(parseIp(bad)).toBeNull();
  });

  it("formats IPv6 the RFC 5952 way", () => {
    expect(formatIp(parseIp("0:0:0:0:0:0:0:1")!)).toBe("::1");
    expect(formatIp(parseIp("2001:DB8:0:0:1:0:0:1")!)).toBe("2001:db8::1:0:0:1");
    expect(formatIp(parseIp("2001:db8:1:1:1:1:1:1")!)).toBe("2001:db8:1:1:1:1:1:1");
  });

  it("tests CIDR membership bit by bit", () => {
    expect(inCidr(parseIp("104.23.255.255")!, "104.16.0.0/13")).toBe(true);
    expect(inCidr(parseIp("104.24.0.0")!, "104.16.0.0/13")).toBe(false);
    expect(inCidr(parseIp("2a06:98c7::1")!, "2a06:98c0::/29")).toBe(true);
    expect(inCidr(parseIp("2a06:98c8::1")!, "2a06:98c0::/29")).toBe(false);
    expect(inCidr(parseIp("104.16.0.1")!, "2606:4700::/32")).toBe(false);
  });
});

describe("Cloudflare ranges", () => {
  it("knows Cloudflare's IPv4 and IPv6 addresses", () => {
    for (const ip of [
      "104.16.132.229",
      "172.67.1.1",
      "162.159.0.1",
      "188.114.97.3",
      "2606:4700::6810:84e5",
      "[2606:4700:3030::ac43:a1c5]",
    ]) {
      expect(isCloudflareAddress(ip), ip).toBe(true);
    }
  });

  it("says no for other addresses and for host names", () => {
    for (const ip of ["127.0.0.1", "8.8.8.8", "104.15.255.255", "2001:db8::1", "example.test"])
      expect(isCloudflareAddress(ip), ip).toBe(false);
  });
});
