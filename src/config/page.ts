import * as z from "zod";
import { isTimeZone } from "./base";

/**
 * The status page's branding and reader settings. Every text here reaches HTML only through the page's escaping, and
 * the one value that reaches CSS (the accent colour) is a strict hex colour, so config text can never become markup
 * or style.
 */

/** The languages the page speaks: each has a table of every page string (src/read-model/strings/). */
export const PAGE_LANGUAGES = ["en", "de"] as const;
export const PageLanguage = z.enum(PAGE_LANGUAGES, { error: `must be one of ${PAGE_LANGUAGES.join(", ")}` });
export type PageLanguage = z.infer<typeof PageLanguage>;

/**
 * An inline image: only image types, and only characters a URL may hold unescaped (no quotes, spaces, `<` or `#`),
 * so the value is one opaque token in the `src` attribute.
 */
const DATA_IMAGE = /^data:image\/(?:png|gif|jpeg|webp|avif|svg\+xml)(?:;base64)?,[\w+/=%.~!$&'()*,;:@?-]+$/;

/** https only: an http logo would be mixed content on an https page, and its origin goes into the CSP's img-src. */
function isLogoUrl(text: string): boolean {
  if (DATA_IMAGE.test(text)) return true;
  if (text.length > 2048) return false;
  try {
    const url = new URL(text);
    return url.protocol === "https:" && url.username === "" && url.password === "";
  } catch {
    return false;
  }
}

export const PageSettings = z.strictObject({
  /**
   * Shown before the title in the header: an https URL (the page's CSP then allows images from exactly that origin)
   * or a `data:image/...` URL (part of every page's weight: keep it small).
   */
  logoUrl: z
    .string()
    .max(8192, "is too long: at most 8192 characters (an inline logo is part of every page)")
    .refine(isLogoUrl, "must be an https:// URL (without credentials) or a data:image/... URL")
    .optional(),
  /** Marks the header's top edge: a decoration, never the colour of text, so no reader loses contrast. */
  accentColor: z
    .string()
    .regex(/^#(?:[0-9a-fA-F]{3}){1,2}$/, 'must be a hex colour like "#0969da" or "#09d"')
    .optional(),
  /** Links in the header (your site, support, a contact address). */
  links: z
    .array(
      z.strictObject({
        label: z.string().trim().min(1).max(40),
        url: z.url({ protocol: /^(?:https?|mailto)$/, error: "must be an http://, https:// or mailto: URL" }),
      }),
    )
    .max(8)
    .default([]),
  /** A line of plain text at the foot of every page. */
  footer: z.string().trim().min(1).max(500).optional(),
  /** Times on the page are shown in this IANA time zone; `<time datetime>` stays UTC for machines. */
  timezone: z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin").default("UTC"),
  /** The page's language; unset, each reader gets the best match for their Accept-Language (English otherwise). */
  locale: PageLanguage.optional(),
});
export type PageSettings = z.infer<typeof PageSettings>;
