import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentView, legacyDocumentRow, LEGACY_ROW_COLUMNS, VIEW_COLUMNS, type DocumentRow } from './document-views.ts';

// The lists select only the columns their views read (issue 13): each list must be exactly what its view reads,
// neither a column short (a field would come out undefined) nor one more (bytes parsed for nothing).
function fullRow(): DocumentRow {
  const at = new Date('2026-12-06T01:02:03.456Z');
  return {
    id: 1, subscription_id: 7, dockey: 'K', subkey: 'S', doc_state: 'N', proc_state: 'S', read_state: 'Y', nts_state: '3', kind: 'tax_invoice',
    type_code: '0101', modify_code: null, write_date: '2026-12-06', sup_bizno: '1234567890', sup_name: '공급자', buy_id: '2345678901',
    buy_bizno: '2345678901', buy_sub_bizno: '', buy_name: '공급받는자', buy_email1: 'b@example.com', supply_amt: 10, tax_amt: 1, total_amt: 11,
    item_summary: '품목', has_statement: false, body: {} as DocumentRow['body'], nts_issue_id: 'I', issued_at: at, send_at: at, mail_result: 'Y',
    read_at: at, responded_at: at, reject_reason: null, nts_req_at: at, nts_resp_at: at, nts_result_code: 'SUCC', nts_result_msg: 'ok',
    submit_id: 'SUB', replaces_id: null, created_at: at, updated_at: at,
  } as DocumentRow;
}

function readsOf(fn: (row: DocumentRow) => unknown): string[] {
  const read = new Set<string>();
  const row = new Proxy(fullRow(), { get: (t, k) => (typeof k === 'string' && read.add(k), Reflect.get(t, k)) });
  fn(row);
  return [...read].sort();
}

test('LEGACY_ROW_COLUMNS is exactly what legacyDocumentRow reads', () => {
  assert.deepEqual(readsOf(legacyDocumentRow), [...LEGACY_ROW_COLUMNS].sort());
});

test('VIEW_COLUMNS is exactly what documentView reads without the body, and includes the legacy columns', () => {
  assert.deepEqual(readsOf((r) => documentView(r)), [...VIEW_COLUMNS].sort());
  for (const c of LEGACY_ROW_COLUMNS) assert.ok((VIEW_COLUMNS as readonly string[]).includes(c), c);
  assert.equal(new Set(VIEW_COLUMNS).size, VIEW_COLUMNS.length);
});

test('documentView with the body refuses a row read without it', () => {
  const { body: _body, ...listed } = fullRow();
  assert.throws(() => documentView(listed, true), /without its body/);
  assert.deepEqual(documentView(fullRow(), true).document, {});
});
