/**
 * Inclusive Canonical XML 1.0 without comments (http://www.w3.org/TR/2001/REC-xml-c14n-20010315)
 * over an @xmldom/xmldom tree, for the shapes the NTS invoice signature needs:
 *  - whole element subtrees (SignedInfo), with the namespaces inherited from their ancestors;
 *  - element subtrees whose parent is not output but whose namespaces count as already rendered
 *    (the children of <TaxInvoice> in the NTS XPath-filter profile, see tax-invoice-digest.ts);
 *  - optional exclusion of whole subtrees (the XPath filter drops ExchangedDocument / ds:Signature).
 * Outside the NTS profile, so left out: inheritance of xml:* attributes from omitted ancestors.
 */
import type { Element, Node } from '@xmldom/xmldom';

export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** prefix ('' = default namespace) → namespace URI ('' = undeclared default). */
export type NamespaceScope = ReadonlyMap<string, string>;

const EMPTY_SCOPE: NamespaceScope = new Map();

const NodeType = {
  element: 1,
  text: 3,
  cdata: 4,
  processingInstruction: 7,
} as const;

const TEXT_SPECIALS = /[&<>\r]/;
const ATTR_SPECIALS = /[&<"\t\n\r]/;

export function escapeC14nText(text: string): string {
  if (!TEXT_SPECIALS.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

export function escapeC14nAttribute(value: string): string {
  if (!ATTR_SPECIALS.test(value)) return value;
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

/** The xmlns / xmlns:p attributes of one element as [prefix, uri] pairs. */
export function declaredNamespaces(element: Element): [string, string][] {
  const out: [string, string][] = [];
  const attributes = element.attributes;
  for (let i = 0; i < attributes.length; i++) {
    const attr = attributes.item(i)!;
    if (attr.namespaceURI !== XMLNS_NS) continue;
    out.push([attr.prefix === 'xmlns' ? attr.localName! : '', attr.value]);
  }
  return out;
}

/** Namespaces in scope at `element` (its own declarations and all its ancestors'). */
export function inScopeNamespaces(element: Element): Map<string, string> {
  const chain: Element[] = [];
  for (let node: Node | null = element; node && node.nodeType === NodeType.element; node = node.parentNode) {
    chain.push(node as Element);
  }
  const scope = new Map<string, string>();
  for (let i = chain.length - 1; i >= 0; i--) {
    for (const [prefix, uri] of declaredNamespaces(chain[i]!)) scope.set(prefix, uri);
  }
  return scope;
}

function compareNamespaces(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; // '' (default) sorts first
}

/**
 * Namespace attributes to emit for an element whose in-scope namespaces are `scope`, given what its
 * nearest output ancestor already rendered. Sorted as C14N requires (default first, then by prefix).
 */
export function renderNamespaceDeclarations(scope: NamespaceScope, rendered: NamespaceScope): string {
  const emit: [string, string][] = [];
  for (const entry of scope) {
    const [prefix, uri] = entry;
    if (prefix === 'xml') continue;
    const before = rendered.get(prefix) ?? '';
    if (uri === before) continue;
    if (prefix !== '' && uri === '') continue; // xmlns:p="" (XML 1.1 undeclaration) has no output form
    emit.push(entry);
  }
  if (!scope.has('') && (rendered.get('') ?? '') !== '') emit.push(['', '']);
  emit.sort(compareNamespaces);
  let out = '';
  for (const [prefix, uri] of emit) out += prefix === '' ? ` xmlns="${escapeC14nAttribute(uri)}"` : ` xmlns:${prefix}="${escapeC14nAttribute(uri)}"`;
  return out;
}

interface SortableAttribute {
  ns: string;
  local: string;
  text: string;
}

function renderAttributes(element: Element): string {
  const attributes = element.attributes;
  const list: SortableAttribute[] = [];
  for (let i = 0; i < attributes.length; i++) {
    const attr = attributes.item(i)!;
    if (attr.namespaceURI === XMLNS_NS) continue;
    list.push({ ns: attr.namespaceURI ?? '', local: attr.localName ?? attr.name, text: ` ${attr.name}="${escapeC14nAttribute(attr.value)}"` });
  }
  if (list.length > 1) {
    list.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : a.local < b.local ? -1 : a.local > b.local ? 1 : 0));
  }
  let out = '';
  for (const a of list) out += a.text;
  return out;
}

/** Return true to drop an element (with its whole subtree) from the output. */
export type ElementFilter = (element: Element) => boolean;

/**
 * Canonicalize the children of some parent whose in-scope namespaces are `scope` and whose output
 * rendering already covers `scope` (i.e. children re-declare only what they change).
 */
export function canonicalizeChildNodes(parent: Node, scope: NamespaceScope, exclude?: ElementFilter): string {
  let out = '';
  for (let child = parent.firstChild; child; child = child.nextSibling) {
    switch (child.nodeType) {
      case NodeType.element:
        if (exclude?.(child as Element)) break;
        out += canonicalizeElement(child as Element, scope, scope, exclude);
        break;
      case NodeType.text:
      case NodeType.cdata:
        out += escapeC14nText((child as unknown as { data: string }).data);
        break;
      case NodeType.processingInstruction: {
        const pi = child as unknown as { target: string; data: string };
        out += pi.data ? `<?${pi.target} ${pi.data}?>` : `<?${pi.target}?>`;
        break;
      }
      default:
        break; // comments are dropped; entity references do not occur (no DTDs accepted)
    }
  }
  return out;
}

/**
 * Canonicalize one element subtree.
 * @param parentScope namespaces in scope at the element's parent
 * @param rendered namespaces the nearest output ancestor rendered (EMPTY for a subtree apex)
 */
export function canonicalizeElement(element: Element, parentScope: NamespaceScope, rendered: NamespaceScope, exclude?: ElementFilter): string {
  const declared = declaredNamespaces(element);
  let scope = parentScope;
  if (declared.length > 0) {
    const extended = new Map(parentScope);
    for (const [prefix, uri] of declared) extended.set(prefix, uri);
    scope = extended;
  }
  const namespaces = scope === rendered ? '' : renderNamespaceDeclarations(scope, rendered);
  const name = element.nodeName;
  return `<${name}${namespaces}${renderAttributes(element)}>${canonicalizeChildNodes(element, scope, exclude)}</${name}>`;
}

/** Canonical form of a document subset consisting of the subtree rooted at `element` (e.g. SignedInfo). */
export function canonicalizeSubtree(element: Element): string {
  const parent = element.parentNode;
  const parentScope = parent && parent.nodeType === NodeType.element ? inScopeNamespaces(parent as Element) : EMPTY_SCOPE;
  return canonicalizeElement(element, parentScope, EMPTY_SCOPE);
}
