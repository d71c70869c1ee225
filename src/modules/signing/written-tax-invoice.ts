/**
 * Signing a tax invoice we write ourselves, without the DOM round trip (issue 13 item 2).
 *
 * `signTaxInvoice` takes any XML text: it parses it, checks the layout, canonicalises the DOM and splices the
 * signature into the text. For the standard XML that Hanbill builds (documents/standard-xml.ts) the element
 * tree is at hand, so one walk over it writes both forms at once:
 *  - the serialized XML, byte for byte what `buildStandardXml` (xmlbuilder2, compact) writes: text escapes
 *    `&` `<` `>` and CR as `&amp;` `&lt;` `&gt;` `&#13;`; an element without text or children is `<x/>`.
 *    Text with U+FFFD, or with a character XML cannot carry (which xmlbuilder2's input turns into U+FFFD,
 *    platform/xml-text.ts), is refused, as the generic path's parser refuses U+FFFD;
 *  - the octets the NTS Reference digests (tax-invoice-digest.ts): the root's namespace declarations, then
 *    the canonical form of every root child but ExchangedDocument (`<x></x>`, text escaping `&amp;` `&lt;`
 *    `&gt;` `&#xD;`; no whitespace between elements, since the writer never adds any).
 * The layout rules of tax-invoice-xml.ts are checked on the tree, and canonical SignedInfo, signature and
 * splice are the ones `signTaxInvoice` uses, so the signed file is the same bytes.
 * `written-tax-invoice.test.ts` holds the two paths equal; anything we did not write keeps the generic path.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { AppError } from '../../platform/errors.ts';
import { escapeXmlText, replaceNonXmlCharacters } from '../../platform/xml-text.ts';
import { DSIG_PREFIX, canonicalSignedInfo } from './nts-signature-profile.ts';
import { DSIG_NS, EXCHANGED_DOCUMENT_CHILDREN, KEC_NS, TaxInvoiceXmlError } from './tax-invoice-xml.ts';
import { assertSigningKey, spliceSignature } from './tax-invoice-signature.ts';
import { escapeC14nText, renderNamespaceDeclarations } from './xml-c14n.ts';

/** An element as the writer builds it: text (may be ''), then children; no attributes below the root. */
export interface WrittenElement {
  readonly name: string;
  readonly text?: string;
  readonly children?: readonly WrittenElement[];
}

export interface WrittenTaxInvoice {
  /** The <TaxInvoice> element (default namespace `namespace`) with its children. */
  readonly root: WrittenElement;
  /** Default namespace of the root: the KEC namespace. */
  readonly namespace: string;
  /** Prefixed namespace declarations on the root, in written order: [prefix, URI]. */
  readonly namespaces: readonly (readonly [string, string])[];
  /** Other root attributes, in written order: [qualified name, value]. */
  readonly attributes: readonly (readonly [string, string])[];
}

/** The written invoice, ready for the signature. */
export interface WrittenForSigning {
  /** Serialized XML before the point where ds:Signature goes (right before <TaxInvoiceDocument>), no XML declaration. */
  before: string;
  /** Serialized XML from <TaxInvoiceDocument> to the end. */
  after: string;
  /** The octets the Reference digests (UTF-8 of this string). */
  digestInput: string;
  digestValue: string;
  canonicalSignedInfo: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** Names the NTS XPath filter treats specially: allowed only where inspectTaxInvoiceLayout allows them. */
const FILTERED_NAMES = new Set(['TaxInvoice', 'ExchangedDocument']);

interface Tags {
  open: string;
  close: string;
  /** Serialized form of the element without text or children. */
  empty: string;
  /** Canonical form of the same. */
  canonicalEmpty: string;
  filtered: boolean;
}

/** The tags of each element name, made (and the name checked) once per process. */
const tagsByName = new Map<string, Tags>();

function tagsOf(name: string): Tags {
  let tags = tagsByName.get(name);
  if (tags) return tags;
  // no prefixes: every element is in the root's default namespace, so none can be a ds:Signature
  if (!NAME.test(name)) throw new TaxInvoiceXmlError(`cannot write the element name "${name}"`);
  tags = { open: `<${name}>`, close: `</${name}>`, empty: `<${name}/>`, canonicalEmpty: `<${name}></${name}>`, filtered: FILTERED_NAMES.has(name) };
  tagsByName.set(name, tags);
  return tags;
}

/** A root attribute or namespace value written as is: nothing that serializer and C14N would escape. */
function checkPlainValue(value: string, what: string): void {
  if (value === '' || /[&<>"\t\n\r\ufffd]/.test(value) || replaceNonXmlCharacters(value) !== value) {
    throw new TaxInvoiceXmlError(`cannot write the ${what} value "${value}"`);
  }
}

const TEXT_NEEDS_WORK = /[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffd-\uffff]/;

/** Both forms of the tree below the root, in one walk. */
class Writer {
  xml = '';
  c14n = '';

  /** `apex`: the root-level ExchangedDocument, the one place a filtered name may appear. */
  element(node: WrittenElement, canonical: boolean, apex = false): void {
    const tags = tagsOf(node.name);
    if (tags.filtered && !apex) throw new TaxInvoiceXmlError(`<${node.name}> is only allowed as a direct child of <TaxInvoice>`);
    const children = node.children;
    const text = node.text;
    if (text === undefined && (children === undefined || children.length === 0)) {
      this.xml += tags.empty;
      if (canonical) this.c14n += tags.canonicalEmpty;
      return;
    }
    this.xml += tags.open;
    if (canonical) this.c14n += tags.open;
    if (text !== undefined) this.text(text, canonical);
    if (children) for (const child of children) this.element(child, canonical);
    this.xml += tags.close;
    if (canonical) this.c14n += tags.close;
  }

  text(raw: string, canonical: boolean): void {
    if (!TEXT_NEEDS_WORK.test(raw)) {
      this.xml += raw;
      if (canonical) this.c14n += raw;
      return;
    }
    const text = replaceNonXmlCharacters(raw);
    // xmldom warns on U+FFFD and parseXmlStrict makes every warning fatal: the generic path refuses such text
    if (text.includes('\uFFFD')) throw new TaxInvoiceXmlError('a text holds U+FFFD or a character XML cannot carry');
    this.xml += escapeXmlText(text);
    if (canonical) this.c14n += escapeC14nText(text);
  }
}

/** The unsigned ExchangedDocument may hold only its known children (tax-invoice-xml.ts). */
function checkExchangedDocument(node: WrittenElement): void {
  const allowed = EXCHANGED_DOCUMENT_CHILDREN[node.name];
  for (const child of node.children ?? []) {
    if (!allowed?.includes(child.name)) throw new TaxInvoiceXmlError(`unexpected <${child.name}> inside the unsigned <ExchangedDocument>`);
    checkExchangedDocument(child);
  }
}

/** Namespaces in scope below the root: prefix ('' = default) → URI. */
function rootScope(invoice: WrittenTaxInvoice): Map<string, string> {
  const scope = new Map<string, string>([['', invoice.namespace]]);
  for (const [prefix, uri] of invoice.namespaces) {
    if (prefix === '' || prefix === 'xml' || prefix === 'xmlns' || !NAME.test(prefix) || scope.has(prefix)) {
      throw new TaxInvoiceXmlError(`cannot declare the namespace prefix "${prefix}"`);
    }
    checkPlainValue(uri, `xmlns:${prefix}`);
    scope.set(prefix, uri);
  }
  return scope;
}

function openRootTag(invoice: WrittenTaxInvoice): string {
  let tag = `<TaxInvoice xmlns="${invoice.namespace}"`;
  for (const [prefix, uri] of invoice.namespaces) tag += ` xmlns:${prefix}="${uri}"`;
  for (const [name, value] of invoice.attributes) {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*(:[A-Za-z_][A-Za-z0-9_.-]*)?$/.test(name) || name.startsWith('xmlns')) {
      throw new TaxInvoiceXmlError(`cannot write the attribute name "${name}"`);
    }
    checkPlainValue(value, name);
    tag += ` ${name}="${value}"`;
  }
  return `${tag}>`;
}

function writeForSigning(invoice: WrittenTaxInvoice): WrittenForSigning {
  const root = invoice.root;
  if (root.name !== 'TaxInvoice' || invoice.namespace !== KEC_NS) throw new TaxInvoiceXmlError(`the root element must be <TaxInvoice xmlns="${KEC_NS}">`);
  if (root.text !== undefined) throw new TaxInvoiceXmlError('<TaxInvoice> holds text'); // would be digested; we never write it
  const scope = rootScope(invoice);
  const writer = new Writer();
  writer.xml = openRootTag(invoice);
  let insertAt = -1;
  let exchangedDocument = false;
  for (const child of root.children ?? []) {
    if (child.name === 'ExchangedDocument') {
      if (exchangedDocument) throw new TaxInvoiceXmlError('more than one <ExchangedDocument>');
      exchangedDocument = true;
      checkExchangedDocument(child);
      writer.element(child, false, true); // outside the digest: serialized only
      continue;
    }
    if (child.name === 'TaxInvoiceDocument') {
      if (insertAt >= 0) throw new TaxInvoiceXmlError('more than one <TaxInvoiceDocument>');
      insertAt = writer.xml.length;
    }
    writer.element(child, true);
  }
  if (insertAt < 0) throw new TaxInvoiceXmlError('<TaxInvoiceDocument> is missing');
  writer.xml += '</TaxInvoice>';

  const digestInput = renderNamespaceDeclarations(scope, new Map()) + writer.c14n;
  const digestValue = createHash('sha256').update(digestInput, 'utf8').digest('base64');
  scope.set(DSIG_PREFIX, DSIG_NS);
  return {
    before: writer.xml.slice(0, insertAt),
    after: writer.xml.slice(insertAt),
    digestInput,
    digestValue,
    canonicalSignedInfo: canonicalSignedInfo(scope, digestValue),
  };
}

function asFieldError(err: unknown): never {
  if (err instanceof TaxInvoiceXmlError) {
    throw new AppError('field_invalid', `서명할 수 없는 세금계산서 XML입니다 — ${err.message} (cannot sign this tax invoice XML)`, { field: 'xml', cause: err });
  }
  throw err;
}

/** Digest input, digest and canonical SignedInfo of a written invoice (for tests, diagnostics, benchmarks). */
export function computeWrittenTaxInvoiceSignature(invoice: WrittenTaxInvoice): WrittenForSigning {
  try {
    return writeForSigning(invoice);
  } catch (err) {
    return asFieldError(err);
  }
}

/**
 * Sign a tax invoice we wrote: the same bytes as `signTaxInvoice(<its serialized XML>, key, certDer)`.
 * Throws AppError field_invalid (field 'xml') for a tree outside the layout rules, certificate_invalid for key problems.
 */
export function signWrittenTaxInvoice(invoice: WrittenTaxInvoice, key: KeyObject, certDer: Buffer): string {
  assertSigningKey(key, certDer);
  return spliceSignature(computeWrittenTaxInvoiceSignature(invoice), key, certDer);
}
