// The direct writer of the compact XML against xmlbuilder2 (its reference): the same bytes for every tree, and
// xmlbuilder2's own answer (or refusal) for what the writer does not write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serializeXmlTree, serializeXmlTreeWithBuilder, type SerializeOptions, type XmlNode } from './xml-node.ts';
import { buildStandardXml, STANDARD_XML_ROOT, standardXmlTree } from './standard-xml.ts';
import { sampleAmendedInvoice, sampleAmendedTaxInvoice, sampleInvoice, sampleTaxInvoice } from './sample-documents.ts';
import { validateDocument } from './validate-document.ts';

const XMLNS = 'http://www.w3.org/2000/xmlns/';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const OPTS = STANDARD_XML_ROOT;

/** Mulberry32: the same trees on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// what text can hold, and what it should not but might: markup characters, entity-shaped text, CR/LF/tab, Korean,
// a surrogate pair, lone surrogates, C0 controls, U+FFFD/FFFE/FFFF
const PIECES = ['a', '한글', ' ', '&', '<', '>', '"', "'", '&amp;', '&#13;', '&lt;', 'R&D;', ']]>', '\r', '\n', '\r\n', '\t', '😀', '\ud800', '\udc00', '\u0001', '\u001f', '\ufffd', '\ufffe', '\uffff', '0', '-'];
const NAMES = ['TaxInvoice', 'A', 'B', 'NameText', 'x.y', '_z', 'C-1'];

function text(rnd: () => number): string {
  let s = '';
  const n = Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rnd() * PIECES.length)];
  return s;
}

function tree(rnd: () => number, depth: number): XmlNode {
  const node: XmlNode = { name: NAMES[Math.floor(rnd() * NAMES.length)]! };
  if (rnd() < 0.6) node.text = text(rnd);
  if (depth > 0 && rnd() < 0.7) node.children = Array.from({ length: Math.floor(rnd() * 4) }, () => tree(rnd, depth - 1));
  return node;
}

test('2,000 random trees (markup characters, CR, surrogates, controls, empty text and elements): the same bytes as xmlbuilder2', () => {
  const rnd = random(20261207);
  for (let i = 0; i < 2000; i++) {
    const root = tree(rnd, 4);
    assert.equal(serializeXmlTree(root, OPTS), serializeXmlTreeWithBuilder(root, OPTS), JSON.stringify(root));
  }
});

test('the standard XML of the sample documents: the same bytes as xmlbuilder2', () => {
  const meta = { issueId: '202611234100000100000001', issueDateTime: new Date('2026-11-23T01:02:03Z') };
  for (const sample of [sampleTaxInvoice(), sampleInvoice(), sampleAmendedTaxInvoice(), sampleAmendedInvoice()]) {
    const doc = validateDocument(sample);
    const written = buildStandardXml(doc, meta);
    assert.equal(written, serializeXmlTreeWithBuilder(standardXmlTree(doc, meta), OPTS));
    assert.ok(written.startsWith('<?xml version="1.0" encoding="UTF-8"?><TaxInvoice xmlns="'));
  }
});

test("the root's tag as xmlbuilder2 writes it (attributes needing escapes, a prefix of its own); a bad name and the pretty form go to xmlbuilder2", () => {
  const root: XmlNode = { name: 'TaxInvoice', children: [{ name: 'A', text: 'x' }] };
  const quoted: SerializeOptions = { namespace: 'urn:x', attributes: [[XSI, 'xsi:schemaLocation', 'a "b" & <c>']] };
  assert.equal(serializeXmlTree(root, quoted), serializeXmlTreeWithBuilder(root, quoted));
  assert.match(serializeXmlTree(root, quoted), /xsi:schemaLocation="a &quot;b&quot; &amp; &lt;c&gt;"/);
  // a prefixed attribute before its prefix's declaration, or in another namespace: xmlbuilder2 declares a prefix itself
  for (const attributes of [
    [[XSI, 'xsi:schemaLocation', 'urn:x a.xsd'], [XMLNS, 'xmlns:xsi', XSI]],
    [[XMLNS, 'xmlns:xsi', XSI], ['urn:other', 'xsi:schemaLocation', 'urn:x a.xsd']],
  ] as const) {
    const o: SerializeOptions = { namespace: 'urn:x', attributes };
    assert.equal(serializeXmlTree(root, o), serializeXmlTreeWithBuilder(root, o));
  }
  const bad: XmlNode = { name: 'TaxInvoice', children: [{ name: '1bad', text: 'x' }] };
  assert.throws(() => serializeXmlTreeWithBuilder(bad, OPTS));
  assert.throws(() => serializeXmlTree(bad, OPTS));
  const pretty = { ...OPTS, prettyPrint: true };
  assert.equal(serializeXmlTree(root, pretty), serializeXmlTreeWithBuilder(root, pretty));
  assert.ok(serializeXmlTree(root, pretty).includes('\n'));
});
