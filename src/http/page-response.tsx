import type { Context } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import * as z from "zod";
import type { Config } from "../config/schema";
import { loadConfig } from "../config/source";
import { type Locale, localeOf } from "../read-model/locale";
import { type PageChrome, pageChrome } from "../read-model/page-chrome";
import { languageFromHeader } from "../read-model/strings";
import type { AppEnv } from "./app-env";
import { edgeCache } from "./edge-cache";
import type { Refresh } from "./views/frame";
import { pageCss } from "./views/layout";
import { MessagePage } from "./views/status-page";

/** What every HTML page shares: its cache key and language, its answers for a missing page or a bad config, and its CSP. */

/** The one parameter the page knows: `refresh=off`. Anything else, and any other value, is the default. */
const PageQuery = z.object({
  refresh: z
    .string()
    .optional()
    .transform((v) => (v === "off" ? "off" : undefined)),
});

export const configOf = (c: Context<AppEnv>): Config | null => {
  const loaded = loadConfig(c.env);
  return loaded.ok ? loaded.config : null;
};

/** The config's language, or else the reader's best match (English by default): what the page is written in. */
const languageOf = (c: Context<AppEnv>, config: Config | null) =>
  config?.page.locale ?? languageFromHeader(c.req.header("Accept-Language"));

/**
 * Every page is cached per language: the key holds the language the request resolves to (never the raw header, whose
 * spellings are endless), so one reader's language is never served to another.
 */
export const pageCache = edgeCache<AppEnv>({ query: PageQuery, keyParts: (c) => ({ lang: languageOf(c, configOf(c)) }) });

/**
 * The request's language and the config's time zone. When the language came from Accept-Language, the answer says
 * so (`Vary`), for every cache downstream and for the isolate's front cache, which keys such answers by language too.
 */
export function localeFor(c: Context<AppEnv>, config: Config | null): Locale {
  const lang = languageOf(c, config);
  if (!config?.page.locale) c.header("Vary", "Accept-Language");
  c.header("Content-Language", lang);
  return localeOf(lang, config?.page.timezone);
}

/** The page refreshes itself every minute unless asked not to with `?refresh=off` (WCAG 2.2.1: a way to turn it off). */
export function refreshOf(c: Context<AppEnv>, path: string): Refresh {
  return { on: c.req.query("refresh") !== "off", path };
}

/** An address that leads nowhere (an unknown incident or monitor): 404, kept a minute, in the page's frame. */
export function notFoundPage(c: Context<AppEnv>, chrome: PageChrome, message: [string, string]) {
  c.header("Cache-Control", "public, max-age=60");
  const css = pageCss(chrome);
  return send(c, <MessagePage chrome={chrome} message={message} css={css} />, css, chrome, 404);
}

export function invalidConfigPage(c: Context<AppEnv>, locale: Locale) {
  c.header("Cache-Control", "no-store");
  const chrome = pageChrome(null, locale);
  const css = pageCss(chrome);
  return send(c, <MessagePage chrome={chrome} message={locale.t.unavailable} css={css} />, css, chrome, 500);
}

/**
 * Renders the page with its CSP, which allows no script and only this page's stylesheet. The other security headers
 * (nosniff, no referrer, no framing) are the app's secureHeaders(), the same for every route.
 */
export async function send(c: Context<AppEnv>, page: JSX.Element, css: string, chrome: PageChrome, status: 200 | 404 | 500) {
  const html = `<!doctype html>${await page}`;
  c.header("Content-Security-Policy", await contentSecurityPolicy(css, chrome.logo?.src ?? null));
  return c.html(html, status);
}

const policies = new Map<string, string>();

/**
 * `default-src 'none'`, and the stylesheet by its SHA-256: an injected style or script would not run. Images come from
 * the page itself and data: URLs, and from the logo's origin when the config's logo is an https URL: that origin
 * exactly (URL parsing leaves nothing else in it), never a wildcard.
 */
export async function contentSecurityPolicy(css: string, logoUrl: string | null = null): Promise<string> {
  const logoOrigin = logoUrl?.startsWith("https:") ? new URL(logoUrl).origin : null;
  const key = `${logoOrigin ?? ""} ${css}`;
  let policy = policies.get(key);
  if (!policy) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(css));
    const hash = btoa(String.fromCharCode(...new Uint8Array(digest)));
    const img = logoOrigin ? `'self' data: ${logoOrigin}` : "'self' data:";
    policy = `default-src 'none'; style-src 'sha256-${hash}'; img-src ${img}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
    if (policies.size > 100) policies.clear();
    policies.set(key, policy);
  }
  return policy;
}
