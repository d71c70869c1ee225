// Adjustments of bills (issue 11 item 7) over real HTTP: bills from the real monthly run; before the invoice an
// adjustment changes only the bill (and the invoice issued later carries the new amounts); after it, a
// 수정세금계산서 (reason 02, the original approval number, negative for a reduction, VAT Δ by the floor rule) is
// issued by the same issuer and filed with the NTS simulator, the bill's totals change, the action is audited, and the
// same Idempotency-Key again does it once; a reduction below what was paid becomes credit; bad input changes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestSystem } from '../support/test-system.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import { rest } from '../support/http.ts';
import { waitFor } from '../support/wait-for.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { issuePendingInvoices } from '../../src/modules/settlement/billing/issue-bill-invoice.ts';
import { ensureBillingAccount } from '../../src/modules/settlement/bank/billing-account.ts';
import { startNtsTestSystem } from './nts-support.ts';
import { depositAndWait } from './billing-bank-support.ts';
import { billAndFile, billingMonths, billingPartner, billRowOf, contractPrice, invoicesFiled, opAuth, usage, closeFetchSockets, type BillingPartner } from './billing-bills-support.ts';

const months = billingMonths();
const clock = new ManualClock(months.usageAt(10));
let sys: TestSystem;
let privateDb: PrivateDatabase;
let a: BillingPartner; // invoice issued, then adjusted (amended invoice)
let b: BillingPartner; // paid, then reduced (credit)
let c: BillingPartner; // adjusted before its invoice

before(async () => {
  privateDb = await usePrivateDatabase('adjust');
  sys = await startNtsTestSystem({}, { clock });
  [a, b, c] = [await billingPartner(sys), await billingPartner(sys), await billingPartner(sys)];
  for (const [p, price] of [[a, 1000], [b, 500], [c, 1000]] as const) await contractPrice(sys, p.partnerId, 'message_sms', price, months.usageAt(1));
  await usage(sys, a, 'message_sms', 3); // 3,000 + 300
  await usage(sys, b, 'message_sms', 1); // 500 + 50
  await usage(sys, c, 'message_sms', 2); // 2,000 + 200
  clock.set(months.after(5));
  await billAndFile(sys, months.period, { issueInvoices: false });
});
after(async () => {
  await closeFetchSockets();
  await sys?.close();
  await privateDb?.drop();
});

const adjust = (orderNo: string, body: unknown, headers: Record<string, string> = {}) => rest(sys.url, 'POST', `/v1/operator/bills/${orderNo}/adjustments`, body, { ...opAuth(sys), ...headers });
const billNow = async (id: number) => (await sys.database.pool.query<{ supply_krw: string; vat_krw: string; total_krw: string; paid_krw: string; state: string; invoice_document_id: string | null }>('SELECT * FROM bills WHERE id = $1', [id])).rows[0]!;
const docOf = async (id: number | string) =>
  (await sys.database.pool.query<{ id: string; dockey: string; subscription_id: string; nts_issue_id: string; nts_state: string; modify_code: string | null; type_code: string; supply_amt: string; tax_amt: string; total_amt: string; buy_bizno: string; body: any }>('SELECT * FROM documents WHERE id = $1', [id])).rows[0]!;

test('before the invoice: only the bill changes, and the invoice issued afterwards carries the new amounts', async () => {
  const bill = await billRowOf(sys, c.partnerId, months.period);
  const r = await adjust(bill.orderNo, { supplyDeltaKrw: 501, reason: '누락된 이용분 반영' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(
    [r.body.supplyDeltaKrw, r.body.vatDeltaKrw, r.body.supplyKrw, r.body.vatKrw, r.body.totalKrw, r.body.amendedInvoice, r.body.creditKrw],
    [501, 50, 2501, 250, 2751, null, 0],
    'VAT floor(250.1) − 200',
  );
  const down = await adjust(bill.orderNo, { supplyDeltaKrw: -1001, reason: '중복 발송분 제외' });
  assert.equal(down.status, 201, JSON.stringify(down.body));
  assert.deepEqual([down.body.vatDeltaKrw, down.body.supplyKrw, down.body.vatKrw, down.body.totalKrw, down.body.amendedInvoice], [-100, 1500, 150, 1650, null]);
  const lines = (await c.call('GET', `/v1/partner/bills/${bill.orderNo}`)).body.lines;
  assert.deepEqual(lines.slice(1), [
    { lineNo: 2, unitId: null, meteredItem: 'adjustment', name: '조정: 누락된 이용분 반영', quantity: 1, unitPriceKrw: 501, supplyKrw: 501 },
    { lineNo: 3, unitId: null, meteredItem: 'adjustment', name: '조정: 중복 발송분 제외', quantity: -1, unitPriceKrw: 1001, supplyKrw: -1001 },
  ]);

  await issuePendingInvoices(sys.ctx);
  await invoicesFiled(sys, months.period); // every bill's invoice (a, b, c) filed: no filing left in flight at the end
  const row = await billNow(bill.id);
  assert.ok(row.invoice_document_id, 'the invoice was issued');
  const inv = await docOf(row.invoice_document_id!);
  assert.deepEqual([Number(inv.supply_amt), Number(inv.tax_amt), Number(inv.total_amt), inv.modify_code], [1500, 150, 1650, null], 'the invoice equals the adjusted bill');
});

test('after the invoice: a 수정세금계산서 for the difference, filed; the bill\'s totals; once under one Idempotency-Key; audited', async () => {
  await issuePendingInvoices(sys.ctx);
  const bill = await billRowOf(sys, a.partnerId, months.period);
  const original = await docOf((await billNow(bill.id)).invoice_document_id!);
  assert.match(original.nts_issue_id, /^\d{24}$/);
  await waitFor(async () => (await docOf(original.id)).nts_state, (s) => s === '3', { what: 'the original invoice filed', timeoutMs: 30_000 });

  const body = { supplyDeltaKrw: -1001, reason: '발송 실패분 환급' };
  const key = { 'idempotency-key': `adj-${bill.orderNo}-1` };
  const first = await adjust(bill.orderNo, body, key);
  assert.equal(first.status, 201, JSON.stringify(first.body));
  assert.deepEqual(
    [first.body.supplyDeltaKrw, first.body.vatDeltaKrw, first.body.supplyKrw, first.body.vatKrw, first.body.totalKrw],
    [-1001, -101, 1999, 199, 2198],
    'new VAT floor(199.9) = 199; Δ = 199 − 300',
  );
  const amended = first.body.amendedInvoice;
  assert.match(amended.ntsIssueId, /^\d{24}$/);
  assert.notEqual(amended.ntsIssueId, original.nts_issue_id);
  assert.equal(amended.originalIssueId, original.nts_issue_id);
  assert.equal(amended.filingRequested, true);

  const again = await adjust(bill.orderNo, body, key);
  assert.equal(again.status, 201);
  assert.deepEqual(again.body, first.body, 'the first answer replayed');
  const other = await adjust(bill.orderNo, { ...body, reason: '다른 사유' }, key);
  assert.equal(other.status, 409);
  assert.equal(other.body.error.code, 'idempotency_conflict');
  const adjustments = await sys.database.pool.query('SELECT * FROM bill_adjustments WHERE bill_id = $1', [bill.id]);
  assert.equal(adjustments.rows.length, 1, 'done once');
  const amendedDocs = await sys.database.pool.query<{ id: string }>("SELECT id FROM documents WHERE modify_code = '02' AND body->'amendment'->>'originalIssueId' = $1", [original.nts_issue_id]);
  assert.equal(amendedDocs.rows.length, 1, 'one amended invoice');

  const doc = await docOf(amendedDocs.rows[0]!.id);
  assert.equal(doc.dockey, amended.dockey);
  assert.equal(doc.subscription_id, original.subscription_id, 'the same issuer subscription');
  assert.equal(doc.buy_bizno, original.buy_bizno, 'to the same buyer');
  assert.equal(doc.type_code, '0201', '수정세금계산서');
  assert.deepEqual([Number(doc.supply_amt), Number(doc.tax_amt), Number(doc.total_amt)], [-1001, -101, -1102]);
  assert.deepEqual(doc.body.amendment, { reasonCode: '02', originalIssueId: original.nts_issue_id });
  await waitFor(async () => (await docOf(doc.id)).nts_state, (s) => s === '3', { what: 'the amended invoice filed with the NTS simulator', timeoutMs: 30_000 });

  const row = await billNow(bill.id);
  assert.deepEqual([Number(row.supply_krw), Number(row.vat_krw), Number(row.total_krw), row.state], [1999, 199, 2198, 'due']);
  const detail = await a.call('GET', `/v1/partner/bills/${bill.orderNo}`);
  assert.equal(detail.body.totalKrw, 2198);
  assert.equal(detail.body.adjustments.length, 1);
  assert.deepEqual(
    [detail.body.adjustments[0].supplyDeltaKrw, detail.body.adjustments[0].reason, detail.body.adjustments[0].invoice.ntsIssueId, detail.body.adjustments[0].invoice.originalIssueId],
    [-1001, '발송 실패분 환급', amended.ntsIssueId, original.nts_issue_id],
  );
  const audit = await sys.database.pool.query<{ details: any }>("SELECT details FROM audit_log WHERE action = 'bill.adjusted' AND target_id = $1", [bill.id]);
  assert.equal(audit.rows.length, 1);
  assert.equal(audit.rows[0]!.details.reason, '발송 실패분 환급');
  assert.equal(audit.rows[0]!.details.amendedDocument, amended.dockey);
  assert.equal(audit.rows[0]!.details.amendedIssueId, amended.ntsIssueId);

  // an increase afterwards: a second amended invoice with positive amounts
  const up = await adjust(bill.orderNo, { supplyDeltaKrw: 1, reason: '단수 조정' });
  assert.equal(up.status, 201, JSON.stringify(up.body));
  assert.deepEqual([up.body.supplyKrw, up.body.vatKrw, up.body.vatDeltaKrw], [2000, 200, 1]);
  assert.equal(up.body.amendedInvoice.originalIssueId, original.nts_issue_id);
});

test('a reduction below what was paid leaves credit for the next bill', async () => {
  const bill = await billRowOf(sys, b.partnerId, months.period);
  const account = await ensureBillingAccount(sys.ctx, sys.bank.gateway, b.partnerId);
  await depositAndWait(sys, account.virtualAccount!.accountNo, 550, '파트너상사');
  assert.equal((await billNow(bill.id)).state, 'paid');
  const r = await adjust(bill.orderNo, { supplyDeltaKrw: -100, reason: '단가 정정' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual([r.body.totalKrw, r.body.creditKrw], [440, 110]);
  const row = await billNow(bill.id);
  assert.deepEqual([row.state, Number(row.paid_krw), Number(row.total_krw)], ['paid', 550, 440]);
  const credit = await sys.database.pool.query<{ credit_krw: string }>('SELECT credit_krw FROM billing_accounts WHERE partner_id = $1', [b.partnerId]);
  assert.equal(Number(credit.rows[0]!.credit_krw), 110);
  const entries = await sys.database.pool.query<{ amount_krw: string; reason: string; bill_id: string }>("SELECT amount_krw, reason, bill_id FROM billing_credit_entries WHERE partner_id = $1 AND reason = 'adjustment'", [b.partnerId]);
  assert.deepEqual(entries.rows.map((e) => [Number(e.amount_krw), Number(e.bill_id)]), [[110, bill.id]]);
  const listed = (await b.call('GET', '/v1/partner/bills')).body.data[0];
  assert.deepEqual([listed.remainingKrw, listed.stateName], [0, '결제완료']);
});

test('bad input answers 400 (or 404) naming the field and changes nothing', async () => {
  const bill = await billRowOf(sys, c.partnerId, months.period);
  const before = await billNow(bill.id);
  const cases: [unknown, number, RegExp][] = [
    [{ supplyDeltaKrw: 0, reason: '영' }, 400, /supplyDeltaKrw/],
    [{ supplyDeltaKrw: 100 }, 400, /reason/],
    [{ supplyDeltaKrw: 100, reason: '   ' }, 400, /reason/],
    [{ supplyDeltaKrw: 1.5, reason: '소수' }, 400, /supplyDeltaKrw/],
    [{ supplyDeltaKrw: -999_999, reason: '너무 큰 감액' }, 400, /supplyDeltaKrw/],
    [{ supplyDeltaKrw: 100, reason: '이중 제출', seenAdjustments: 0 }, 409, /seenAdjustments/],
  ];
  for (const [body, status, field] of cases) {
    const r = await adjust(bill.orderNo, body);
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
    assert.match(JSON.stringify(r.body.error), field);
  }
  const unknown = await adjust('0000000001', { supplyDeltaKrw: 1, reason: '없는 주문' });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'bill_not_found');
  assert.equal((await rest(sys.url, 'POST', `/v1/operator/bills/${bill.orderNo}/adjustments`, { supplyDeltaKrw: 1, reason: 'x' })).status, 401, 'operator only');
  assert.deepEqual(await billNow(bill.id), before, 'nothing changed');
  const n = await sys.database.pool.query('SELECT count(*) AS n FROM bill_adjustments WHERE bill_id = $1', [bill.id]);
  assert.equal(Number(n.rows[0].n), 2, 'only the first test\'s adjustments');
});
