// The operator console's bills over real HTTP (issue 11 item 7): 청구·입금 관리 lists every partner's bills with
// filters and the bank notices applied to nothing; a bill's screen shows its payments and notices; the 조정 form
// (session + CSRF, 303 back to the bill) issues the amended invoice once even when the form is sent twice; the
// partner's suspension kind is shown and 정지 / 정지 해제 from the bill are audited with their kind.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestSystem } from '../support/test-system.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import { waitFor } from '../support/wait-for.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { ensureBillingAccount } from '../../src/modules/settlement/bank/billing-account.ts';
import { startNtsTestSystem } from './nts-support.ts';
import { acknowledged, depositAndWait } from './billing-bank-support.ts';
import { operatorClient, type Client } from './portal-support.ts';
import { billAndFile, billingMonths, billingPartner, billRowOf, contractPrice, usage, type BillingPartner } from './billing-bills-support.ts';

const months = billingMonths();
const clock = new ManualClock(months.usageAt(10));
let sys: TestSystem;
let privateDb: PrivateDatabase;
let a: BillingPartner;
let b: BillingPartner;
let op: Client;

before(async () => {
  privateDb = await usePrivateDatabase('billcon');
  sys = await startNtsTestSystem({}, { clock });
  [a, b] = [await billingPartner(sys), await billingPartner(sys)];
  await contractPrice(sys, a.partnerId, 'message_sms', 1000, months.usageAt(1));
  await contractPrice(sys, b.partnerId, 'message_sms', 700, months.usageAt(1));
  await usage(sys, a, 'message_sms', 2);
  await usage(sys, b, 'message_sms', 1);
  clock.set(months.after(5));
  await billAndFile(sys, months.period);
  op = await operatorClient(sys);
});
after(async () => {
  await sys?.close();
  await privateDb?.drop();
});

async function audited(targetKind: string, targetId: number) {
  const r = await sys.database.pool.query<{ action: string; details: any }>('SELECT action, details FROM audit_log WHERE target_kind = $1 AND target_id = $2 ORDER BY id', [targetKind, targetId]);
  return r.rows.map((x) => ({ action: x.action, details: typeof x.details === 'string' ? JSON.parse(x.details) : x.details }));
}

test('청구·입금 관리: every partner\'s bills with filters, a bill with its payments and notices, and notices applied to nothing', async () => {
  const billA = await billRowOf(sys, a.partnerId, months.period);
  const billB = await billRowOf(sys, b.partnerId, months.period);
  const account = await ensureBillingAccount(sys.ctx, sys.bank.gateway, b.partnerId);
  const paidTx = await depositAndWait(sys, account.virtualAccount!.accountNo, 770, '비파트너');
  const strayTx = sys.bank.simulator!.deposit({ accountNo: '99912345678901', amountKrw: 5000, depositor: '모르는입금자' });
  await acknowledged(sys, strayTx);

  const list = await op.call('GET', '/console/bills');
  assert.equal(list.status, 200);
  assert.match(list.text, new RegExp(`data-order-no="${billA.orderNo}"`));
  assert.match(list.text, new RegExp(`data-order-no="${billB.orderNo}"`));
  assert.match(list.text, new RegExp(`data-transaction-id="${strayTx}"[\\s\\S]*?모르는입금자[\\s\\S]*?5,000`), 'the stray deposit is listed as applied to nothing');
  const paidOnly = await op.call('GET', `/console/bills?state=paid&partnerId=${b.partnerId}`);
  assert.match(paidOnly.text, new RegExp(`data-order-no="${billB.orderNo}"`));
  assert.doesNotMatch(paidOnly.text, new RegExp(`data-order-no="${billA.orderNo}"`));
  const bad = await op.call('GET', '/console/bills?from=2026-13');
  assert.match(bad.text, /role="alert"[^<]*from/);

  const detail = await op.call('GET', `/console/bill?orderNo=${billB.orderNo}`);
  assert.equal(detail.status, 200);
  assert.match(detail.text, /id="cbill-state">결제완료/);
  assert.match(detail.text, new RegExp(`${paidTx}[\\s\\S]*?770`), 'the deposit and its notice');
  assert.match(detail.text, /id="cbill-partner-state">[^<]*<strong>정상/);

  // anonymous and partner members are sent to the console login
  const anon = await a.member.call('GET', `/console/bill?orderNo=${billA.orderNo}`);
  assert.equal(anon.status, 303);
});

test('the 조정 form: an amended invoice once, even when the form is sent twice; back to the bill', async () => {
  const bill = await billRowOf(sys, a.partnerId, months.period);
  const page = await op.call('GET', `/console/bill?orderNo=${bill.orderNo}`);
  const seen = /name="seenAdjustments" value="(\d+)"/.exec(page.text)![1]!;
  assert.equal(seen, '0');
  const form = { orderNo: bill.orderNo, seenAdjustments: seen, supplyDeltaKrw: '-500', reason: '장애 보상' };
  const noCsrf = await op.call('POST', `/console/bill/${bill.id}/adjust`, { form, noCsrf: true });
  assert.equal(noCsrf.status, 403);
  const first = await op.call('POST', `/console/bill/${bill.id}/adjust`, { form });
  assert.equal(first.status, 303, first.text);
  assert.equal(first.headers.location, `/console/bill?orderNo=${bill.orderNo}&done=adjusted`);
  const twice = await op.call('POST', `/console/bill/${bill.id}/adjust`, { form });
  assert.equal(twice.status, 409, 'the same form again is refused');
  assert.match(twice.text, /다른 조정이 먼저 처리되었습니다/);
  const noReason = await op.call('POST', `/console/bill/${bill.id}/adjust`, { form: { ...form, seenAdjustments: '1', reason: '' } });
  assert.equal(noReason.status, 400);
  assert.match(noReason.text, /reason/);

  const rows = await sys.database.pool.query<{ supply_delta_krw: string; vat_delta_krw: string; invoice_document_id: string }>('SELECT * FROM bill_adjustments WHERE bill_id = $1', [bill.id]);
  assert.deepEqual(rows.rows.map((r) => [Number(r.supply_delta_krw), Number(r.vat_delta_krw)]), [[-500, -50]]);
  const doc = await sys.database.pool.query<{ nts_issue_id: string; modify_code: string; nts_state: string }>('SELECT nts_issue_id, modify_code, nts_state FROM documents WHERE id = $1', [rows.rows[0]!.invoice_document_id]);
  assert.equal(doc.rows[0]!.modify_code, '02');
  await waitFor(async () => (await sys.database.pool.query<{ nts_state: string }>('SELECT nts_state FROM documents WHERE id = $1', [rows.rows[0]!.invoice_document_id])).rows[0]!.nts_state, (s) => s === '3', { what: 'the amended invoice filed', timeoutMs: 30_000 });
  const after = await op.call('GET', `/console/bill?orderNo=${bill.orderNo}&done=adjusted`);
  assert.match(after.text, /id="cbill-amounts">1,500 \/ 150 \/ 1,650/);
  assert.match(after.text, new RegExp(`장애 보상[\\s\\S]*?${doc.rows[0]!.nts_issue_id}`));
  const audit = await audited('bill', bill.id);
  assert.deepEqual(audit.map((x) => x.action), ['bill.adjusted']);
});

test('suspension from the bill: the kind is shown (operator, arrears) and suspend / restore are audited with it', async () => {
  const bill = await billRowOf(sys, a.partnerId, months.period);
  const suspended = await op.call('POST', `/console/bill/partners/${a.partnerId}/suspend`, { form: { orderNo: bill.orderNo, reason: '계약 위반 조사' } });
  assert.equal(suspended.status, 303, suspended.text);
  let page = await op.call('GET', `/console/bill?orderNo=${bill.orderNo}`);
  assert.match(page.text, /id="cbill-partner-state">[^<]*<strong>정지 \(운영자\)/);
  const partners = await op.call('GET', '/console/partners');
  assert.match(partners.text, new RegExp(`data-partner-id="${a.partnerId}"[\\s\\S]*?data-suspension-kind="operator"`));
  const restored = await op.call('POST', `/console/bill/partners/${a.partnerId}/restore`, { form: { orderNo: bill.orderNo } });
  assert.equal(restored.status, 303);

  // the due date passes: suspended for arrears by the billing tick
  clock.set(months.after(13));
  await sys.billing.tick();
  op = await operatorClient(sys); // a console session does not outlive a week
  page = await op.call('GET', `/console/bill?orderNo=${bill.orderNo}`);
  assert.match(page.text, /id="cbill-state">미납/);
  assert.match(page.text, /id="cbill-partner-state">[^<]*<strong>정지 \(미납\)/);
  const audit = await audited('partner', a.partnerId);
  assert.deepEqual(audit.filter((x) => x.action.startsWith('partner.s') || x.action.startsWith('partner.r')).map((x) => [x.action, x.details.kind]), [['partner.suspended', 'operator'], ['partner.restored', 'operator'], ['partner.suspended', 'arrears']]);
});
