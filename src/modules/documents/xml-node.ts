/**
 * A tiny element tree for building the standard XML: section builders return plain nodes (easy to test
 * and to compose); `serializeXmlTree` turns the tree into text. The compact form (every mail's attachment, every
 * download) is written directly, in one walk of the tree; the same bytes as xmlbuilder2 writes
 * (`serializeXmlTreeWithBuilder`: namespaces, escaping through `xmlBuilderText`, since xmlbuilder2 alone keeps
 * entity-like text as markup), which xml-node.test.ts holds equal; the XML declaration and the root's open tag are
 * xmlbuilder2's own. The pretty-printed form, and a tree with an element name the writer does not check, go through
 * xmlbuilder2.
 */
import { create } from 'xmlbuilder2';
import { xmlBuilderText, xmlText } from '../../platform/xml-text.ts';

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

class CompactWriter {
  out = '';

  /** false: a name the writer does not write (the caller falls back to xmlbuilder2). */
  element(node: XmlNode, openTag = `<${node.name}>`): boolean {
    if (!PLAIN_NAME.test(node.name)) return false;
    const children = node.children;
    if (node.text === undefined && (children === undefined || children.length === 0)) {
      this.out += `${openTag.slice(0, -1)}/>`;
      return true;
    }
    this.out += openTag;
    if (node.text !== undefined) this.out += xmlText(node.text);
    if (children) for (const child of children) if (!this.element(child)) return false;
    this.out += `</${node.name}>`;
    return true;
  }
}

/**
 * The XML declaration and the root's open tag, as xmlbuilder2 writes them for these options: taken from xmlbuilder2
 * itself (an empty root, `<R …/>` made `<R …>`), once per root name and options, so the direct writer never writes
 * namespaces or attributes of its own.
 */
const rootTags = new Map<string, string>();
function rootOpenTag(name: string, opts: SerializeOptions): string {
  const key = JSON.stringify([name, opts.namespace, opts.attributes ?? []]);
  let tag = rootTags.get(key);
  if (tag === undefined) {
    tag = `${serializeXmlTreeWithBuilder({ name }, opts).slice(0, -2)}>`;
    if (rootTags.size < 100) rootTags.set(key, tag);
  }
  return tag;
}

/** The compact form written directly, or undefined for a tree with a name outside what the writer checks. */
function writeCompact(root: XmlNode, opts: SerializeOptions): string | undefined {
  if (!PLAIN_NAME.test(root.name)) return undefined;
  const writer = new CompactWriter();
  return writer.element(root, rootOpenTag(root.name, opts)) ? writer.out : undefined;
}
