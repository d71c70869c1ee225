import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidTypeCode, parseTypeCode, typeCodeOf, VALID_TYPE_CODES } from './type-code.ts';
import { documentTitle, documentTypeLabel, typeCodeLabel } from './labels.ts';
import type { DocumentInput } from './model.ts';

const amendment = { reasonCode: '01', originalIssueId: '201607184200023800000001' } as const;

test('typeCodeOf covers every combination we issue (NTS.md §1.2)', () => {
  const cases: Array<[Pick<DocumentInput, 'kind' | 'taxType' | 'consignment' | 'amendment'>, string]> = [
    [{ kind: 'tax_invoice', taxType: 'regular', consignment: false }, '0101'],
    [{ kind: 'tax_invoice', taxType: 'zero_rated', consignment: false }, '0102'],
    [{ kind: 'tax_invoice', taxType: 'regular', consignment: true }, '0103'],
    [{ kind: 'tax_invoice', taxType: 'zero_rated', consignment: true }, '0105'],
    [{ kind: 'tax_invoice', taxType: 'regular', consignment: false, amendment }, '0201'],
    [{ kind: 'tax_invoice', taxType: 'zero_rated', consignment: false, amendment }, '0202'],
    [{ kind: 'tax_invoice', taxType: 'regular', consignment: true, amendment }, '0203'],
    [{ kind: 'tax_invoice', taxType: 'zero_rated', consignment: true, amendment }, '0205'],
    [{ kind: 'invoice', taxType: 'regular', consignment: false }, '0301'],
    [{ kind: 'invoice', taxType: 'regular', consignment: true }, '0303'],
    [{ kind: 'invoice', taxType: 'regular', consignment: false, amendment }, '0401'],
    [{ kind: 'invoice', taxType: 'regular', consignment: true, amendment }, '0403'],
  ];
  for (const [doc, code] of cases) {
    assert.equal(typeCodeOf(doc), code);
    assert.equal(isValidTypeCode(code), true, code);
  }
});

test('계산서 has no 영세율 codes; 18 valid combinations', () => {
  for (const code of ['0302', '0305', '0402', '0405', '0107', '0501', '01', '']) assert.equal(isValidTypeCode(code), false, code);
  assert.equal(VALID_TYPE_CODES.size, 18);
});

test('parseTypeCode explains a code', () => {
  assert.deepEqual(parseTypeCode('0205'), { kind: 'tax_invoice', amended: true, taxType: 'zero_rated', consignment: true, importDeferred: false });
  assert.deepEqual(parseTypeCode('0106'), { kind: 'tax_invoice', amended: false, taxType: 'import', consignment: false, importDeferred: true });
  assert.equal(parseTypeCode('0302'), undefined);
});

test('Korean labels', () => {
  assert.equal(typeCodeLabel('0101'), '세금계산서(일반)');
  assert.equal(typeCodeLabel('0405'), '수정계산서(영세율위수탁)');
  assert.equal(typeCodeLabel('9999'), '9999');
  assert.equal(documentTitle('tax_invoice', false), '전자세금계산서');
  assert.equal(documentTitle('invoice', true), '수정전자계산서');
  assert.equal(documentTypeLabel({ kind: 'tax_invoice', taxType: 'regular', consignment: true, amendment }), '수정세금계산서(위수탁)');
});
