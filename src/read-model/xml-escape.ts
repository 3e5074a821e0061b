/**
 * Text for XML and SVG (element content and attribute values alike): the five special characters become entities,
 * and characters XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF) become U+FFFD, so
 * whatever a monitor's name or a probe's message holds, the document stays well-formed and the text stays text.
 * No CDATA anywhere: `]]>` needs no special case when `>` is always `&gt;`.
 */
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlEscape(text: string): string {
  return text.replace(NOT_XML, "\uFFFD").replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

/** HTML text (for Atom `type="html"` content, which is then XML-escaped again as a whole). */
export function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => (ch === "'" ? "&#39;" : ENTITIES[ch]!));
}
