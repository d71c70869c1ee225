import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentOfRow } from './xlsx-rows.ts';
import { columnOfField } from './xlsx-columns.ts';

test('a sheet row becomes the API input: words to codes, blank 세액 = 10 % truncated (0 for 계산서), sums of the lines, payment means', () => {
  const r = documentOfRow({
    rowNo: 3,
    cells: { rowKey: 'K1', writeDate: '20261206', kind: '세금계산서', purpose: '영수', buyerId: '204-86-31263', buyerName: 'B', buyerEmail: 'b@x.example', paymentMean: '외상미수금', 'line1.name': 'a', 'line1.supply': '12,345', 'line2.supply': '100', 'line2.tax': '10', 'line2.day': '6' },
  });
  assert.equal(r.rowKey, 'xl:K1');
  assert.deepEqual(r.errors, []);
  assert.equal(r.input['kind'], 'tax_invoice');
  assert.equal(r.input['purpose'], 'receipt');
  assert.equal(r.input['taxType'], 'regular');
  assert.deepEqual(r.input['amounts'], { supply: 12445, tax: 1244, total: 13689 });
  assert.deepEqual(r.input['payments'], { credit: 13689 });
  assert.deepEqual((r.input['buyer'] as { id: string }).id, '2048631263');
  const lines = r.input['lines'] as { tax: number; month?: number; day?: number }[];
  assert.equal(lines[0]!.tax, 1234);
  assert.deepEqual([lines[1]!.month, lines[1]!.day], [12, 6]);
  const exempt = documentOfRow({ rowNo: 4, cells: { kind: '계산서', 'line1.supply': '5000' } });
  assert.equal((exempt.input['lines'] as { tax: number }[])[0]!.tax, 0);
});

test('the row key without 행키 is a hash of the cells (same cells, same key); a long 행키 and an unknown 결제방법 are row errors; text money stays text for validation to name', () => {
  const a = documentOfRow({ rowNo: 3, cells: { buyerName: 'B', 'line1.supply': '1000' } });
  const b = documentOfRow({ rowNo: 9, cells: { 'line1.supply': '1000', buyerName: 'B' } });
  const c = documentOfRow({ rowNo: 3, cells: { buyerName: 'B', 'line1.supply': '1001' } });
  assert.match(a.rowKey, /^xl:#[0-9a-f]{32}$/);
  assert.equal(a.rowKey, b.rowKey);
  assert.notEqual(a.rowKey, c.rowKey);
  const bad = documentOfRow({ rowNo: 5, cells: { rowKey: 'x'.repeat(41), paymentMean: '카드', 'line1.supply': '만원' } });
  assert.deepEqual(bad.errors.map((e) => e.column), ['행키', '결제방법']);
  assert.equal((bad.input['lines'] as { supply: unknown }[])[0]!.supply, '만원');
});

test('document fields are named by the template columns', () => {
  assert.equal(columnOfField('lines[1].supply'), '품목2 공급가액');
  assert.equal(columnOfField('lines[0].month'), '품목1 일');
  assert.equal(columnOfField('buyer.id'), '공급받는자 등록번호');
  assert.equal(columnOfField('buyer.contacts[0].email'), '이메일');
  assert.equal(columnOfField('payments.cash'), '결제방법');
});
