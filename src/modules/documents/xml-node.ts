/**
 * A tiny element tree for building the standard XML: section builders return plain nodes (easy to test
 * and to compose); `serializeXmlTree` turns the tree into text. The compact form (every mail's attachment, every
 * download) is written directly, in one walk of the tree; the same bytes as xmlbuilder2 writes
 * (`serializeXmlTreeWithBuilder`: namespaces, escaping through `xmlBuilderText`, since xmlbuilder2 alone keeps
 * entity-like text as markup), which xml-node.test.ts holds equal. The pretty-printed form, and a tree the direct
 * writer does not write (a name or root attribute value outside what it checks), go through xmlbuilder2.
 */
import { create } from 'xmlbuilder2';
import { replaceNonXmlCharacters, xmlBuilderText } from '../../platform/xml-text.ts';

type XMLBuilder = ReturnType<typeof create>;

export interface XmlNode {
  name: string;
  text?: string;
  children?: XmlNode[];
}

/** A leaf element, or nothing when the value is absent (optional elements are omitted, never empty). */
export function leaf(name: string, value: string | number | undefined): XmlNode | undefined {
  if (value === undefined || value === '') return undefined;
  return { name, text: String(value) };
}

/** A container element with its present children, or nothing when none is present. */
export function group(name: string, children: ReadonlyArray<XmlNode | undefined>): XmlNode | undefined {
  const present = children.filter((c): c is XmlNode => c !== undefined);
  return present.length === 0 ? undefined : { name, children: present };
}

/** Like `group`, but always emitted (for required containers). */
export function required(name: string, children: ReadonlyArray<XmlNode | undefined>): XmlNode {
  return { name, children: children.filter((c): c is XmlNode => c !== undefined) };
}

function append(parent: XMLBuilder, node: XmlNode): void {
  const el = parent.ele(node.name);
  if (node.text !== undefined) el.txt(xmlBuilderText(node.text));
  for (const child of node.children ?? []) append(el, child);
}

export interface SerializeOptions {
  /** Default namespace of the root (inherited by every element). */
  namespace: string;
  /** Extra root attributes: [namespace URI, qualified name, value]. */
  attributes?: ReadonlyArray<readonly [string, string, string]>;
  prettyPrint?: boolean;
}

/** `<?xml version="1.0" encoding="UTF-8"?>` + the tree. */
export function serializeXmlTree(root: XmlNode, opts: SerializeOptions): string {
  return (!opts.prettyPrint && writeCompact(root, opts)) || serializeXmlTreeWithBuilder(root, opts);
}

/** `serializeXmlTree` through xmlbuilder2's DOM: the pretty-printed form, and the reference of the direct writer. */
export function serializeXmlTreeWithBuilder(root: XmlNode, opts: SerializeOptions): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const el = doc.ele(opts.namespace, root.name);
  for (const [ns, qname, value] of opts.attributes ?? []) el.att(ns, qname, xmlBuilderText(value));
  if (root.text !== undefined) el.txt(xmlBuilderText(root.text));
  for (const child of root.children ?? []) append(el, child);
  return doc.end({ prettyPrint: opts.prettyPrint ?? false });
}

/** Element names the direct writer writes (xmlbuilder2 checks the others, and refuses the bad ones). */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** Root attribute names (a prefix allowed) and values the direct writer writes as they are. */
const PLAIN_QNAME = /^[A-Za-z_][A-Za-z0-9_.-]*(:[A-Za-z_][A-Za-z0-9_.-]*)?$/;
const ATTRIBUTE_NEEDS_WORK = /[&<>"\t\n\r]/;
const TEXT_SPECIALS = /[&<>\r]/g;
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };

class CompactWriter {
  out = '<?xml version="1.0" encoding="UTF-8"?>';

  /** false: a name the writer does not write (the caller falls back to xmlbuilder2). */
  element(node: XmlNode, attributes = ''): boolean {
    if (!PLAIN_NAME.test(node.name)) return false;
    const children = node.children;
    if (node.text === undefined && (children === undefined || children.length === 0)) {
      this.out += `<${node.name}${attributes}/>`;
      return true;
    }
    this.out += `<${node.name}${attributes}>`;
    // as xmlbuilder2 writes xmlBuilderText's output: every & escaped, < and > too, CR as &#13;, non-XML characters U+FFFD
    if (node.text !== undefined) this.out += replaceNonXmlCharacters(node.text).replace(TEXT_SPECIALS, (c) => TEXT_ESCAPES[c]!);
    if (children) for (const child of children) if (!this.element(child)) return false;
    this.out += `</${node.name}>`;
    return true;
  }
}

const XMLNS_URI = 'http://www.w3.org/2000/xmlns/';

/** Written as it is: a name and value nothing needs escaping in. */
const plainAttribute = (name: string, value: string) => PLAIN_QNAME.test(name) && !ATTRIBUTE_NEEDS_WORK.test(value) && replaceNonXmlCharacters(value) === value;

/**
 * The compact form written directly, or undefined for a tree outside what the writer checks. A root attribute is
 * written as given only in the order xmlbuilder2 would keep: a prefixed one after its prefix's declaration, in the
 * same namespace; anything else (where xmlbuilder2 would declare a prefix of its own) goes to xmlbuilder2.
 */
function writeCompact(root: XmlNode, opts: SerializeOptions): string | undefined {
  if (!plainAttribute('xmlns', opts.namespace)) return undefined;
  let attributes = ` xmlns="${opts.namespace}"`;
  const declared = new Map<string, string>();
  for (const [ns, qname, value] of opts.attributes ?? []) {
    if (!plainAttribute(qname, value)) return undefined;
    const [prefix, local] = qname.includes(':') ? qname.split(':') : ['', qname];
    if (prefix === 'xmlns') {
      if (ns !== XMLNS_URI) return undefined;
      declared.set(local!, value);
    } else if (prefix === '' ? ns !== '' : declared.get(prefix!) !== ns) return undefined;
    attributes += ` ${qname}="${value}"`;
  }
  const writer = new CompactWriter();
  return writer.element(root, attributes) ? writer.out : undefined;
}
