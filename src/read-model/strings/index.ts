import { PAGE_LANGUAGES, type PageLanguage } from "../../config/page";
import { de } from "./de";
import { en } from "./en";
import type { PageStrings } from "./types";

/** A table for every language the config accepts: adding one to PAGE_LANGUAGES without its table does not compile. */
const TABLES: Record<PageLanguage, PageStrings> = { en, de };

export function stringsOf(lang: PageLanguage): PageStrings {
  return TABLES[lang];
}

/** Only so many ranges are read: a header is the client's to make long, and this runs before every cached answer. */
const MAX_RANGES = 20;

/**
 * The page's language for an `Accept-Language` header (RFC 9110 §12.5.4): the language the page has with the highest
 * weight, matched by its primary subtag (`de-AT` reads German), the first listed winning a tie; `q=0` refuses one.
 * English for no header, a malformed one, `*`, or only languages the page lacks.
 */
export function languageFromHeader(header: string | null | undefined): PageLanguage {
  if (!header) return "en";
  let best: { lang: PageLanguage; q: number } = { lang: "en", q: 0 };
  for (const range of header.split(",", MAX_RANGES)) {
    const [tag = "", ...params] = range.split(";");
    const primary = tag.trim().toLowerCase().split("-")[0]!;
    const weight = params.map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p)).find((m) => m !== null);
    const q = weight ? Number(weight[1]) : 1;
    const lang = primary === "*" ? "en" : (PAGE_LANGUAGES as readonly string[]).includes(primary) ? (primary as PageLanguage) : null;
    if (lang && q > best.q) best = { lang, q };
  }
  return best.lang;
}
