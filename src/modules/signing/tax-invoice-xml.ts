/**
 * Parsing the NTS standard tax-invoice XML for signing/verification, and the structural rules that
 * keep the XPath-filter signature profile safe (NTS.md §2.1–2.2):
 *  - the filter drops every element *named* ExchangedDocument and every ds:Signature, at any depth,
 *    and the tag (not the content) of any element named TaxInvoice; so besides the root, the one
 *    root-level ExchangedDocument (the unsigned exchange envelope) and the one root-level
 *    ds:Signature, no such element may appear anywhere (else unsigned content could be smuggled
 *    in: signature wrapping);
 *  - the unsigned ExchangedDocument may only hold its known children (ID, IssueDateTime,
 *    ReferencedDocument/ID), so it cannot carry a second, unsigned copy of invoice data.
 */
import { DOMParser, type Document, type Element, type Node } from '@xmldom/xmldom';

export const KEC_NS = 'urn:kr:or:kec:standard:Tax:ReusableAggregateBusinessInformationEntitySchemaModule:1:0';
export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** The input is not acceptable as an NTS tax invoice for signing/verification. */
export class TaxInvoiceXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaxInvoiceXmlError';
  }
}

/** Strip a BOM and apply XML 1.0 end-of-line handling (CRLF / CR → LF), as any XML parser would. */
export function normalizeXmlText(xml: string): string {
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** Parse already-normalized XML; every parser complaint (even a warning) is fatal. */
export function parseXmlStrict(normalizedXml: string): Document {
  let firstProblem: string | undefined;
  const parser = new DOMParser({
    locator: true,
    normalizeLineEndings: (source) => source,
    onError: (level, message) => {
      firstProblem ??= `XML ${level === 'fatalError' ? 'error' : level}: ${message}`;
      throw new TaxInvoiceXmlError(firstProblem); // xmldom wraps this in a ParseError and stops
    },
  });
  let doc: Document;
  try {
    doc = parser.parseFromString(normalizedXml, 'text/xml');
  } catch (err) {
    throw new TaxInvoiceXmlError(firstProblem ?? `XML error: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (doc.doctype) throw new TaxInvoiceXmlError('DOCTYPE declarations are not accepted');
  return doc;
}

export function isElement(node: Node | null): node is Element {
  return node !== null && node.nodeType === 1;
}

export function isDsigSignature(element: Element): boolean {
  return element.localName === 'Signature' && element.namespaceURI === DSIG_NS;
}

/** The elements the NTS XPath filter drops: name() = 'ExchangedDocument', or ds:Signature. */
export function isExcludedFromDigest(element: Element): boolean {
  return element.nodeName === 'ExchangedDocument' || isDsigSignature(element);
}

export interface TaxInvoiceLayout {
  root: Element;
  exchangedDocument: Element | undefined;
  /** Root-level ds:Signature elements (0 for unsigned input, exactly 1 when verifying). */
  signatures: Element[];
  taxInvoiceDocument: Element;
}

/** What the unsigned ExchangedDocument (and its ReferencedDocument) may hold. */
export const EXCHANGED_DOCUMENT_CHILDREN: Readonly<Record<string, readonly string[]>> = {
  ExchangedDocument: ['ID', 'IssueDateTime', 'ReferencedDocument'],
  ReferencedDocument: ['ID'],
};

function checkExchangedDocument(element: Element): void {
  const allowed = EXCHANGED_DOCUMENT_CHILDREN[element.nodeName];
  for (let child = element.firstChild; child; child = child.nextSibling) {
    if (!isElement(child)) continue;
    if (!allowed?.includes(child.nodeName) || child.namespaceURI !== KEC_NS) {
      throw new TaxInvoiceXmlError(`unexpected <${child.nodeName}> inside the unsigned <ExchangedDocument>`);
    }
    checkExchangedDocument(child);
  }
}

/** Below the root, no element may have a name the XPath filter treats specially. */
function assertNoExcludedDescendants(element: Element): void {
  for (let child = element.firstChild; child; child = child.nextSibling) {
    if (!isElement(child)) continue;
    if (child.nodeName === 'TaxInvoice') throw new TaxInvoiceXmlError('<TaxInvoice> may not be nested');
    if (isExcludedFromDigest(child)) {
      throw new TaxInvoiceXmlError(`<${child.nodeName}> is only allowed as a direct child of <TaxInvoice>`);
    }
    assertNoExcludedDescendants(child);
  }
}

/** Check the layout rules above and locate the parts the signature profile cares about. */
export function inspectTaxInvoiceLayout(doc: Document): TaxInvoiceLayout {
  const root = doc.documentElement;
  if (!root || root.nodeName !== 'TaxInvoice' || root.namespaceURI !== KEC_NS) {
    throw new TaxInvoiceXmlError(`the root element must be <TaxInvoice xmlns="${KEC_NS}">`);
  }
  let exchangedDocument: Element | undefined;
  let taxInvoiceDocument: Element | undefined;
  const signatures: Element[] = [];
  for (let child = root.firstChild; child; child = child.nextSibling) {
    if (!isElement(child)) continue;
    if (isDsigSignature(child)) {
      signatures.push(child);
      assertNoExcludedDescendants(child);
    } else if (child.nodeName === 'ExchangedDocument') {
      if (exchangedDocument || child.namespaceURI !== KEC_NS) throw new TaxInvoiceXmlError('more than one <ExchangedDocument>');
      exchangedDocument = child;
      checkExchangedDocument(child);
    } else {
      if (child.nodeName === 'TaxInvoice') throw new TaxInvoiceXmlError('<TaxInvoice> may not be nested');
      if (child.nodeName === 'TaxInvoiceDocument' && child.namespaceURI === KEC_NS) {
        if (taxInvoiceDocument) throw new TaxInvoiceXmlError('more than one <TaxInvoiceDocument>');
        taxInvoiceDocument = child;
      }
      assertNoExcludedDescendants(child);
    }
  }
  if (!taxInvoiceDocument) throw new TaxInvoiceXmlError('<TaxInvoiceDocument> is missing');
  return { root, exchangedDocument, signatures, taxInvoiceDocument };
}
