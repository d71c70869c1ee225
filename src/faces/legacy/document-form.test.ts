import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError, composeMessage, type ErrorCode } from '../../platform/errors.ts';
import { validateDocument } from '../../modules/documents/validate-document.ts';
import { sampleTaxInvoice } from '../../modules/documents/sample-documents.ts';
import { applySupplierDefaults, type SupplierProfile } from '../../modules/documents/supplier-defaults.ts';
import type { DocumentInput } from '../../modules/documents/model.ts';
import { documentInputFromLegacyForm, legacyAmount, legacyFieldName, toLegacyFieldError } from './document-form.ts';

/** What the document page does with a form, minus the database: map, fill the supplier, validate, rename errors. */
function validateLegacyDocumentForm(fields: Record<string, string>, opts: { requireBuyerEmail?: boolean; supplierDefaults?: SupplierProfile } = {}): DocumentInput {
  const mapped = documentInputFromLegacyForm(fields);
  const input = opts.supplierDefaults ? applySupplierDefaults(mapped, opts.supplierDefaults) : mapped;
  try {
    return validateDocument(input, opts);
  } catch (err) {
    throw err instanceof AppError ? toLegacyFieldError(err) : err;
  }
}

/** The legacy form of `sampleTaxInvoice()` (0101), as a VB6 client would post it (with blank rows). */
function sampleForm(): Record<string, string> {
  const form: Record<string, string> = {
    doc__doc_state: 'N',
    doc__doc_gubun: '1',
    doc__tax_type: '01',
    doc__purpose: '02',
    doc__write_date: '20160718',
    doc__sup_bizno: '138-86-02200',
    doc__sup_name: '(주)한빌소프트',
    doc__sup_ceo: '김공급',
    doc__sup_addr: '경기 성남시 분당구 판교로 1',
    doc__sup_uptae: '서비스',
    doc__sup_jongmok: 'S/W개발공급',
    doc__sup_dept: '경영지원실 관리팀',
    doc__sup_manager: '이담당',
    doc__sup_tel: '031-000-0000',
    doc__sup_email: 'billing@supplier.example',
    doc__buy_id_type: '01',
    doc__buy_bizno: '2048631263',
    doc__buy_name: '(주)한빌서비스',
    doc__buy_ceo: '홍대표',
    doc__buy_addr: '서울 강남구 테헤란로 1',
    doc__buy_uptae: '서비스',
    doc__buy_jongmok: 'S/W자문',
    doc__buy_manager1: '홍과장',
    doc__buy_email1: 'tax@buyer.example',
    doc__buy_manager2: '',
    doc__trust_bizno: '',
    doc__supply_amt: '220,000',
    doc__tax_amt: '22000',
    doc__total_amt: '242000.00',
    doc__cash_amt: '0',
    doc__check_amt: '0',
    doc__note_amt: '0',
    doc__credit_amt: '242000',
    doc__remark: '',
    item1__month: '07',
    item1__day: '18',
    item1__name: '통합전산시스템 유지보수료',
    item1__qty: '1',
    item1__unit_price: '220000',
    item1__supply_amt: '220000',
    item1__tax_amt: '22000',
  };
  for (let n = 2; n <= 99; n++) for (const f of ['month', 'day', 'name', 'supply_amt', 'tax_amt']) form[`item${n}__${f}`] = '';
  return form;
}

test('the legacy form of the 0101 sample validates to the same document as the REST sample', () => {
  assert.deepEqual(validateLegacyDocumentForm(sampleForm(), { requireBuyerEmail: true }), validateDocument(sampleTaxInvoice()));
});

test('amount strings: integers, thousands commas, zero fractions; others stay strings', () => {
  assert.equal(legacyAmount('220,000'), 220000);
  assert.equal(legacyAmount('-1,000'), -1000);
  assert.equal(legacyAmount('242000.00'), 242000);
  assert.equal(legacyAmount('0'), 0);
  assert.equal(legacyAmount('-0'), 0);
  assert.equal(legacyAmount('22000.5'), '22000.5');
  assert.equal(legacyAmount('22,00'), '22,00');
  assert.equal(legacyAmount('9007199254740993'), '9007199254740993');
  assert.equal(legacyAmount(undefined), undefined);
});

test('codes are converted: 계산서, consignment with trustee, amendment, receipt, alimtalk', () => {
  const form = {
    ...sampleForm(),
    doc__doc_gubun: '2',
    doc__tax_type: '03',
    doc__modify_code: '02',
    doc__org_nts_no: '20160701-42000238-00000009',
    doc__purpose: '01',
    doc__trust_bizno: '1048137225',
    doc__trust_name: '(주)수탁',
    doc__trust_ceo: '박수탁',
    doc__trust_email: 'trust@example.com',
    doc__alimtalk_yn: 'y',
    doc__buy_hp1: '010-1234-5678',
  };
  const input = documentInputFromLegacyForm(form) as Record<string, any>;
  assert.equal(input['kind'], 'invoice');
  assert.equal(input['taxType'], 'regular');
  assert.equal(input['consignment'], true);
  assert.deepEqual(input['trustee'], { bizno: '1048137225', name: '(주)수탁', ceoName: '박수탁', contact: { email: 'trust@example.com' } });
  assert.deepEqual(input['amendment'], { reasonCode: '02', originalIssueId: '20160701-42000238-00000009' });
  assert.equal(input['purpose'], 'receipt');
  assert.deepEqual(input['alimtalk'], { notify: true });
  assert.equal(input['lines'].length, 1);
  assert.equal(input['lines'][0].month, 7);
});

test('defaults: 세금계산서, regular, business buyer; second contact alone keeps its position', () => {
  const form = sampleForm();
  delete form['doc__doc_gubun'];
  delete form['doc__tax_type'];
  delete form['doc__buy_id_type'];
  delete form['doc__buy_manager1'];
  delete form['doc__buy_email1'];
  form['doc__buy_email2'] = 'cc@buyer.example';
  const doc = validateLegacyDocumentForm(form);
  assert.equal(doc.kind, 'tax_invoice');
  assert.equal(doc.taxType, 'regular');
  assert.equal(doc.buyer.idType, 'business');
  assert.deepEqual(doc.buyer.contacts, [{}, { email: 'cc@buyer.example' }]);
});

test('foreign buyer without a number uses the placeholder; 비고 carries the passport number', () => {
  const doc = validateLegacyDocumentForm({ ...sampleForm(), doc__buy_id_type: '03', doc__buy_bizno: '', doc__remark: '여권 M1234567' });
  assert.equal(doc.buyer.id, '9999999999999');
  assert.deepEqual(doc.remarks, ['여권 M1234567']);
});

test('statement fields attach a 거래명세서', () => {
  const doc = validateLegacyDocumentForm({
    ...sampleForm(),
    detail__title: '거래명세서',
    detail__prev_balance: '1,000',
    detail1__date: '20160718',
    detail1__name: '유지보수',
    detail1__qty: '1',
    detail1__supply_amt: '220000',
    detail1__tax_amt: '22000',
    detail1__total_amt: '242000',
    detail2__name: '',
  });
  assert.deepEqual(doc.statement, {
    title: '거래명세서',
    previousBalance: 1000,
    lines: [{ date: '20160718', name: '유지보수', quantity: '1', supply: 220000, tax: 22000, total: 242000 }],
  });
  assert.equal(documentInputFromLegacyForm({ ...sampleForm(), detail__memo: '  ' }) instanceof Object, true);
  assert.equal((documentInputFromLegacyForm({ ...sampleForm(), detail__memo: '  ' }) as Record<string, unknown>)['statement'], undefined);
});

test('supplier defaults from the member fill blank supplier fields', () => {
  const form = sampleForm();
  for (const k of Object.keys(form)) if (k.startsWith('doc__sup_')) delete form[k];
  const doc = validateLegacyDocumentForm(form, {
    supplierDefaults: { bizno: '1388602200', name: '회원상호', ceoName: '회원대표', contact: { email: 'member@example.com' } },
  });
  assert.equal(doc.supplier.bizno, '1388602200');
  assert.equal(doc.supplier.name, '회원상호');
  assert.equal(doc.supplier.contact?.email, 'member@example.com');
});

const errorCases: Array<{ name: string; form: Record<string, string>; code: ErrorCode; field: string }> = [
  { name: 'non-integer header amount', form: { doc__tax_amt: '22000.5' }, code: 'field_invalid', field: 'doc__tax_amt' },
  { name: 'non-integer line amount', form: { item1__supply_amt: '220,000원' }, code: 'field_invalid', field: 'item1__supply_amt' },
  { name: 'non-integer payment', form: { doc__credit_amt: 'abc' }, code: 'field_invalid', field: 'doc__credit_amt' },
  { name: 'unknown doc_gubun', form: { doc__doc_gubun: '3' }, code: 'field_invalid', field: 'doc__doc_gubun' },
  { name: '계산서 + 영세율', form: { doc__doc_gubun: '2', doc__tax_type: '02' }, code: 'field_invalid', field: 'doc__tax_type' },
  { name: 'original number without reason', form: { doc__org_nts_no: '201607014200023800000009' }, code: 'field_required', field: 'doc__modify_code' },
  { name: 'reason without original number', form: { doc__modify_code: '02' }, code: 'field_required', field: 'doc__org_nts_no' },
  { name: 'consignment without trustee', form: { doc__tax_type: '03' }, code: 'field_required', field: 'doc__trust_bizno' },
  { name: 'bad supplier bizno', form: { doc__sup_bizno: '1234567890' }, code: 'field_invalid', field: 'doc__sup_bizno' },
  { name: 'bad buyer e-mail 1', form: { doc__buy_email1: 'nope' }, code: 'field_invalid', field: 'doc__buy_email1' },
  { name: 'purpose missing', form: { doc__purpose: '' }, code: 'field_required', field: 'doc__purpose' },
  { name: 'line month of another month', form: { item1__month: '08' }, code: 'field_invalid', field: 'item1__month' },
  { name: 'blank row in between', form: { item3__name: '추가', item3__supply_amt: '0', item3__tax_amt: '0' }, code: 'field_required', field: 'item2__supply_amt' },
  { name: 'no lines', form: { item1__month: '', item1__day: '', item1__name: '', item1__qty: '', item1__unit_price: '', item1__supply_amt: '', item1__tax_amt: '' }, code: 'field_required', field: 'item1__supply_amt' },
  { name: 'totals do not add up', form: { doc__total_amt: '242001' }, code: 'amounts_mismatch', field: 'doc__total_amt' },
  { name: 'payments do not add up', form: { doc__credit_amt: '1' }, code: 'amounts_mismatch', field: 'doc__cash_amt,doc__check_amt,doc__note_amt,doc__credit_amt' },
  { name: 'statement line total', form: { detail1__date: '20160718', detail1__name: 'x', detail1__supply_amt: '1', detail1__tax_amt: '0', detail1__total_amt: '2' }, code: 'amounts_mismatch', field: 'detail1__total_amt' },
  { name: 'alimtalk without mobile', form: { doc__alimtalk_yn: 'Y' }, code: 'field_required', field: 'doc__buy_hp1' },
  { name: 'alimtalk flag not Y/N', form: { doc__alimtalk_yn: '1' }, code: 'field_invalid', field: 'doc__alimtalk_yn' },
  { name: 'buyer mailing address required', form: { doc__buy_email1: '' }, code: 'field_required', field: 'doc__buy_email1' },
];

for (const c of errorCases) {
  test(`legacy error: ${c.name} → ${c.code} ${c.field}`, () => {
    assert.throws(
      () => validateLegacyDocumentForm({ ...sampleForm(), ...c.form }, { requireBuyerEmail: true }),
      (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.equal(err.field, c.field, err.message);
        assert.equal(err.code, c.code, err.message);
        assert.ok(composeMessage(err).startsWith(`${c.field}: `), err.message);
        assert.ok(!err.message.includes(`${c.field}:`), `the message is field-free: ${err.message}`);
        assert.equal(err.legacyCode, c.code === 'amounts_mismatch' ? '3003' : c.code === 'field_required' ? '1001' : '1002');
        return true;
      },
    );
  });
}

test('legacyFieldName maps REST paths back to form fields', () => {
  const table: Array<[string, string]> = [
    ['supplier.bizno', 'doc__sup_bizno'],
    ['supplier.contact.email', 'doc__sup_email'],
    ['lines[2].supply', 'item3__supply_amt'],
    ['lines[0].quantity', 'item1__qty'],
    ['lines[98].unitPrice', 'item99__unit_price'],
    ['lines[4]', 'item5__supply_amt'],
    ['lines', 'item1__supply_amt'],
    ['statement.lines[0].total', 'detail1__total_amt'],
    ['statement.lines[1].unitPrice', 'detail2__unit_price'],
    ['statement.previousBalance', 'detail__prev_balance'],
    ['buyer.contacts[1].email', 'doc__buy_email2'],
    ['buyer.contacts[0].mobile', 'doc__buy_hp1'],
    ['buyer.id', 'doc__buy_bizno'],
    ['amendment.originalIssueId', 'doc__org_nts_no'],
    ['remarks[2]', 'doc__remark'],
    ['trustee.subBizno', 'doc__trust_bizno'],
    ['trustee.contact.email', 'doc__trust_email'],
    ['payments.note', 'doc__note_amt'],
    ['alimtalk.notify', 'doc__alimtalk_yn'],
    ['somethingElse', 'somethingElse'],
  ];
  for (const [rest, legacy] of table) assert.equal(legacyFieldName(rest), legacy, rest);
});

test('row numbers of item{n} / detail{n} are checked while the names are read: 1…99, canonical, else 1002 naming the field', () => {
  for (const name of ['item100__name', 'item0__name', 'item01__name', 'item1000000__name', 'item4294967296__name', 'item99999999999999999999__name', 'detail100__date', 'detail0__name', 'detail4294967296__date']) {
    const started = performance.now();
    assert.throws(
      () => documentInputFromLegacyForm({ ...sampleForm(), [name]: 'x' }),
      (e: unknown) => e instanceof AppError && e.code === 'field_invalid' && e.field === name && composeMessage(e).startsWith(`${name}: `),
      name,
    );
    assert.ok(performance.now() - started < 50, `${name}: refused before any row is built`);
  }
  const lines = (documentInputFromLegacyForm({ ...sampleForm(), item99__name: 'x' }) as { lines: unknown[] }).lines;
  assert.equal(lines.length, 99, 'row 99 is in range');
});
