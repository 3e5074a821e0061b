import type { Child } from "hono/jsx";
import type { PageChrome } from "../../read-model/page-chrome";

/**
 * The page's only stylesheet, inline (the page loads nothing else). Light by default, dark with
 * prefers-color-scheme. No `style` attributes anywhere: the Content-Security-Policy allows exactly the final
 * stylesheet (pageCss) by its hash. Kept terse: the whole page for 20 monitors must stay under 30 KB.
 */
export const BASE_CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--mu:#59636e;--ln:#d1d9e0;--sf:#f6f8fa;--up:#1a7f37;--upb:#2da44e;--dg:#9a6700;--dgb:#d4a72c;--dn:#cf222e;--mt:#0969da;--no:#d1d9e0;--bd:1px solid var(--ln)}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mu:#9198a1;--ln:#3d444d;--sf:#151b23;--up:#3fb950;--upb:#238636;--dg:#d29922;--dgb:#bb8009;--dn:#f85149;--mt:#4493f8;--no:#2f353d}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
a{color:var(--mt)}
ol,ul{list-style:none;margin:0;padding:0}
.w{max-width:880px;margin:0 auto;padding:0 16px}
.top{border-bottom:var(--bd);margin-bottom:28px}
.top .w,.hd,.gh,.ax,.ban,.lat{display:flex;align-items:center;gap:4px 12px;flex-wrap:wrap}
.top .w{justify-content:space-between;min-height:64px}
.top nav{display:flex;flex-wrap:wrap;gap:4px 14px}
.logo{height:32px;width:auto;margin-right:10px;vertical-align:middle}
h1,.top .site{font-size:20px;margin:0;font-weight:600}
h2{font-size:17px;margin:40px 0 12px}
h3{font-size:15px;margin:0}
.mu,.top a,.msg,.ax,.lat,.past p,.tl time,footer{color:var(--mu);font-size:13px}
.top .site{color:var(--fg);text-decoration:none}
.ban{padding:16px 20px;border-radius:8px;color:#fff;background:var(--b)}
.ban strong{font-size:18px;flex:1 1 12em}
.ban svg{width:28px;height:28px;fill:none;stroke:currentColor;stroke-width:1.7;stroke-linecap:round;stroke-linejoin:round}
.ban span{font-size:13px}
.b-operational{--b:#1a7f37}.b-degraded{--b:#9a6700}.b-partial_outage{--b:#bc4c00}.b-major_outage{--b:#cf222e}.b-maintenance{--b:#0969da}.b-unknown{--b:#59636e}
.note,.inc{margin:12px 0 0;padding:12px 16px;border:var(--bd);border-left:4px solid var(--n);border-radius:6px}
.note{background:var(--sf)}
.note p{margin:2px 0 0}
.n-stale{--n:var(--dg)}.n-mt{--n:var(--mt)}
.card{border:var(--bd);border-radius:8px;margin-bottom:16px}
.gh{justify-content:space-between;padding:10px 16px;background:var(--sf);border-bottom:var(--bd);border-radius:8px 8px 0 0}
.gh span{font-weight:400}
.mons>li{padding:14px 16px 10px}
.mons>li+li{border-top:var(--bd)}
.nm{font-weight:600;flex:1;min-width:10em;overflow-wrap:anywhere;color:inherit;text-decoration:none}
a.nm:hover{text-decoration:underline}
.nm::before{content:"";display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:10px;background:var(--c)}
.st{font-size:13px;font-weight:600;color:var(--t)}
.lat{gap:6px;font-size:12px;font-variant-numeric:tabular-nums}
.lat svg{width:100px;height:24px}
.lat path{fill:none;stroke:var(--mt);stroke-width:3;stroke-linejoin:round;stroke-linecap:round}
.msg{margin:2px 0 0 20px;overflow-wrap:anywhere}
.s-up{--c:var(--upb);--t:var(--up)}.s-degraded{--c:var(--dgb);--t:var(--dg)}.s-down{--c:var(--dn);--t:var(--dn)}.s-maintenance{--c:var(--mt);--t:var(--mt)}.s-unknown{--c:var(--no);--t:var(--mu)}
.bar{display:grid;grid-template-columns:repeat(90,1fr);height:30px;margin:10px 0 4px;position:relative;--gap:2px}
.bar::after{content:"";position:absolute;inset:0;pointer-events:none;background:repeating-linear-gradient(90deg,#0000 0 calc(100%/90 - var(--gap)),var(--bg) 0 calc(100%/90))}
.bar li{position:relative;background:var(--c)}
.bar li:hover{filter:brightness(.8)}
.u{--c:var(--upb)}.g{--c:var(--dgb)}.x{--c:var(--dn)}.m{--c:var(--mt)}.n{--c:var(--no)}
.sr,.bar i{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap;font-style:normal}
.bar li:hover i{width:auto;height:auto;clip-path:none;bottom:calc(100% + 6px);left:0;z-index:2;padding:4px 8px;border-radius:6px;background:var(--fg);color:var(--bg);font-size:12px}
.bar .r:hover i{left:auto;right:0}
.ax{justify-content:space-between;margin:0;font-size:12px}
.inc{--n:var(--i);padding:14px 16px}
.i-minor{--i:var(--dgb)}.i-major{--i:#bc4c00}.i-critical{--i:var(--dn)}
.inc a,.past a{color:inherit}
.tag{display:inline-block;font-size:12px;font-weight:600;padding:0 8px;border-radius:10px;border:var(--bd);margin-right:6px}
.tl{margin-top:10px}
.tl li{position:relative;padding:0 0 10px 18px;border-left:2px solid var(--ln);margin-left:4px}
.tl li:last-child{border-color:#0000;padding-bottom:0}
.tl li::before{content:"";position:absolute;left:-7px;top:5px;width:8px;height:8px;border-radius:50%;background:var(--bg);border:2px solid var(--mu)}
.tl p,.past p{margin:0;overflow-wrap:anywhere}
.past{margin-bottom:20px}
.past li{padding:10px 0;border-bottom:var(--bd)}
.day{font-size:14px;margin-top:20px;padding-bottom:6px;border-bottom:var(--bd)}
footer p{margin:48px 0 32px;padding-top:16px;border-top:var(--bd)}
footer a{color:inherit}
@media (max-width:600px){body{font-size:14px}.ban{padding:14px 16px}.ban strong{font-size:16px}.bar{height:26px;--gap:1px}.mons>li{padding:12px}.msg{margin-left:0}.lat{order:3;width:100%}}
`
  .trim()
  .replace(/\n/g, "");

/** A CSS string literal: anything but plain letters, digits and a little punctuation as a hex escape. */
function cssString(text: string): string {
  return `"${[...text].map((c) => (/^[A-Za-z0-9 .,:()-]$/.test(c) ? c : `\\${c.codePointAt(0)!.toString(16)} `)).join("")}"`;
}

const HEX_COLOUR = /^#(?:[0-9a-fA-F]{3}){1,2}$/;

/**
 * The page's one stylesheet: BASE_CSS, the page's own rules (`extra`: generated from integers, never from data), the
 * bar's axis words in the page's language (as CSS strings, escaped), and the accent colour, used only when it is a
 * strict hex colour, whatever the caller checked before: config text never becomes CSS. The CSP's hash is computed
 * over exactly this text.
 */
export function pageCss(chrome: PageChrome, extra = ""): string {
  const { bar } = chrome.locale.t;
  const axis = `.ax::before{content:${cssString(bar.start)}/""}.ax::after{content:${cssString(bar.end)}/""}`;
  const accent = chrome.accent && HEX_COLOUR.test(chrome.accent) ? `.top{border-top:4px solid ${chrome.accent}}` : "";
  return BASE_CSS + axis + accent + extra;
}

/** A favicon in the colour of the overall state, as a data URL: no request for /favicon.ico. */
const FAVICON_COLOURS: Record<string, string> = {
  operational: "1a7f37",
  degraded: "d4a72c",
  partial_outage: "bc4c00",
  major_outage: "cf222e",
  maintenance: "0969da",
  unknown: "8c959f",
};

function faviconOf(state: string): string {
  const colour = FAVICON_COLOURS[state] ?? FAVICON_COLOURS.unknown;
  return `data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27 viewBox=%270 0 16 16%27%3E%3Ccircle cx=%278%27 cy=%278%27 r=%277%27 fill=%27%23${colour}%27/%3E%3C/svg%3E`;
}

/** `refresh`: reload every minute (without script); off when the reader asked for it (WCAG 2.2.1, timing adjustable). */
export function Layout(props: {
  chrome: PageChrome;
  title: string;
  description: string;
  css: string;
  state: string;
  refresh: boolean;
  children: Child;
}) {
  const { t } = props.chrome.locale;
  return (
    <html lang={t.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        {props.refresh ? <meta http-equiv="refresh" content="60" /> : null}
        <title>{props.title}</title>
        <meta name="description" content={props.description} />
        <link rel="icon" href={faviconOf(props.state)} />
        <link rel="alternate" type="application/atom+xml" href="/feed.atom" title={t.feedTitle} />
        {/* The stylesheet is pageCss(): constants, generated rules, escaped words and a checked colour; no data goes in. */}
        <style dangerouslySetInnerHTML={{ __html: props.css }} />
      </head>
      <body>{props.children}</body>
    </html>
  );
}
