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
 * Element text as xmlbuilder2 writes what `xmlBuilderText` gives it, without xmlbuilder2: characters XML cannot carry
 * become U+FFFD, `&` `<` `>` become entities and a CR `&#13;`; quotes stay as they are. The writers that produce
 * xmlbuilder2's bytes directly use it: the legacy answers (faces/legacy/legacy-codec.ts), the standard XML
 * (documents/xml-node.ts); their tests hold them equal to xmlbuilder2.
 */
export function xmlText(text: string): string {
  return escapeXmlText(replaceNonXmlCharacters(text));
}

/** `xmlText` of a text already free of characters XML cannot carry (the signer checks that first). */
export function escapeXmlText(text: string): string {
  return MARKUP.test(text) ? text.replace(MARKUP_ALL, (c) => ENTITY[c]!) : text;
}

const MARKUP = /[&<>\r]/;
const MARKUP_ALL = /[&<>\r]/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };

/** Every character XML 1.0 cannot carry (below) replaced by U+FFFD. */
export function replaceNonXmlCharacters(text: string): string {
  return MAYBE_NOT_XML.test(text) ? text.replace(NOT_XML_CHARACTER, '\uFFFD') : text;
}

/** A cheap first look for what NOT_XML_CHARACTER replaces (any surrogate: pairs are checked there). */
const MAYBE_NOT_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]/;

/**
 * Characters XML 1.0 cannot carry at all, not even as a reference: C0 controls but tab, LF and CR, U+FFFE/FFFF
 * and lone surrogates. Input readers refuse them, so stored text never has them; this is the last guard that
 * keeps an answer well-formed if one ever slips through (it shows U+FFFD rather than break the document).
 */
const NOT_XML_CHARACTER = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
