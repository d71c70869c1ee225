/**
 * Text for xmlbuilder2's `.txt()` / `.att()`. xmlbuilder2 escapes `<`, `>` and a bare `&`, but keeps anything
 * shaped like an entity reference (`&nbsp;`, `&lt;`, `R&D;`, `&#60;`) as markup: `R&D; 연구소` came out
 * ill-formed and `a &lt; b` was read back as `a < b`. Our text is always data, never markup, so every `&`
 * is escaped here first; the builder then leaves our `&amp;` alone and escapes the rest.
 *
 * A CR is written as `&#13;`: a parser turns a literal CR (and CRLF) into LF, so a multi-line field (비고)
 * would not read back as written.
 */
export function xmlBuilderText(text: string): string {
  return replaceNonXmlCharacters(text).replace(/&/g, '&amp;').replace(/\r/g, '&#13;');
}

/**
 * Text content as xmlbuilder2 writes what `xmlBuilderText` gives it: `&` `<` `>` escaped, CR as `&#13;` (the text
 * already free of characters XML cannot carry: replaceNonXmlCharacters). The writers that produce xmlbuilder2's
 * bytes without it (documents/xml-node.ts, signing/written-tax-invoice.ts) escape with this.
 */
export function escapeXmlText(text: string): string {
  return text.replace(TEXT_SPECIALS, (c) => TEXT_ESCAPES[c]!);
}

const TEXT_SPECIALS = /[&<>\r]/g;
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };

/** Every character XML 1.0 cannot carry (below) replaced by U+FFFD. */
export function replaceNonXmlCharacters(text: string): string {
  return text.replace(NOT_XML_CHARACTER, '\uFFFD');
}

/**
 * Characters XML 1.0 cannot carry at all, not even as a reference: C0 controls but tab, LF and CR, U+FFFE/FFFF
 * and lone surrogates. Input readers refuse them, so stored text never has them; this is the last guard that
 * keeps an answer well-formed if one ever slips through (it shows U+FFFD rather than break the document).
 */
const NOT_XML_CHARACTER = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
