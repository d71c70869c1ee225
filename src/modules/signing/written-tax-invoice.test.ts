// Issue 13 item 2: the direct writer (one walk over the tree: serialized XML + canonical digest input) must give
// exactly what the generic path gives for the same invoice: buildStandardXml (xmlbuilder2) → parse → layout
// check → C14N + XPath filter → digest → SignedInfo → RSA → splice. Every case below compares the two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { AppError } from '../../platform/errors.ts';
import { buildStandardXml, STANDARD_XML_ROOT, standardXmlTree, writtenStandardXml, type StandardXmlMeta } from '../documents/standard-xml.ts';
import { TAX_INVOICE_NAMESPACE, TAX_INVOICE_SCHEMA_LOCATION, XSI_NAMESPACE } from '../documents/standard-xml-namespace.ts';
import { sampleAmendedInvoice, sampleAmendedTaxInvoice, sampleInvoice, sampleTaxInvoice } from '../documents/sample-documents.ts';
import { validateDocument } from '../documents/validate-document.ts';
import { serializeXmlTreeWithBuilder, type XmlNode } from '../documents/xml-node.ts';
import type { DocumentInput } from '../documents/model.ts';
import { loadNpkiPrivateKey } from './npki-private-key.ts';
import { computeTaxInvoiceSignature, signTaxInvoice, verifyTaxInvoice } from './tax-invoice-signature.ts';
import { computeWrittenTaxInvoiceSignature, signWrittenTaxInvoice, type WrittenTaxInvoice } from './written-tax-invoice.ts';
import { referencePath } from '../../../test/support/reference.ts';

const FIXTURE = referencePath('npki-test-fixture');
const { privateKey } = loadNpkiPrivateKey(readFileSync(`${FIXTURE}/signPri.key`), 'Test1234!');
const certDer = readFileSync(`${FIXTURE}/signCert.der`);

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
const meta = (extra: Partial<StandardXmlMeta> = {}): StandardXmlMeta => ({
  issueId: '201607184200023800000001',
  issueDateTime: new Date('2016-07-18T15:30:05Z'),
  exchangeId: 'HB-2016-0001',
  ...extra,
});

/** The generic path's view of some serialized XML, next to the direct writer's for the same tree. */
function assertSameAsGeneric(written: WrittenTaxInvoice, serialized: string, name: string, withRsa = true): void {
  assert.ok(serialized.startsWith(DECLARATION), name);
  const direct = computeWrittenTaxInvoiceSignature(written);
  assert.equal(direct.before + direct.after, serialized.slice(DECLARATION.length), `${name}: serialized XML`);
  assert.ok(direct.after.startsWith('<TaxInvoiceDocument>'), name);
  const generic = computeTaxInvoiceSignature(serialized);
  assert.equal(direct.digestInput, generic.digestInput, `${name}: canonical digest input`);
  assert.equal(direct.digestValue, generic.digestValue, `${name}: digest`);
  assert.equal(direct.canonicalSignedInfo, generic.canonicalSignedInfo, `${name}: canonical SignedInfo`);
  if (!withRsa) return;
  const signed = signWrittenTaxInvoice(written, privateKey, certDer);
  assert.equal(signed, signTaxInvoice(serialized, privateKey, certDer), `${name}: signed file`);
  const verified = verifyTaxInvoice(signed);
  assert.equal(verified.valid, true, `${name}: ${verified.reason}`);
}

function assertDocumentSame(input: DocumentInput, name: string, m: StandardXmlMeta = meta(), withRsa = true): void {
  const doc = validateDocument(input);
  assertSameAsGeneric(writtenStandardXml(doc, m), buildStandardXml(doc, m), name, withRsa);
}

// --- documents ------------------------------------------------------------------------------------

test('the four certification kinds (0101, 0201 amended, 0301, 0401 amended) sign identically on both paths', () => {
  for (const [name, make] of Object.entries({ sampleTaxInvoice, sampleAmendedTaxInvoice, sampleInvoice, sampleAmendedInvoice })) {
    assertDocumentSame(make(), name);
  }
});

test('Korean text and the XML specials & < > " \' (entity-like text, CDATA ends) in every kind of field', () => {
  const doc = sampleTaxInvoice();
  doc.supplier = { ...doc.supplier, name: '(주)R&D; 연구소 <본점>', ceoName: '김 "대표"', address: "서울 'A'동 & B동 ]]> 끝" };
  doc.buyer = { ...doc.buyer, name: 'a &lt; b &amp; c &#60; d', businessItem: 'S/W > H/W', contacts: [{ name: '홍과장', email: 'tax@buyer.example' }] };
  doc.lines[0] = { ...doc.lines[0]!, name: '유지보수 <1차> & "특별" \'할인\'', spec: '&nbsp;규격', remark: 'Ω ☃ 𝄞 😀 한글' };
  doc.remarks = ['첫째 줄\r\n둘째 줄\r셋째\t탭\n넷째', '<![CDATA[x]]>', '&#xD;'];
  assertDocumentSame(doc, 'specials');
});

test('U+FFFD: the validator refuses it naming the field (the parser refuses U+FFFD, so it would fail at filing)', () => {
  assert.throws(() => validateDocument({ ...sampleTaxInvoice(), remarks: ['깨진 글자 \uFFFD'] }), (err) => err instanceof AppError && err.code === 'field_invalid' && err.field === 'remarks[0]');
});

test('empty optional parts: no payments, contacts, addresses, remarks, exchange id; individual and foreign buyers', () => {
  const doc = sampleTaxInvoice();
  delete doc.payments;
  delete doc.remarks;
  doc.supplier = { bizno: doc.supplier.bizno, name: '공급자', ceoName: '김공급' };
  doc.buyer = { idType: 'business', id: doc.buyer.id, name: '구매자' };
  doc.lines = [{ supply: 220000, tax: 22000 }];
  assertDocumentSame(doc, 'minimal', meta({ exchangeId: undefined }));
  assertDocumentSame(doc, 'minimal with 관리번호', meta({ referencedDocumentId: 'REF-1' }));
  assertDocumentSame({ ...doc, buyer: { idType: 'resident', id: '8001011234560', name: '홍길동' } }, 'resident buyer');
  assertDocumentSame({ ...doc, buyer: { idType: 'foreigner', id: '9999999999999', name: 'John Doe' }, remarks: ['M12345678'] }, 'foreign buyer');
});

test('99 lines, consignment (BrokerParty), both buyer contacts, three remarks', () => {
  const doc = sampleTaxInvoice();
  doc.lines = Array.from({ length: 99 }, (_, i) => ({
    month: 7,
    day: 1 + (i % 31),
    name: `품목 ${i + 1} <${i}> & 부품`,
    spec: i % 2 ? `규격-${i}` : undefined,
    quantity: String(i + 1),
    unitPrice: '1000',
    supply: (i + 1) * 1000,
    tax: (i + 1) * 100,
    remark: i % 3 ? undefined : `비고 ${i}`,
  }));
  const supply = doc.lines.reduce((s, l) => s + l.supply, 0);
  const tax = doc.lines.reduce((s, l) => s + l.tax, 0);
  doc.amounts = { supply, tax, total: supply + tax };
  doc.payments = { cash: 1000, credit: supply + tax - 1000 };
  doc.buyer = { ...doc.buyer, contacts: [{ name: '담당1', email: 'a@buyer.example', department: '재무', tel: '02-000-0000' }, { name: '담당2', email: 'b@buyer.example' }] };
  doc.remarks = ['하나', '둘', '셋'];
  assertDocumentSame(doc, '99 lines');
  const consigned = sampleTaxInvoice();
  consigned.consignment = true;
  consigned.trustee = { bizno: '2208812340', name: '(주)수탁자 & Co', ceoName: '박수탁', address: '부산' };
  assertDocumentSame(consigned, 'consignment');
});

test('any text a field accepts gives the same bytes on both paths (property)', () => {
  const TOKENS = ['&', '<', '>', '"', "'", ';', '#', '&lt;', '&amp;', '&nbsp;', '&#60;', '&#xD;', ']]>', '<![CDATA[', 'R&D;', '연구소', '가', '😀', ' ', 'A', '\t', '\uFFFD'];
  const piece = fc.oneof(fc.constantFrom(...TOKENS), fc.string({ unit: 'grapheme', maxLength: 3 }));
  const text = fc.array(piece, { minLength: 1, maxLength: 8 }).map((p) => p.join(''));
  const multiline = fc.array(fc.oneof(piece, fc.constantFrom('\n', '\r\n', '\r')), { minLength: 1, maxLength: 10 }).map((p) => p.join(''));
  let cases = 0;
  let compared = 0;
  fc.assert(
    fc.property(text, text, text, multiline, (name, ceo, line, remark) => {
      const input = sampleAmendedTaxInvoice();
      input.supplier = { ...input.supplier, name, ceoName: ceo };
      input.lines[0] = { ...input.lines[0]!, name: line };
      input.remarks = [remark];
      let doc: DocumentInput;
      try {
        doc = validateDocument(input);
      } catch (err) {
        if (err instanceof AppError) return; // a field refuses the text: not a case
        throw err;
      }
      cases++;
      const label = JSON.stringify([name, ceo, line, remark]);
      const serialized = buildStandardXml(doc, meta());
      let genericRefusal: unknown;
      try {
        computeTaxInvoiceSignature(serialized);
      } catch (err) {
        genericRefusal = err;
      }
      // every text the validator accepts is signable (U+FFFD, which the parser refuses, is refused at validation)
      assert.equal(genericRefusal, undefined, `${label}: ${String(genericRefusal)}`);
      compared++;
      return assertSameAsGeneric(writtenStandardXml(doc, meta()), serialized, label, false);
    }),
    { numRuns: 300 },
  );
  assert.ok(compared > 100 && compared === cases, `${cases} valid documents, ${compared} signed: every accepted one`);
});

// --- trees the validator would not let through ----------------------------------------------------

function treeInvoice(children: XmlNode[]): { written: WrittenTaxInvoice; serialized: string } {
  const root: XmlNode = { name: 'TaxInvoice', children };
  return {
    written: { root, namespace: TAX_INVOICE_NAMESPACE, namespaces: [['xsi', XSI_NAMESPACE]], attributes: [['xsi:schemaLocation', TAX_INVOICE_SCHEMA_LOCATION]] },
    serialized: serializeXmlTreeWithBuilder(root, STANDARD_XML_ROOT),
  };
}

test('surrogate pairs, BMP edges, empty elements, empty text, text beside children: same as xmlbuilder2 + C14N', () => {
  const base = standardXmlTree(validateDocument(sampleTaxInvoice()), meta());
  const [exchanged, invoiceDocument, ...rest] = base.children!;
  const odd: XmlNode = {
    name: 'TaxInvoiceTradeLineItem',
    children: [
      { name: 'NameText', text: 'pair 😀 𝄞, BMP edge \ufffc\ud7ff\ue000, tab\t, LF\n, CR\r end' },
      { name: 'Empty' },
      { name: 'EmptyText', text: '' },
      { name: 'Mixed', text: 'a\rb', children: [{ name: 'Inner', text: '>' }, { name: 'Empty' }] },
    ],
  };
  const { written, serialized } = treeInvoice([exchanged!, invoiceDocument!, ...rest, odd]);
  assertSameAsGeneric(written, serialized, 'odd tree');
  // ExchangedDocument need not come first, and may be absent
  const reordered = treeInvoice([invoiceDocument!, exchanged!, ...rest]);
  assertSameAsGeneric(reordered.written, reordered.serialized, 'ExchangedDocument after TaxInvoiceDocument');
  const bare = treeInvoice([invoiceDocument!, ...rest]);
  assertSameAsGeneric(bare.written, bare.serialized, 'no ExchangedDocument');
});

test('both paths refuse the layouts the XPath-filter profile forbids', () => {
  const base = standardXmlTree(validateDocument(sampleTaxInvoice()), meta());
  const [exchanged, invoiceDocument, settlement, ...lines] = base.children!;
  const isXmlError = (err: unknown) => err instanceof AppError && err.code === 'field_invalid' && err.field === 'xml';
  const nested = (name: string): XmlNode => ({ ...settlement!, children: [...settlement!.children!, { name, children: [{ name: 'ID', text: '1' }] }] });
  const cases: Record<string, XmlNode[]> = {
    'no TaxInvoiceDocument': [exchanged!, settlement!, ...lines],
    'two TaxInvoiceDocuments': [exchanged!, invoiceDocument!, invoiceDocument!, settlement!, ...lines],
    'two ExchangedDocuments': [exchanged!, exchanged!, invoiceDocument!, settlement!, ...lines],
    'nested ExchangedDocument': [exchanged!, invoiceDocument!, nested('ExchangedDocument'), ...lines],
    'nested TaxInvoice': [exchanged!, invoiceDocument!, nested('TaxInvoice'), ...lines],
    'TaxInvoice at the root': [exchanged!, invoiceDocument!, { name: 'TaxInvoice', children: [{ name: 'ID', text: '1' }] }, ...lines],
    // xmlbuilder2's input makes these U+FFFD, which the parser refuses
    ...Object.fromEntries(
      ['\u0001', '\u0008', '\u000b', '\u001f', '\ud800', '\udc00', '\ufffe', '\uffff', '\ufffd'].map((c) => [
        `text with U+${c.charCodeAt(0).toString(16)}`,
        [exchanged!, invoiceDocument!, settlement!, { name: 'TaxInvoiceTradeLineItem', children: [{ name: 'NameText', text: `a${c}b` }] }],
      ]),
    ),
    'unknown element in the unsigned ExchangedDocument': [{ ...exchanged!, children: [...exchanged!.children!, { name: 'GrandTotalAmount', text: '1' }] }, invoiceDocument!, settlement!, ...lines],
  };
  for (const [name, children] of Object.entries(cases)) {
    const { written, serialized } = treeInvoice(children);
    assert.throws(() => computeTaxInvoiceSignature(serialized), isXmlError, `generic: ${name}`);
    assert.throws(() => computeWrittenTaxInvoiceSignature(written), isXmlError, `direct: ${name}`);
    assert.throws(() => signWrittenTaxInvoice(written, privateKey, certDer), isXmlError, `direct sign: ${name}`);
  }
  // what the writer does not model is refused, never written wrong
  const written = writtenStandardXml(validateDocument(sampleTaxInvoice()), meta());
  const refused: Record<string, WrittenTaxInvoice> = {
    'a prefixed element name': { ...written, root: { ...written.root, children: [...written.root.children!, { name: 'ds:Signature', text: 'x' }] } },
    'another root namespace': { ...written, namespace: 'urn:other' },
    'another root element': { ...written, root: { ...written.root, name: 'Invoice' } },
    'an attribute value needing escapes': { ...written, attributes: [['xsi:schemaLocation', 'a "b"']] },
    'an xmlns attribute': { ...written, attributes: [['xmlns:ds', 'urn:x']] },
    'a duplicate prefix': { ...written, namespaces: [['xsi', XSI_NAMESPACE], ['xsi', 'urn:x']] },
  };
  for (const [name, invoice] of Object.entries(refused)) assert.throws(() => computeWrittenTaxInvoiceSignature(invoice), isXmlError, name);
});

test('the direct signer checks the key like signTaxInvoice', () => {
  const written = writtenStandardXml(validateDocument(sampleTaxInvoice()), meta());
  const isKeyError = (err: unknown) => err instanceof AppError && err.code === 'certificate_invalid';
  assert.throws(() => signWrittenTaxInvoice(written, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, certDer), isKeyError);
  assert.throws(() => signWrittenTaxInvoice(written, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, certDer), isKeyError);
  assert.throws(() => signWrittenTaxInvoice(written, privateKey, certDer.subarray(0, 50)), isKeyError);
});
