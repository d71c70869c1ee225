import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError, composeMessage, type ErrorCode } from '../../platform/errors.ts';
import { validateDocument, type ValidateDocumentOptions } from './validate-document.ts';
import { sampleAmendedInvoice, sampleAmendedTaxInvoice, sampleInvoice, sampleTaxInvoice } from './sample-documents.ts';
import type { DocumentInput } from './model.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const VALID_RRN = '8001011234560';
const TRUSTEE = { bizno: '1048137225', name: '(주)수탁', ceoName: '박수탁' };
const long = (n: number) => '가'.repeat(n);

/** A sample 0101 as a loosely typed object the cases may break. */
const base = (): Loose => sampleTaxInvoice();

/** Three-line 0101: 100,000/10,000 + 50,000/5,000 + 15/1. */
function threeLines(): Loose {
  const doc = base();
  doc.lines = [
    { month: 7, day: 1, name: 'A', supply: 100000, tax: 10000 },
    { month: 7, day: 2, name: 'B', supply: 50000, tax: 5000 },
    { month: 7, day: 3, name: 'C', supply: 15, tax: 1 },
  ];
  doc.amounts = { supply: 150015, tax: 15001, total: 165016 };
  doc.payments = undefined;
  return doc;
}

interface InvalidCase {
  name: string;
  make: () => unknown;
  opts?: ValidateDocumentOptions;
  code: ErrorCode;
  field: string;
}

function edit(mutate: (doc: Loose) => void, from: () => Loose = base): () => unknown {
  return () => {
    const doc = from();
    mutate(doc);
    return doc;
  };
}

const invalidCases: InvalidCase[] = [
  // 1. header
  { name: 'not an object', make: () => 'x', code: 'field_invalid', field: 'document' },
  { name: 'kind missing', make: edit((d) => delete d.kind), code: 'field_required', field: 'kind' },
  { name: 'kind unknown', make: edit((d) => (d.kind = 'receipt')), code: 'field_invalid', field: 'kind' },
  { name: 'taxType unknown', make: edit((d) => (d.taxType = 'exempt')), code: 'field_invalid', field: 'taxType' },
  { name: '계산서 cannot be zero-rated (0302)', make: edit((d) => (d.taxType = 'zero_rated'), sampleInvoice as () => Loose), code: 'field_invalid', field: 'taxType' },
  { name: 'consignment must be boolean', make: edit((d) => (d.consignment = 'Y')), code: 'field_invalid', field: 'consignment' },
  { name: 'amendment not an object', make: edit((d) => (d.amendment = '06')), code: 'field_invalid', field: 'amendment' },
  { name: 'amendment reason missing', make: edit((d) => (d.amendment = { originalIssueId: '201607184200023800000001' })), code: 'field_required', field: 'amendment.reasonCode' },
  { name: 'amendment reason 07', make: edit((d) => (d.amendment.reasonCode = '07'), sampleAmendedTaxInvoice as () => Loose), code: 'field_invalid', field: 'amendment.reasonCode' },
  { name: 'reason 05 (내국신용장) on 계산서', make: edit((d) => (d.amendment.reasonCode = '05'), sampleAmendedInvoice as () => Loose), code: 'field_invalid', field: 'amendment.reasonCode' },
  { name: 'original issue id missing', make: edit((d) => (d.amendment = { reasonCode: '02' })), code: 'field_required', field: 'amendment.originalIssueId' },
  { name: 'original issue id 23 digits', make: edit((d) => (d.amendment.originalIssueId = '20160718420002380000001'), sampleAmendedTaxInvoice as () => Loose), code: 'field_invalid', field: 'amendment.originalIssueId' },
  { name: 'original issue id with impossible date', make: edit((d) => (d.amendment.originalIssueId = '201613184200023800000001'), sampleAmendedTaxInvoice as () => Loose), code: 'field_invalid', field: 'amendment.originalIssueId' },
  { name: 'purpose missing', make: edit((d) => delete d.purpose), code: 'field_required', field: 'purpose' },
  { name: 'purpose unknown', make: edit((d) => (d.purpose = '01')), code: 'field_invalid', field: 'purpose' },
  { name: 'write date missing', make: edit((d) => (d.writeDate = '  ')), code: 'field_required', field: 'writeDate' },
  { name: 'write date not a calendar date', make: edit((d) => (d.writeDate = '20230230')), code: 'field_invalid', field: 'writeDate' },
  { name: 'write date with dashes', make: edit((d) => (d.writeDate = '2016-07-18')), code: 'field_invalid', field: 'writeDate' },
  // 2. supplier
  { name: 'supplier missing', make: edit((d) => delete d.supplier), code: 'field_required', field: 'supplier' },
  { name: 'supplier bizno missing', make: edit((d) => delete d.supplier.bizno), code: 'field_required', field: 'supplier.bizno' },
  { name: 'supplier bizno checksum', make: edit((d) => (d.supplier.bizno = '1388504400')), code: 'field_invalid', field: 'supplier.bizno' },
  { name: 'supplier bizno 9 digits', make: edit((d) => (d.supplier.bizno = '138860220')), code: 'field_invalid', field: 'supplier.bizno' },
  { name: 'supplier subBizno not 4 digits', make: edit((d) => (d.supplier.subBizno = '12a4')), code: 'field_invalid', field: 'supplier.subBizno' },
  { name: 'supplier name missing', make: edit((d) => (d.supplier.name = '')), code: 'field_required', field: 'supplier.name' },
  { name: 'supplier name over 70 chars', make: edit((d) => (d.supplier.name = long(71))), code: 'field_invalid', field: 'supplier.name' },
  { name: 'supplier name with a control character', make: edit((d) => (d.supplier.name = 'A\u0001B')), code: 'field_invalid', field: 'supplier.name' },
  { name: 'supplier name with U+FFFD (mis-decoded text the filing XML reader refuses)', make: edit((d) => (d.supplier.name = '주식회사 \uFFFD\uFFFD')), code: 'field_invalid', field: 'supplier.name' },
  { name: 'line item with U+FFFD', make: edit((d) => (d.lines[0]!.name = '품\uFFFD')), code: 'field_invalid', field: 'lines[0].name' },
  { name: 'supplier ceo missing', make: edit((d) => delete d.supplier.ceoName), code: 'field_required', field: 'supplier.ceoName' },
  { name: 'supplier address over 150 chars', make: edit((d) => (d.supplier.address = long(151))), code: 'field_invalid', field: 'supplier.address' },
  { name: 'supplier 업태 over 40 chars', make: edit((d) => (d.supplier.businessType = long(41))), code: 'field_invalid', field: 'supplier.businessType' },
  { name: 'supplier contact e-mail malformed', make: edit((d) => (d.supplier.contact.email = 'billing@')), code: 'field_invalid', field: 'supplier.contact.email' },
  { name: 'supplier contact e-mail over 40 chars', make: edit((d) => (d.supplier.contact.email = `${'a'.repeat(30)}@example.com`)), code: 'field_invalid', field: 'supplier.contact.email' },
  // 3. buyer
  { name: 'buyer missing', make: edit((d) => (d.buyer = null)), code: 'field_required', field: 'buyer' },
  { name: 'buyer id type unknown', make: edit((d) => (d.buyer.idType = '01')), code: 'field_invalid', field: 'buyer.idType' },
  { name: 'buyer bizno checksum', make: edit((d) => (d.buyer.id = '1234567890')), code: 'field_invalid', field: 'buyer.id' },
  { name: 'buyer id missing', make: edit((d) => delete d.buyer.id), code: 'field_required', field: 'buyer.id' },
  { name: 'buyer resident number checksum', make: edit((d) => Object.assign(d.buyer, { idType: 'resident', id: '8001011234561' })), code: 'field_invalid', field: 'buyer.id' },
  { name: 'buyer resident number given as bizno', make: edit((d) => Object.assign(d.buyer, { idType: 'resident', id: '2048631263' })), code: 'field_invalid', field: 'buyer.id' },
  { name: 'foreign buyer not on the placeholder', make: edit((d) => Object.assign(d.buyer, { idType: 'foreigner', id: VALID_RRN })), code: 'field_invalid', field: 'buyer.id' },
  { name: 'resident buyer with 종사업장번호', make: edit((d) => Object.assign(d.buyer, { idType: 'resident', id: VALID_RRN, subBizno: '0001' })), code: 'field_invalid', field: 'buyer.subBizno' },
  { name: 'buyer name missing', make: edit((d) => delete d.buyer.name), code: 'field_required', field: 'buyer.name' },
  { name: 'buyer with three contacts', make: edit((d) => (d.buyer.contacts = [{}, {}, {}])), code: 'field_invalid', field: 'buyer.contacts' },
  { name: 'buyer contact 2 e-mail malformed', make: edit((d) => d.buyer.contacts.push({ email: 'a b@c.kr' })), code: 'field_invalid', field: 'buyer.contacts[1].email' },
  { name: 'buyer contact mobile malformed', make: edit((d) => (d.buyer.contacts[0].mobile = '02-123-4567')), code: 'field_invalid', field: 'buyer.contacts[0].mobile' },
  { name: 'buyer e-mail required for mailing', make: edit((d) => delete d.buyer.contacts[0].email), opts: { requireBuyerEmail: true }, code: 'field_required', field: 'buyer.contacts[0].email' },
  { name: 'buyer e-mail required, no contacts', make: edit((d) => delete d.buyer.contacts), opts: { requireBuyerEmail: true }, code: 'field_required', field: 'buyer.contacts[0].email' },
  // 4. trustee
  { name: 'consignment without trustee', make: edit((d) => (d.consignment = true)), code: 'field_required', field: 'trustee' },
  { name: 'consignment with a null trustee', make: edit((d) => Object.assign(d, { consignment: true, trustee: null })), code: 'field_required', field: 'trustee' },
  { name: 'trustee on a non-consignment document', make: edit((d) => (d.trustee = { ...TRUSTEE })), code: 'field_invalid', field: 'trustee' },
  { name: 'trustee bizno checksum', make: edit((d) => Object.assign(d, { consignment: true, trustee: { ...TRUSTEE, bizno: '9999999999' } })), code: 'field_invalid', field: 'trustee.bizno' },
  { name: 'trustee ceo missing', make: edit((d) => Object.assign(d, { consignment: true, trustee: { bizno: TRUSTEE.bizno, name: 'x' } })), code: 'field_required', field: 'trustee.ceoName' },
  // 5. remarks
  { name: 'four remarks', make: edit((d) => (d.remarks = ['a', 'b', 'c', 'd'])), code: 'field_invalid', field: 'remarks' },
  { name: 'remark 2 over 150 chars', make: edit((d) => (d.remarks = ['a', long(151)])), code: 'field_invalid', field: 'remarks[1]' },
  { name: 'remark not a string', make: edit((d) => (d.remarks = [12])), code: 'field_invalid', field: 'remarks[0]' },
  { name: 'foreign buyer without passport remark', make: edit((d) => Object.assign(d.buyer, { idType: 'foreigner', id: undefined })), code: 'field_required', field: 'remarks' },
  // 6–7. amounts and payments formats
  { name: 'amounts missing', make: edit((d) => delete d.amounts), code: 'field_required', field: 'amounts' },
  { name: 'supply as a string', make: edit((d) => (d.amounts.supply = '220000')), code: 'field_invalid', field: 'amounts.supply' },
  { name: 'tax with decimals', make: edit((d) => (d.amounts.tax = 22000.5)), code: 'field_invalid', field: 'amounts.tax' },
  { name: 'total missing', make: edit((d) => delete d.amounts.total), code: 'field_required', field: 'amounts.total' },
  { name: 'total beyond safe integers', make: edit((d) => (d.amounts.total = 2 ** 53)), code: 'field_invalid', field: 'amounts.total' },
  { name: 'cash payment not an integer', make: edit((d) => (d.payments.cash = 0.1)), code: 'field_invalid', field: 'payments.cash' },
  // 8. lines
  { name: 'lines missing', make: edit((d) => delete d.lines), code: 'field_required', field: 'lines' },
  { name: 'lines empty', make: edit((d) => (d.lines = [])), code: 'field_required', field: 'lines' },
  { name: '100 lines', make: edit((d) => (d.lines = Array.from({ length: 100 }, () => ({ supply: 0, tax: 0 })))), code: 'field_invalid', field: 'lines' },
  { name: 'line not an object', make: edit((d) => (d.lines = ['x'])), code: 'field_invalid', field: 'lines[0]' },
  { name: 'line month differs from write date month', make: edit((d) => (d.lines[0].month = 8)), code: 'field_invalid', field: 'lines[0].month' },
  { name: 'line month 13', make: edit((d) => (d.lines[0].month = 13)), code: 'field_invalid', field: 'lines[0].month' },
  { name: 'line day 29 in February 2023', make: edit((d) => Object.assign(d, { writeDate: '20230228', lines: [{ ...d.lines[0], month: 2, day: 29 }] })), code: 'field_invalid', field: 'lines[0].day' },
  { name: 'line month without day', make: edit((d) => delete d.lines[0].day), code: 'field_required', field: 'lines[0].day' },
  { name: 'line quantity with 3 decimals', make: edit((d) => (d.lines[0].quantity = '1.234')), code: 'field_invalid', field: 'lines[0].quantity' },
  { name: 'line unit price not a number', make: edit((d) => (d.lines[0].unitPrice = '22만')), code: 'field_invalid', field: 'lines[0].unitPrice' },
  { name: 'line name over 100 chars', make: edit((d) => (d.lines[0].name = long(101))), code: 'field_invalid', field: 'lines[0].name' },
  { name: 'line 3 supply missing', make: edit((d) => delete d.lines[2].supply, threeLines), code: 'field_required', field: 'lines[2].supply' },
  { name: 'line 2 tax not an integer', make: edit((d) => (d.lines[1].tax = '5000'), threeLines), code: 'field_invalid', field: 'lines[1].tax' },
  // 9. amount rules
  { name: 'supply + tax ≠ total', make: edit((d) => (d.amounts.total = 242001)), code: 'amounts_mismatch', field: 'amounts.total' },
  { name: 'negative amounts on an original document', make: edit((d) => Object.assign(d, sampleAmendedTaxInvoice(), { amendment: undefined })), code: 'amounts_mismatch', field: 'amounts.supply' },
  { name: 'reason 04 (계약해제) with positive amounts', make: edit((d) => (d.amendment = { reasonCode: '04', originalIssueId: '201607014200023800000001' })), code: 'amounts_mismatch', field: 'amounts.supply' },
  { name: '계산서 with tax', make: edit((d) => Object.assign(d, { kind: 'invoice' })), code: 'amounts_mismatch', field: 'amounts.tax' },
  { name: 'zero-rated with tax', make: edit((d) => (d.taxType = 'zero_rated')), code: 'amounts_mismatch', field: 'amounts.tax' },
  { name: 'regular tax invoice without tax (INV206)', make: edit((d) => Object.assign(d, { amounts: { supply: 220000, tax: 0, total: 220000 }, payments: undefined })), code: 'amounts_mismatch', field: 'amounts.tax' },
  { name: 'lines do not add up to supply', make: edit((d) => Object.assign(d, { amounts: { supply: 150000, tax: 15001, total: 165001 } }), threeLines), code: 'amounts_mismatch', field: 'amounts.supply' },
  { name: 'lines do not add up to tax', make: edit((d) => Object.assign(d, { amounts: { supply: 150015, tax: 15000, total: 165015 } }), threeLines), code: 'amounts_mismatch', field: 'amounts.tax' },
  { name: 'line tax 2 won off 10 %', make: edit((d) => { d.lines[1].tax = 5002; d.amounts = { supply: 150015, tax: 15003, total: 165018 }; }, threeLines), code: 'amounts_mismatch', field: 'lines[1].tax' },
  { name: 'zero-rated line with tax (header 0)', make: edit((d) => Object.assign(d, { taxType: 'zero_rated', amounts: { supply: 200, tax: 0, total: 200 }, payments: undefined, lines: [{ supply: 100, tax: 10 }, { supply: 100, tax: -10 }] })), code: 'amounts_mismatch', field: 'lines[0].tax' },
  { name: 'payments do not add up to total', make: edit((d) => (d.payments = { cash: 100000, credit: 100000 })), code: 'amounts_mismatch', field: 'payments' },
  // 10. statement
  { name: 'statement not an object', make: edit((d) => (d.statement = [])), code: 'field_invalid', field: 'statement' },
  { name: 'statement previous balance not an integer', make: edit((d) => (d.statement = { previousBalance: '1000', lines: [] })), code: 'field_invalid', field: 'statement.previousBalance' },
  { name: 'statement line date invalid', make: edit((d) => (d.statement = { lines: [{ date: '20160732', name: 'x', supply: 1, tax: 0, total: 1 }] })), code: 'field_invalid', field: 'statement.lines[0].date' },
  { name: 'statement line name missing', make: edit((d) => (d.statement = { lines: [{ date: '20160718', supply: 1, tax: 0, total: 1 }] })), code: 'field_required', field: 'statement.lines[0].name' },
  { name: 'statement line total ≠ supply + tax', make: edit((d) => (d.statement = { lines: [{ date: '20160718', name: 'x', supply: 100, tax: 10, total: 100 }] })), code: 'amounts_mismatch', field: 'statement.lines[0].total' },
  // 11. alimtalk
  { name: 'alimtalk without notify flag', make: edit((d) => (d.alimtalk = {})), code: 'field_required', field: 'alimtalk.notify' },
  { name: 'alimtalk without buyer mobile', make: edit((d) => (d.alimtalk = { notify: true })), code: 'field_required', field: 'buyer.contacts[0].mobile' },
  // order: the earliest field in the documented order wins
  // 작성일자 after today (KST, from the caller's clock) is refused; today itself is fine (valid cases below)
  { name: 'write date tomorrow', make: base, opts: { today: '20160717' }, code: 'field_invalid', field: 'writeDate' },
  { name: 'write date next year', make: base, opts: { today: '20151231' }, code: 'field_invalid', field: 'writeDate' },
  { name: 'order: header before parties', make: edit((d) => { d.supplier.bizno = 'x'; d.writeDate = 'x'; }), code: 'field_invalid', field: 'writeDate' },
  { name: 'order: supplier before lines', make: edit((d) => { d.supplier.bizno = '1234567890'; delete d.lines; }), code: 'field_invalid', field: 'supplier.bizno' },
  { name: 'order: formats before amount rules', make: edit((d) => { d.amounts.total = 1; d.lines[0].quantity = 'x'; }), code: 'field_invalid', field: 'lines[0].quantity' },
];

for (const c of invalidCases) {
  test(`invalid: ${c.name} → ${c.code} ${c.field}`, () => {
    assert.throws(
      () => validateDocument(c.make(), c.opts),
      (err: unknown) => {
        assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
        assert.equal(err.field, c.field, err.message);
        assert.equal(err.code, c.code, err.message);
        assert.ok(composeMessage(err).startsWith(`${c.field}: `), err.message);
        assert.ok(!err.message.startsWith(`${c.field}:`), `the core message is field-free: ${err.message}`);
        assert.match(err.message, /\(.+\)$/, 'English in parentheses');
        return true;
      },
    );
  });
}

interface ValidCase {
  name: string;
  make: () => unknown;
  opts?: ValidateDocumentOptions;
  check?: (doc: DocumentInput) => void;
}

const validCases: ValidCase[] = [
  { name: '0101 sample', make: sampleTaxInvoice, opts: { requireBuyerEmail: true } },
  { name: '0201 sample (reason 06, negative)', make: sampleAmendedTaxInvoice },
  { name: '0301 sample', make: sampleInvoice },
  { name: 'write date today (KST)', make: sampleTaxInvoice, opts: { today: '20160718' } },
  { name: 'write date in the past', make: sampleTaxInvoice, opts: { today: '20261128' } },
  { name: '0401 sample', make: sampleAmendedInvoice },
  {
    name: 'zero-rated consignment (0105) with trustee',
    make: edit((d) => Object.assign(d, { taxType: 'zero_rated', consignment: true, trustee: TRUSTEE, amounts: { supply: 220000, tax: 0, total: 220000 }, payments: undefined, lines: [{ supply: 220000, tax: 0 }] })),
    check: (doc) => assert.equal(doc.trustee?.bizno, TRUSTEE.bizno),
  },
  { name: 'resident buyer without ceo', make: edit((d) => (d.buyer = { idType: 'resident', id: '800101-1234560', name: '홍길동' })), check: (doc) => assert.equal(doc.buyer.id, VALID_RRN) },
  {
    name: 'foreign buyer defaults to the placeholder',
    make: edit((d) => Object.assign(d, { buyer: { idType: 'foreigner', name: 'John Doe' }, remarks: ['여권번호 M12345678'] })),
    check: (doc) => assert.equal(doc.buyer.id, '9999999999999'),
  },
  { name: 'line tax rounded up or down within 1 won', make: threeLines },
  { name: 'supply under 10 won without tax', make: edit((d) => Object.assign(d, { amounts: { supply: 9, tax: 0, total: 9 }, payments: undefined, lines: [{ supply: 9, tax: 0 }] })) },
  { name: 'discount line on an original document', make: edit((d) => Object.assign(d, { amounts: { supply: 90000, tax: 9000, total: 99000 }, payments: undefined, lines: [{ supply: 100000, tax: 10000 }, { name: '할인', supply: -10000, tax: -1000 }] })) },
  { name: 'payments all zero = not stated', make: edit((d) => (d.payments = { cash: 0, credit: 0 })) },
  { name: 'reason 01 may mirror a wrong tax rate', make: edit((d) => Object.assign(d, { amendment: { reasonCode: '01', originalIssueId: '201607184200023800000001' }, amounts: { supply: -220000, tax: -11000, total: -231000 }, payments: undefined, lines: [{ supply: -220000, tax: -11000 }] })) },
  {
    name: 'normalizes ids, text and numbers',
    make: edit((d) => {
      d.supplier.bizno = '138-86-02200';
      d.supplier.name = '  (주)한빌소프트  ';
      d.supplier.address = '';
      d.lines[0].quantity = 1.5;
      d.lines[0].unitPrice = null;
      d.unknownKey = 1;
      d.remarks = ['', '메모'];
    }),
    check: (doc) => {
      assert.equal(doc.supplier.bizno, '1388602200');
      assert.equal(doc.supplier.name, '(주)한빌소프트');
      assert.equal('address' in doc.supplier, false);
      assert.equal(doc.lines[0]?.quantity, '1.5');
      assert.equal('unitPrice' in doc.lines[0]!, false);
      assert.equal('unknownKey' in doc, false);
      assert.deepEqual(doc.remarks, ['메모']);
    },
  },
  {
    name: 'defaults taxType, consignment and buyer idType',
    make: edit((d) => { delete d.taxType; delete d.consignment; delete d.buyer.idType; }),
    check: (doc) => {
      assert.equal(doc.taxType, 'regular');
      assert.equal(doc.consignment, false);
      assert.equal(doc.buyer.idType, 'business');
    },
  },
  { name: 'original issue id with display dashes', make: edit((d) => (d.amendment.originalIssueId = '20160718-42000238-00000001'), sampleAmendedTaxInvoice as () => Loose), check: (doc) => assert.equal(doc.amendment?.originalIssueId, '201607184200023800000001') },
  { name: 'statement and alimtalk', make: edit((d) => { d.buyer.contacts[0].mobile = '010-1234-5678'; d.alimtalk = { notify: true }; d.statement = { title: '거래명세서', previousBalance: 0, lines: [{ date: '20160718', name: 'x', quantity: '2', supply: 100, tax: 10, total: 110 }] }; }), check: (doc) => assert.equal(doc.statement?.lines.length, 1) },
  { name: '99 lines', make: edit((d) => Object.assign(d, { amounts: { supply: 990, tax: 99, total: 1089 }, payments: undefined, lines: Array.from({ length: 99 }, () => ({ supply: 10, tax: 1 })) })) },
  { name: 'line on 29 February of a leap year', make: edit((d) => Object.assign(d, { writeDate: '20240229', lines: [{ ...d.lines[0], month: 2, day: 29 }] })) },
];

for (const c of validCases) {
  test(`valid: ${c.name}`, () => {
    const doc = validateDocument(c.make(), c.opts);
    c.check?.(doc);
    assert.deepEqual(validateDocument(doc, c.opts), doc, 'validation is idempotent');
  });
}

test('the table covers at least 45 cases', () => {
  assert.ok(invalidCases.length + validCases.length >= 45);
});
