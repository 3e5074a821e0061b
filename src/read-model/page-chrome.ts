import type { Config } from "../config/schema";
import type { Locale } from "./locale";

/** What the frame of every page shows around its content: the title, the config's branding and the language. Pure. */
export interface PageChrome {
  title: string;
  locale: Locale;
  logo: { src: string; alt: string } | null;
  links: { label: string; url: string }[];
  footer: string | null;
  /** A strict hex colour: the config checked it, and the stylesheet checks it again before using it. */
  accent: string | null;
}

/** `config` null: a page that cannot read the config (it is invalid) shows a plain frame. */
export function pageChrome(config: Pick<Config, "title" | "page"> | null, locale: Locale): PageChrome {
  if (!config) return { title: "Status", locale, logo: null, links: [], footer: null, accent: null };
  const { logoUrl, links, footer, accentColor } = config.page;
  return {
    title: config.title,
    locale,
    logo: logoUrl ? { src: logoUrl, alt: locale.t.logoAlt(config.title) } : null,
    // Written out by the URL parser: quotes, spaces and angle brackets arrive percent-encoded (and escaped again in HTML).
    links: links.map((link) => ({ label: link.label, url: new URL(link.url).href })),
    footer: footer ?? null,
    accent: accentColor ?? null,
  };
}
