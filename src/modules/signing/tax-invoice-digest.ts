/**
 * The octets the NTS Reference digests (NTS.md §2.2, fixture `*.predigest.bin`): the result of
 * inclusive C14N + the XPath filter
 *   not(self::*[name() = 'TaxInvoice'] | ancestor-or-self::*[name() = 'ExchangedDocument'] | ancestor-or-self::ds:Signature)
 * as the JDK/Apache Santuario engine (the de-facto reference) produces it:
 *   1. the root's namespace declarations, as text, in C14N order (no `<TaxInvoice`, no other attributes);
 *   2. then every child node of <TaxInvoice> in document order, except ExchangedDocument and
 *      ds:Signature subtrees, whitespace text included;
 *   3. children do not re-declare the root's namespaces (they count as rendered).
 */
import { createHash } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { isExcludedFromDigest } from './tax-invoice-xml.ts';
import { canonicalizeChildNodes, declaredNamespaces, renderNamespaceDeclarations } from './xml-c14n.ts';

/** Namespaces declared on <TaxInvoice> (it is the document element, so these are all in scope). */
export function rootNamespaceScope(root: Element): Map<string, string> {
  return new Map(declaredNamespaces(root));
}

export function taxInvoiceDigestInput(root: Element): string {
  const scope = rootNamespaceScope(root);
  return renderNamespaceDeclarations(scope, new Map()) + canonicalizeChildNodes(root, scope, isExcludedFromDigest);
}

export function taxInvoiceDigest(root: Element, algorithm: 'sha256' | 'sha1' = 'sha256'): string {
  return createHash(algorithm).update(taxInvoiceDigestInput(root), 'utf8').digest('base64');
}
