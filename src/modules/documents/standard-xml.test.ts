import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildStandardXml, listElementPaths, parseStandardXml, StandardXmlError, type StandardXmlMeta } from './standard-xml.ts';
import { sampleAmendedInvoice, sampleAmendedTaxInvoice, sampleInvoice, sampleTaxInvoice } from './sample-documents.ts';
import { validateDocument } from './validate-document.ts';
import { typeCodeOf } from './type-code.ts';
import type { DocumentInput } from './model.ts';
import { referencePath } from '../../../test/support/reference.ts';

const REFERENCE = referencePath('');
const sampleXml = (code: string) => readFileSync(`${REFERENCE}/kec-taxinvoice/open-etaxbill-core_unitest_1-${code}.xml`, 'utf8');

const meta = (issueId: string, extra: Partial<StandardXmlMeta> = {}): StandardXmlMeta => ({
  issueId,
  issueDateTime: new Date('2016-07-18T00:00:00Z'), // 09:00 KST
  exchangeId: issueId,
  ...extra,
});

/** Texts of every element with this (unprefixed) name, in document order. */
function elementTexts(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]!);
}

const kinds: Array<{ code: string; make: () => DocumentInput; issueId: string }> = [
  { code: '0101', make: sampleTaxInvoice, issueId: '201607184200023800000001' },
  { code: '0201', make: sampleAmendedTaxInvoice, issueId: '201607204200023800000001' },
  { code: '0301', make: sampleInvoice, issueId: '201607184200023800000003' },
  { code: '0401', make: sampleAmendedInvoice, issueId: '201607204200023800000004' },
];

for (const k of kinds) {
  test(`${k.code}: element paths and order equal the open-etaxbill sample`, () => {
    const doc = validateDocument(k.make());
    assert.equal(typeCodeOf(doc), k.code);
    const xml = buildStandardXml(doc, meta(k.issueId));
    assert.deepEqual(listElementPaths(xml), listElementPaths(sampleXml(k.code)));
  });

  test(`${k.code}: codes and amounts equal the sample's`, () => {
    const xml = buildStandardXml(validateDocument(k.make()), meta(k.issueId));
    const elements = ['TypeCode', 'PurposeCode', 'AmendmentStatusCode', 'PaidAmount', 'ChargeTotalAmount', 'TaxTotalAmount', 'GrandTotalAmount', 'InvoiceAmount', 'ChargeableUnitQuantity', 'CalculatedAmount', 'UnitAmount', 'BusinessTypeCode'];
    const sample = sampleXml(k.code);
    for (const el of elements) {
      const numeric = (x: string) => elementTexts(x, el).filter((t) => /^-?\d+$/.test(t));
      assert.deepEqual(numeric(xml), numeric(sample), el);
    }
  });
}

test('XML prolog, namespace, schema location; compact by default', () => {
  const xml = buildStandardXml(sampleTaxInvoice(), meta('201607184200023800000001'));
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><TaxInvoice xmlns="urn:kr:or:kec:standard:Tax:ReusableAggregateBusinessInformationEntitySchemaModule:1:0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:kr:or:kec:standard:Tax:ReusableAggregateBusinessInformationEntitySchemaModule:1:0 http://www.kec.or.kr/standard/Tax/TaxInvoiceSchemaModule_1.0.xsd">'));
  assert.ok(!/>\s+</.test(xml), 'no whitespace between elements');
});

test('issue date-time is written in KST', () => {
  const xml = buildStandardXml(sampleTaxInvoice(), meta('201607184200023800000001', { issueDateTime: new Date('2016-07-18T15:30:05Z') }));
  assert.equal(parseStandardXml(xml).issueDateTime, '20160719003005');
});

test('a bad issue id is a programming error', () => {
  assert.throws(() => buildStandardXml(sampleTaxInvoice(), meta('2016071842000238')), RangeError);
});

/** A document using every optional element we write. */
function richDocument(): DocumentInput {
  return validateDocument({
    kind: 'tax_invoice',
    taxType: 'zero_rated',
    consignment: true,
    trustee: { bizno: '1048137225', subBizno: '0002', name: '수탁 & 회사', ceoName: '박수탁', contact: { email: 'trustee@example.com' }, address: '부산' },
    purpose: 'receipt',
    writeDate: '20240229',
    supplier: { bizno: '2208203228', subBizno: '0001', name: '공급 <주>', ceoName: '김대표', businessType: '도매', businessItem: '전자부품' },
    buyer: {
      idType: 'resident',
      id: '8001011234560',
      name: '홍길동',
      contacts: [{ name: '홍길동', email: 'hong@example.com' }, { department: '경리', tel: '02-000-0000', email: 'cc@example.com' }],
    },
    remarks: ['비고1', '비고2 "따옴표"', '비고3'],
    amounts: { supply: 1500, tax: 0, total: 1500 },
    lines: [
      { month: 2, day: 29, name: '품목A', spec: '10x10', quantity: '1.5', unitPrice: '1000', supply: 1500, tax: 0, remark: '라인 비고' },
      { name: '무료 샘플', supply: 0, tax: 0 },
    ],
  });
}

test('optional sections: remarks, broker, sub-biznos, secondary contact, no payment means', () => {
  const doc = richDocument();
  const xml = buildStandardXml(doc, meta('202402294200023800000001', { exchangeId: undefined, referencedDocumentId: 'DOC-1' }));
  const paths = listElementPaths(xml);
  const at = (p: string) => paths.indexOf(p);
  assert.equal(at('/TaxInvoice/ExchangedDocument/ID'), -1);
  assert.ok(at('/TaxInvoice/ExchangedDocument/ReferencedDocument/ID') > 0);
  assert.deepEqual(paths.filter((p) => p.startsWith('/TaxInvoice/TaxInvoiceDocument/')), [
    '/TaxInvoice/TaxInvoiceDocument/IssueID',
    '/TaxInvoice/TaxInvoiceDocument/TypeCode',
    '/TaxInvoice/TaxInvoiceDocument/DescriptionText',
    '/TaxInvoice/TaxInvoiceDocument/DescriptionText',
    '/TaxInvoice/TaxInvoiceDocument/DescriptionText',
    '/TaxInvoice/TaxInvoiceDocument/IssueDateTime',
    '/TaxInvoice/TaxInvoiceDocument/PurposeCode',
  ]);
  assert.ok(at('/TaxInvoice/TaxInvoiceTradeSettlement/InvoiceeParty') < at('/TaxInvoice/TaxInvoiceTradeSettlement/BrokerParty'));
  assert.ok(at('/TaxInvoice/TaxInvoiceTradeSettlement/BrokerParty') < at('/TaxInvoice/TaxInvoiceTradeSettlement/SpecifiedMonetarySummation'));
  assert.equal(at('/TaxInvoice/TaxInvoiceTradeSettlement/SpecifiedPaymentMeans'), -1);
  assert.ok(at('/TaxInvoice/TaxInvoiceTradeSettlement/InvoiceeParty/SecondaryDefinedContact') > 0);
  assert.deepEqual(paths.filter((p) => p.startsWith('/TaxInvoice/TaxInvoiceTradeSettlement/InvoiceeParty/SpecifiedOrganization/')), [
    '/TaxInvoice/TaxInvoiceTradeSettlement/InvoiceeParty/SpecifiedOrganization/BusinessTypeCode',
  ]);
  assert.deepEqual(paths.filter((p) => p.startsWith('/TaxInvoice/TaxInvoiceTradeLineItem/')).slice(0, 10), [
    '/TaxInvoice/TaxInvoiceTradeLineItem/SequenceNumeric',
    '/TaxInvoice/TaxInvoiceTradeLineItem/DescriptionText',
    '/TaxInvoice/TaxInvoiceTradeLineItem/InvoiceAmount',
    '/TaxInvoice/TaxInvoiceTradeLineItem/ChargeableUnitQuantity',
    '/TaxInvoice/TaxInvoiceTradeLineItem/InformationText',
    '/TaxInvoice/TaxInvoiceTradeLineItem/NameText',
    '/TaxInvoice/TaxInvoiceTradeLineItem/PurchaseExpiryDateTime',
    '/TaxInvoice/TaxInvoiceTradeLineItem/TotalTax',
    '/TaxInvoice/TaxInvoiceTradeLineItem/TotalTax/CalculatedAmount',
    '/TaxInvoice/TaxInvoiceTradeLineItem/UnitPrice',
  ]);
});

/** What the parser should read back from a document. */
function expectedParse(doc: DocumentInput, issueId: string) {
  return {
    issueId,
    typeCode: typeCodeOf(doc),
    writeDate: doc.writeDate,
    purposeCode: doc.purpose === 'receipt' ? '01' : '02',
    amendmentStatusCode: doc.amendment?.reasonCode,
    originalIssueId: doc.amendment?.originalIssueId,
    remarks: doc.remarks ?? [],
    invoicerId: doc.supplier.bizno,
    invoicerSub: doc.supplier.subBizno,
    invoiceeId: doc.buyer.id,
    invoiceeKind: { business: '01', resident: '02', foreigner: '03' }[doc.buyer.idType],
    invoiceeEmail: doc.buyer.contacts?.[0]?.email,
    brokerId: doc.trustee?.bizno,
    amounts: { supply: String(doc.amounts.supply), tax: String(doc.amounts.tax), total: String(doc.amounts.total) },
    lines: doc.lines.map((l) => ({ supply: String(l.supply), tax: String(l.tax), quantity: l.quantity, unitPrice: l.unitPrice })),
  };
}

for (const [name, make, issueId] of [
  ['0101', sampleTaxInvoice, '201607184200023800000001'],
  ['0201', sampleAmendedTaxInvoice, '201607204200023800000001'],
  ['0301', sampleInvoice, '201607184200023800000003'],
  ['0401', sampleAmendedInvoice, '201607204200023800000004'],
  ['0105 rich', richDocument, '202402294200023800000001'],
] as const) {
  test(`round trip ${name}: build → parse gives the simulator's fields back`, () => {
    const doc = validateDocument(make());
    const parsed = parseStandardXml(buildStandardXml(doc, meta(issueId)));
    assert.deepEqual(
      {
        issueId: parsed.issueId,
        typeCode: parsed.typeCode,
        writeDate: parsed.writeDate,
        purposeCode: parsed.purposeCode,
        amendmentStatusCode: parsed.amendmentStatusCode,
        originalIssueId: parsed.originalIssueId,
        remarks: parsed.remarks,
        invoicerId: parsed.invoicer.id,
        invoicerSub: parsed.invoicer.subBizno,
        invoiceeId: parsed.invoicee.id,
        invoiceeKind: parsed.invoicee.businessTypeCode,
        invoiceeEmail: parsed.invoicee.email,
        brokerId: parsed.broker?.id,
        amounts: parsed.amounts,
        lines: parsed.lines.map((l) => ({ supply: l.supply, tax: l.tax, quantity: l.quantity, unitPrice: l.unitPrice })),
      },
      expectedParse(doc, issueId),
    );
    assert.equal(parsed.signed, false);
  });
}

test('round trip keeps escaped text and falls back to the buyer name as 대표자', () => {
  const doc = richDocument();
  const parsed = parseStandardXml(buildStandardXml(doc, meta('202402294200023800000001')));
  assert.equal(parsed.invoicer.name, '공급 <주>');
  assert.equal(parsed.broker?.name, '수탁 & 회사');
  assert.equal(parsed.invoicee.ceoName, '홍길동');
  assert.equal(parsed.invoicee.secondaryEmail, 'cc@example.com');
  assert.equal(parsed.remarks[1], '비고2 "따옴표"');
  assert.equal(parsed.lines[0]?.date, '20240229');
  assert.equal(parsed.lines[1]?.date, undefined);
});

test('parses the reference samples, including a signed one', () => {
  const ruseel = parseStandardXml(readFileSync(`${REFERENCE}/kec-taxinvoice/ruseel-kr-etax-sample_unsigned.xml`, 'utf8'));
  assert.equal(ruseel.invoicer.subBizno, '1111');
  assert.equal(ruseel.amounts.total, '110000000');
  const amended = parseStandardXml(sampleXml('0201'));
  assert.equal(amended.amendmentStatusCode, '06');
  assert.equal(amended.originalIssueId, '201607184200023800000001');
  const signed = parseStandardXml(readFileSync(`${REFERENCE}/npki-test-fixture/open-etaxbill-1-0101.signed.xml`, 'utf8'));
  assert.equal(signed.signed, true);
  assert.equal(signed.issueId, '201607184200023800000001');
  assert.ok(listElementPaths(readFileSync(`${REFERENCE}/npki-test-fixture/open-etaxbill-1-0101.signed.xml`, 'utf8')).includes('/TaxInvoice/ds:Signature'));
});

test('parser errors name the element', () => {
  const good = buildStandardXml(sampleTaxInvoice(), meta('201607184200023800000001'));
  const cases: Array<[string, string]> = [
    [good.replace(/<IssueID>[^<]*<\/IssueID>/, ''), '/TaxInvoice/TaxInvoiceDocument/IssueID'],
    [good.replace('urn:kr:or:kec:standard:Tax:ReusableAggregateBusinessInformationEntitySchemaModule:1:0"', 'urn:other"'), '/TaxInvoice'],
    [good.replace(/<TaxInvoiceTradeLineItem>[\s\S]*<\/TaxInvoiceTradeLineItem>/, ''), '/TaxInvoice/TaxInvoiceTradeLineItem'],
    [good.replace(/<InvoiceeParty>[\s\S]*<\/InvoiceeParty>/, ''), '/TaxInvoice/TaxInvoiceTradeSettlement/InvoiceeParty'],
    ['<TaxInvoice><oops></TaxInvoice>', '/'],
  ];
  for (const [xml, path] of cases) {
    assert.throws(() => parseStandardXml(xml), (err: unknown) => err instanceof StandardXmlError && err.path === path, path);
  }
});

test('wellFormed (the caller parsed the text strictly already): the same invoice, the same element errors, without the validating pass', () => {
  const signedXml = readFileSync(`${REFERENCE}/npki-test-fixture/open-etaxbill-1-0101.signed.xml`, 'utf8');
  for (const xml of [signedXml, sampleXml('0201'), buildStandardXml(sampleTaxInvoice(), meta('201607184200023800000001'))]) {
    assert.deepEqual(parseStandardXml(xml, { wellFormed: true }), parseStandardXml(xml));
  }
  const noIssueId = buildStandardXml(sampleTaxInvoice(), meta('201607184200023800000001')).replace(/<IssueID>[^<]*<\/IssueID>/, '');
  assert.throws(() => parseStandardXml(noIssueId, { wellFormed: true }), (err: unknown) => err instanceof StandardXmlError && err.path === '/TaxInvoice/TaxInvoiceDocument/IssueID');
  // without the flag, what is not well-formed is still refused before anything is read
  assert.throws(() => parseStandardXml('<TaxInvoice><oops></TaxInvoice>'), (err: unknown) => err instanceof StandardXmlError && err.path === '/');
});
