// CMS direct debit (추심, issue 11 item 4): the partner's withdrawal consent (consent must be true, 전자금융거래법 §15;
// only a masked account kept; audited), debits requested on the due date once per bill (requestDueDebits, as the
// billing tick calls it), a debit that succeeds (paid, source cms) and one that fails (잔액부족: result code kept, the
// bill unpaid), withdrawal of the consent (no more debits). Bills are SQL rows satisfying migrations/0012.
// Own database on PostgreSQL: the billing tick and requestDueDebits of other files work on every bill of a shared one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestSystem } from '../support/test-system.ts';
import { waitFor } from '../support/wait-for.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { requestDueDebits } from '../../src/modules/settlement/bank/request-due-debits.ts';
import { ensureBillingAccount } from '../../src/modules/settlement/bank/billing-account.ts';
import { BankTransientError, type BankGateway } from '../../src/modules/settlement/bank/bank-gateway.ts';
import { AppError } from '../../src/platform/errors.ts';
import { messagingPartner } from './messaging-support.ts';
import { assertStatus, billOf, insertBill, paymentsOf, startBankTestSystem } from './billing-bank-support.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const clock = new ManualClock(new Date());
let sys: TestSystem;
before(async () => {
  sys = await startBankTestSystem('bankcms', clock);
});
after(async () => {
  await sys?.close();
});

const debitsOf = async (billId: number) =>
  (await sys.database.pool.query<{ id: string; state: string; result_code: string; amount_krw: string }>('SELECT id, state, result_code, amount_krw FROM cms_debits WHERE bill_id = $1 ORDER BY id', [billId])).rows.map((d) => ({
    id: Number(d.id),
    state: d.state,
    resultCode: d.result_code,
    amount: Number(d.amount_krw),
  }));

const settled = (billId: number) => waitFor(() => debitsOf(billId), (ds) => ds.length > 0 && ds.every((d) => d.state !== 'requested'), { what: `the debit of bill ${billId} settled` });

test('CMS consent is required and recorded masked; debits on the due date succeed or fail once per bill; withdrawal stops them', async () => {
  const p = await messagingPartner(sys);
  const body = { bankCode: '004', accountNo: '110-123-456789', holder: '(주)파트너', consent: true, evidence: 'esign:2026-0001' };

  const noConsent = await p.call('PUT', '/v1/partner/billing/cms', { ...body, consent: false });
  assert.equal(noConsent.status, 400, noConsent.text);
  assert.deepEqual([noConsent.body.error.code, noConsent.body.error.field], ['cms_consent_required', 'consent']);
  const noAccount = await p.call('PUT', '/v1/partner/billing/cms', { ...body, accountNo: undefined });
  assert.deepEqual([noAccount.status, noAccount.body.error.field], [400, 'accountNo']);
  const badBank = await p.call('PUT', '/v1/partner/billing/cms', { ...body, bankCode: '999' });
  assert.deepEqual([badBank.status, badBank.body.error.field], [400, 'bankCode']);
  const badNo = await p.call('PUT', '/v1/partner/billing/cms', { ...body, accountNo: '12-34' });
  assert.deepEqual([badNo.status, badNo.body.error.field], [400, 'accountNo']);
  // a lone surrogate or a control character in the free text: refused naming the field, as every text reader does
  const badHolder = await p.call('PUT', '/v1/partner/billing/cms', { ...body, holder: '파트너\ud800' });
  assert.deepEqual([badHolder.status, badHolder.body.error.field], [400, 'holder']);
  const badEvidence = await p.call('PUT', '/v1/partner/billing/cms', { ...body, evidence: 'esign\u0001' });
  assert.deepEqual([badEvidence.status, badEvidence.body.error.field], [400, 'evidence']);
  const refused = await p.call('PUT', '/v1/partner/billing/cms', { ...body, accountNo: '1111111111' });
  assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.field], [400, 'bank_refused', 'accountNo'], 'the bank does not know the account');
  const rows = await sys.database.pool.query('SELECT 1 FROM billing_accounts WHERE partner_id = $1', [p.partnerId]);
  assert.equal(rows.rowCount, 0, 'the refusals (ours and the bank\'s) changed nothing');
  const before = await p.call('GET', '/v1/partner/billing/account');
  assert.deepEqual([before.body.method, before.body.cms], ['virtual_account', null], 'nothing changed by the refusals');

  const ok = await p.call('PUT', '/v1/partner/billing/cms', body);
  assertStatus(ok, 200);
  assert.equal(ok.body.method, 'cms');
  assert.equal(ok.body.cms.accountMasked, '110-*****-6789');
  assert.equal(ok.body.cms.bankName, 'KB국민은행');
  assert.equal(ok.body.cms.evidence, 'esign:2026-0001');
  assert.equal(ok.body.cms.consentAt, clock.now().toISOString());
  assert.ok(ok.body.virtualAccount, 'the virtual account stays (a deposit into it still pays)');
  const stored = await sys.database.pool.query('SELECT * FROM billing_accounts WHERE partner_id = $1', [p.partnerId]);
  assert.ok(!JSON.stringify(stored.rows[0]).includes('123456789'), 'the full account number is not stored');
  const audit = await sys.database.pool.query<{ action: string }>("SELECT action FROM audit_log WHERE target_kind = 'partner' AND target_id = $1 AND action LIKE 'billing.%' ORDER BY id", [p.partnerId]);
  assert.deepEqual(audit.rows.map((a) => a.action), ['billing.cms_consented']);

  // bill 1: due in 12 hours (its due date has come) → debited once, succeeds → paid
  const b1 = await insertBill(sys, p.partnerId, { totalKrw: 12_000, dueAt: new Date(clock.now().getTime() + 12 * HOUR), method: 'cms', monthsAgo: 2 });
  // bill 2: due in 3 days → not yet
  const b2 = await insertBill(sys, p.partnerId, { totalKrw: 15_000, dueAt: new Date(clock.now().getTime() + 3 * DAY), method: 'cms', monthsAgo: 1 });
  assert.equal(await requestDueDebits(sys.ctx, sys.bank.gateway), 1);
  await settled(b1.id);
  assert.deepEqual((await debitsOf(b1.id)).map((d) => [d.state, d.resultCode, d.amount]), [['succeeded', '0000', 12_000]]);
  assert.deepEqual(await billOf(sys, b1.id).then((b) => [b.state, b.paid]), ['paid', 12_000]);
  assert.deepEqual(await paymentsOf(sys, b1.id), [{ source: 'cms', amount: 12_000, reversed: false }]);
  assert.deepEqual(await debitsOf(b2.id), [], 'bill 2 is not due yet');
  assert.equal(await requestDueDebits(sys.ctx, sys.bank.gateway), 0, 'a bill is debited once');

  // two days on, bill 2's due date has come; the payer's balance is short (잔액부족)
  clock.advance(2 * DAY + HOUR);
  const payer = await sys.database.pool.query<{ cms_payer_ref: string }>('SELECT cms_payer_ref FROM billing_accounts WHERE partner_id = $1', [p.partnerId]);
  assert.ok(sys.bank.simulator!.failNextDebits(payer.rows[0]!.cms_payer_ref));
  assert.equal(await requestDueDebits(sys.ctx, sys.bank.gateway), 1);
  await settled(b2.id);
  assert.deepEqual((await debitsOf(b2.id)).map((d) => [d.state, d.resultCode]), [['failed', '0001']]);
  assert.deepEqual(await billOf(sys, b2.id).then((b) => [b.state, b.paid]), ['due', 0], 'unpaid: overdue at its due time through the arrears sweep');
  assert.equal(await requestDueDebits(sys.ctx, sys.bank.gateway), 0, 'a failed debit is not repeated by itself');

  // the consent withdrawn: back to the virtual account, no more debits
  const off = await p.call('DELETE', '/v1/partner/billing/cms');
  assertStatus(off, 200);
  assert.deepEqual([off.body.method, off.body.cms], ['virtual_account', null]);
  assert.ok(off.body.cmsWithdrawnAt);
  const b3 = await insertBill(sys, p.partnerId, { totalKrw: 9_000, dueAt: new Date(clock.now().getTime() + HOUR), method: 'cms', monthsAgo: 3 });
  assert.equal(await requestDueDebits(sys.ctx, sys.bank.gateway), 0);
  assert.deepEqual(await debitsOf(b3.id), []);
  const audit2 = await sys.database.pool.query<{ action: string }>("SELECT action FROM audit_log WHERE target_kind = 'partner' AND target_id = $1 AND action LIKE 'billing.%' ORDER BY id", [p.partnerId]);
  assert.deepEqual(audit2.rows.map((a) => a.action), ['billing.cms_consented', 'billing.cms_withdrawn']);
});

test('a debit whose request never reached the bank is sent again with the same requestId and applied once', async () => {
  const p = await messagingPartner(sys);
  assertStatus(await p.call('PUT', '/v1/partner/billing/cms', { bankCode: '088', accountNo: '56012345678901', holder: '파트너', consent: true }), 200);
  const bill = await insertBill(sys, p.partnerId, { totalKrw: 7_700, dueAt: new Date(clock.now().getTime() + HOUR), method: 'cms' });
  sys.bank.simulator!.setFaults({ failRate: 1 });
  try {
    assert.equal(await requestDueDebits(sys.ctx, sys.bank.gateway), 1, 'the row is written first; the call fails (503)');
  } finally {
    sys.bank.simulator!.setFaults({ failRate: 0 });
  }
  assert.deepEqual((await debitsOf(bill.id)).map((d) => d.state), ['requested']);
  assert.equal(await requestDueDebits(sys.ctx, sys.bank.gateway), 0, 'not re-sent before ten minutes');
  clock.advance(11 * 60_000);
  const debitsBefore = sys.bank.simulator!.stats().debits;
  assert.equal(await requestDueDebits(sys.ctx, sys.bank.gateway), 0, 'no new debit: the old one is sent again');
  await settled(bill.id);
  assert.equal(sys.bank.simulator!.stats().debits, debitsBefore + 1);
  assert.deepEqual(await billOf(sys, bill.id).then((b) => [b.state, b.paid]), ['paid', 7_700]);
  assert.equal((await debitsOf(bill.id)).length, 1);
});

test('the bank unreachable: the account is not issued (bank_unavailable, 502) and is issued by a later call', async () => {
  const p = await messagingPartner(sys);
  const down: BankGateway = {
    issueVirtualAccount: () => Promise.reject(new BankTransientError('bank gateway: timed out')),
    registerPayer: () => Promise.reject(new BankTransientError('bank gateway: timed out')),
    requestDebit: () => Promise.reject(new BankTransientError('bank gateway: timed out')),
  };
  await assert.rejects(ensureBillingAccount(sys.ctx, down, p.partnerId), (e: unknown) => e instanceof AppError && e.code === 'bank_unavailable' && e.status === 502);
  const row = await sys.database.pool.query('SELECT va_account_no FROM billing_accounts WHERE partner_id = $1', [p.partnerId]);
  assert.equal(row.rows[0]?.va_account_no ?? null, null);
  const acc = await p.call('GET', '/v1/partner/billing/account');
  assertStatus(acc, 200);
  assert.match(acc.body.virtualAccount.accountNo, /^\d{14}$/);
});
