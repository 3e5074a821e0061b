import { afterEach, describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "../../src/http/page-response";
import { pageCss } from "../../src/http/views/layout";
import { localeOf } from "../../src/read-model/locale";
import { pageChrome } from "../../src/read-model/page-chrome";
import { faceGet, seedLatest } from "../helpers/faces-app";
import { minutesAgo, monitorInput, stored } from "../helpers/fixtures";
import { resetBindings } from "../helpers/reset";
import { envWith } from "../helpers/worker";

afterEach(resetBindings);

const XSS = `<img src=x onerror=alert(1)>"'&`;
const CLOSE = "</style><script>alert(1)</script>";

const sha256 = async (css: string) =>
  btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(css)))));

async function page(config: object, path = "/") {
  await seedLatest({ gw: stored({ status: "up" }, minutesAgo(0)) });
  const response = await faceGet(envWith(config), path);
  return { response, markup: await response.text() };
}

describe("the page's branding", () => {
  it("shows the logo with alt text, the links and the footer; the CSP allows the logo's origin and nothing more", async () => {
    const config = {
      title: "Acme status",
      monitors: [monitorInput()],
      page: {
        logoUrl: "https://cdn.acme.example/brand/logo.svg?v=2",
        accentColor: "#0a7",
        links: [{ label: "Acme", url: "https://acme.example/" }],
        footer: "Acme Inc., Berlin",
      },
    };
    const { response, markup } = await page(config);
    expect(markup).toContain(
      '<h1><img class="logo" src="https://cdn.acme.example/brand/logo.svg?v=2" alt="Acme status logo" height="32"/>Acme status</h1>',
    );
    expect(markup).toContain('<nav aria-label="Links"><a href="https://acme.example/" rel="noopener">Acme</a><a href="/feed.atom">');
    expect(markup).toContain('<footer class="w"><p>Acme Inc., Berlin<br/>Times in UTC.');
    const css = /<style>([\s\S]*?)<\/style>/.exec(markup)![1]!;
    expect(css).toContain(".top{border-top:4px solid #0a7}");
    // The hash is the final stylesheet's, accent and all; images from the page, data: and the logo's origin only.
    expect(response.headers.get("content-security-policy")).toBe(
      `default-src 'none'; style-src 'sha256-${await sha256(css)}'; img-src 'self' data: https://cdn.acme.example; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    // Every page carries it: an incident or monitor that is not there too.
    const missing = await faceGet(envWith(config), "/incidents/gw-20960101T000000Z");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-security-policy")).toContain("img-src 'self' data: https://cdn.acme.example;");
    expect(await missing.text()).toContain('<a class="site" href="/"><img class="logo" src="https://cdn.acme.example/brand/logo.svg?v=2"');
  });

  it("keeps img-src to the page and data: for an inline logo, and without one", async () => {
    const logoUrl = "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'/%3E";
    const inline = await page({ title: "t", monitors: [monitorInput()], page: { logoUrl } });
    expect(inline.markup).toContain(`<img class="logo" src="${logoUrl.replace(/'/g, "&#39;")}" alt="t logo" height="32"/>`);
    expect(inline.response.headers.get("content-security-policy")).toContain("img-src 'self' data:;");
    const plain = await page({ title: "t", monitors: [monitorInput()] });
    expect(plain.markup).not.toContain("<img");
    expect(plain.markup).not.toContain("border-top:4px");
    expect(plain.response.headers.get("content-security-policy")).toContain("img-src 'self' data:;");
  });

  it("renders hostile titles, link labels and footers inert", async () => {
    const config = {
      title: `${XSS} ${CLOSE}`,
      monitors: [monitorInput({ name: XSS })],
      page: {
        logoUrl: "https://cdn.acme.example/logo.png",
        links: [{ label: XSS, url: 'https://acme.example/?q="><script>alert(1)</script>' }],
        footer: `${CLOSE} ${XSS}`,
      },
    };
    for (const path of ["/", "/monitors/gw", "/incidents/nope-20960101T000000Z"]) {
      const { markup } = await page(config, path);
      expect(markup.match(/<img/g), path).toHaveLength(1);
      expect(markup, path).not.toMatch(/<script|onerror=alert\(1\)>/i);
      expect(markup.match(/<style/g), path).toHaveLength(1);
      expect(markup.match(/<\/style>/g), path).toHaveLength(1);
      expect(markup, path).toContain("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;");
      expect(markup, path).toContain(
        'alt="&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp; &lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt; logo"',
      );
      expect(markup, path).toContain('href="https://acme.example/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"');
    }
  });

  it("never lets a colour that is not a strict hex colour into the stylesheet, whoever passes it", async () => {
    const chrome = pageChrome({ title: "t", page: { links: [], timezone: "UTC" } }, localeOf("en"));
    for (const accent of ["#0a7;}body{display:none}", "red", "#0a7}</style><script>", "expression(alert(1))"]) {
      const css = pageCss({ ...chrome, accent });
      expect(css).not.toContain("border-top:4px");
      expect(css).not.toMatch(/display:none|<|expression/);
    }
    expect(pageCss({ ...chrome, accent: "#0A7BCD" })).toContain(".top{border-top:4px solid #0A7BCD}");
    // The axis words are CSS strings: a quote or a backslash in a table could not end them.
    expect(await contentSecurityPolicy("a{}", "https://x.example/logo.png")).toContain("img-src 'self' data: https://x.example;");
  });
});

describe("the page's time zone", () => {
  it("shows times in the configured zone and says which; <time datetime> stays UTC", async () => {
    const tickAt = minutesAgo(0);
    const { markup } = await page({ title: "t", monitors: [monitorInput()], page: { timezone: "Asia/Tokyo" } });
    const tokyo = new Date(Date.parse(tickAt) + 9 * 3600_000).toISOString().slice(11, 16);
    expect(markup).toMatch(new RegExp(`<time datetime="${tickAt}">\\w{3} \\d+, ${tokyo} GMT\\+9</time>`));
    expect(markup).toContain("Times in Asia/Tokyo.");
  });
});
