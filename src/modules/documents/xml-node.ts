/**
 * A tiny element tree for building the standard XML: section builders return plain nodes (easy to test
 * and to compose); `serializeXmlTree` turns the tree into text with xmlbuilder2 (namespaces; escaping through
 * `xmlBuilderText`, since xmlbuilder2 alone keeps entity-like text as markup).
 */
import { create } from 'xmlbuilder2';
import { xmlBuilderText } from '../../platform/xml-text.ts';

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
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const el = doc.ele(opts.namespace, root.name);
  for (const [ns, qname, value] of opts.attributes ?? []) el.att(ns, qname, xmlBuilderText(value));
  if (root.text !== undefined) el.txt(xmlBuilderText(root.text));
  for (const child of root.children ?? []) append(el, child);
  return doc.end({ prettyPrint: opts.prettyPrint ?? false });
}
