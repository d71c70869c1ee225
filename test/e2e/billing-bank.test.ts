// The bank (issue 11 items 4, 9, 10): the partner's fixed virtual account, deposit notices pushed by the in-process
// bank simulator, signed and applied once — exact, partial and over-payment (credit), a cancellation taking the money
// and its spent credit back, duplicates, bad signatures, malformed notices, an unknown account, a cancellation before
// its deposit; arrears lifted at once by a payment and re-suspended by a cancellation; the simulator retrying until
// our endpoint acknowledges. Most bills are SQL rows satisfying migrations/0012 (what the monthly run writes) and the
// credit is spent by SQL the way the run spends it; the last test bills through runBilling itself.
// Own database on PostgreSQL: the billing tick and requestDueDebits of other files work on every bill of a shared one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestSystem } from '../support/test-system.ts';
import { ManualClock, kstParts } from '../../src/platform/clock.ts';
import { runBilling } from '../../src/modules/settlement/billing/run-billing.ts';
import { inTransaction } from '../../src/platform/db/transaction.ts';
import { refreshBill, suspendForArrears } from '../../src/modules/settlement/billing/bill-state.ts';
import { applyBankNotice } from '../../src/modules/settlement/bank/receive-bank-notice.ts';
import { signNoticeBody, BANK_SIGNATURE_HEADER, BANK_TIMESTAMP_HEADER } from '../../src/modules/settlement/bank/bank-notice-signature.ts';
import { messagingPartner, type MessagingPartner } from './messaging-support.ts';
import { acknowledged, assertStatus, billOf, creditOf, depositAndWait, insertBill, partnerState, paymentsOf, startBankTestSystem } from './billing-bank-support.ts';

const SECRET = crypto.randomBytes(24).toString('base64url');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const clock = new ManualClock(new Date());
let sys: TestSystem;
before(async () => {
  sys = await startBankTestSystem('bank', clock, SECRET);
});
after(async () => {
  await sys?.close();
});

async function accountOf(p: MessagingPartner): Promise<{ bankCode: string; accountNo: string; holder: string; bankName: string }> {
  const r = await p.call('GET', '/v1/partner/billing/account');
  assertStatus(r, 200);
  return r.body.virtualAccount;
}

async function push(body: unknown, secret = SECRET): Promise<{ status: number; body: any }> {
  const text = JSON.stringify(body);
  const { timestamp, signature } = signNoticeBody(secret, text);
  const res = await fetch(`${sys.url}/bank/notices`, { method: 'POST', headers: { 'content-type': 'application/json', [BANK_TIMESTAMP_HEADER]: timestamp, [BANK_SIGNATURE_HEADER]: signature }, body: text });
  return { status: res.status, body: await res.json() };
}

const noticeRows = async (transactionId: string) => (await sys.database.pool.query<{ partner_id: string | null; kind: string }>('SELECT partner_id, kind FROM bank_notices WHERE transaction_id = $1', [transactionId])).rows;

test('a fixed virtual account; exact, partial and over-payment; the credit spent by a later bill; a cancellation takes the deposit and its spent credit back', async () => {
  const p = await messagingPartner(sys);
  const va = await accountOf(p);
  assert.equal(va.bankCode, '088');
  assert.equal(va.bankName, '신한은행');
  assert.match(va.accountNo, /^\d{14}$/);
  const company = await sys.database.pool.query<{ com_name: string }>('SELECT u.com_name FROM partners p JOIN portal_users u ON u.id = p.user_id WHERE p.id = $1', [p.partnerId]);
  assert.equal(va.holder, company.rows[0]!.com_name, 'the holder is the partner company');
  assert.equal((await accountOf(p)).accountNo, va.accountNo, 'the same account every time');
  const q = await messagingPartner(sys);
  const concurrent = await Promise.all([accountOf(q), accountOf(q), accountOf(q)]);
  assert.equal(new Set(concurrent.map((c) => c.accountNo)).size, 1, 'concurrent first calls: one account');
  assert.notEqual(concurrent[0]!.accountNo, va.accountNo, 'another partner, another account');

  const dueAt = new Date(clock.now().getTime() + 7 * DAY);
  const b1 = await insertBill(sys, p.partnerId, { totalKrw: 11_000, dueAt, monthsAgo: 3 });
  const b2 = await insertBill(sys, p.partnerId, { totalKrw: 22_000, dueAt, monthsAgo: 2 });

  await depositAndWait(sys, va.accountNo, 5_000);
  assert.deepEqual(await billOf(sys, b1.id).then((b) => [b.state, b.paid]), ['due', 5_000], 'partial: stays due with 6,000 left');
  assert.deepEqual(await billOf(sys, b2.id).then((b) => [b.state, b.paid]), ['due', 0], 'the oldest bill first');

  await depositAndWait(sys, va.accountNo, 6_000);
  assert.deepEqual(await billOf(sys, b1.id).then((b) => [b.state, b.paid]), ['paid', 11_000], 'exact remainder: paid');

  const over = await depositAndWait(sys, va.accountNo, 30_000);
  assert.deepEqual(await billOf(sys, b2.id).then((b) => [b.state, b.paid]), ['paid', 22_000]);
  assert.equal(await creditOf(sys, p.partnerId), 8_000, 'over-payment: 8,000 of credit');
  const entries = await sys.database.pool.query<{ reason: string; amount_krw: string }>('SELECT reason, amount_krw FROM billing_credit_entries WHERE partner_id = $1 ORDER BY id', [p.partnerId]);
  assert.deepEqual(entries.rows.map((e) => [e.reason, Number(e.amount_krw)]), [['overpayment', 8_000]]);

  // the next bill spends 5,500 of the credit, as the billing run does (a credit payment and an 'applied' entry)
  const b3 = await insertBill(sys, p.partnerId, { totalKrw: 5_500, dueAt, monthsAgo: 1 });
  await inTransaction(sys.ctx.db, async (tx) => {
    await tx.insertInto('bill_payments').values({ bill_id: b3.id, partner_id: p.partnerId, source: 'credit', amount_krw: 5_500, paid_at: clock.now() }).execute();
    await tx.insertInto('billing_credit_entries').values({ partner_id: p.partnerId, amount_krw: -5_500, reason: 'applied', bill_id: b3.id, created_at: clock.now() }).execute();
    await tx.updateTable('billing_accounts').set({ credit_krw: 2_500 }).where('partner_id', '=', p.partnerId).execute();
    await refreshBill(sys.ctx, tx, b3.id);
  });
  assert.equal((await billOf(sys, b3.id)).state, 'paid');

  // the bank cancels the 30,000 deposit: b2's 22,000 reversed; its 8,000 credit back — 2,500 from the balance, 5,500 off b3
  const cancel = sys.bank.simulator!.cancelDeposit(over)!;
  await acknowledged(sys, cancel);
  assert.deepEqual(await billOf(sys, b2.id).then((b) => [b.state, b.paid]), ['due', 0]);
  assert.deepEqual(await paymentsOf(sys, b2.id), [{ source: 'virtual_account', amount: 22_000, reversed: true }]);
  assert.deepEqual(await billOf(sys, b3.id).then((b) => [b.state, b.paid]), ['due', 0], 'the credit it paid with is gone');
  assert.equal(await creditOf(sys, p.partnerId), 0);
  assert.deepEqual(await billOf(sys, b1.id).then((b) => [b.state, b.paid]), ['paid', 11_000], 'other deposits stay');
  assert.equal((await noticeRows(cancel))[0]!.kind, 'deposit_cancel');
  assert.equal((await partnerState(sys, p.partnerId)).state, 'active', 'not due yet: not suspended');
});

test('a notice is applied once (duplicates, concurrent too); a bad signature 401 and a malformed notice 400 store nothing; an unknown account is kept; a cancellation before its deposit', async () => {
  const p = await messagingPartner(sys);
  const va = await accountOf(p);
  const bill = await insertBill(sys, p.partnerId, { totalKrw: 10_000, dueAt: new Date(clock.now().getTime() + DAY) });
  const notice = { type: 'deposit', transactionId: `T${crypto.randomBytes(6).toString('hex')}`, bankCode: va.bankCode, accountNo: va.accountNo, amountKrw: 10_000, depositor: '홍길동', occurredAt: clock.now().toISOString() };
  const [a, b] = await Promise.all([push(notice), push(notice)]);
  assert.deepEqual([a.status, b.status], [200, 200]);
  assert.deepEqual([a.body.applied, b.body.applied].sort(), [false, true], 'one applies, the other finds it applied');
  const again = await push(notice);
  assert.deepEqual([again.status, again.body.applied], [200, false]);
  assert.deepEqual(await paymentsOf(sys, bill.id), [{ source: 'virtual_account', amount: 10_000, reversed: false }]);
  assert.equal((await billOf(sys, bill.id)).state, 'paid');

  const forged = { ...notice, transactionId: `T${crypto.randomBytes(6).toString('hex')}` };
  assert.equal((await push(forged, 'not-the-secret-at-all')).status, 401);
  const unsigned = await fetch(`${sys.url}/bank/notices`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forged) });
  assert.equal(unsigned.status, 401);
  assert.deepEqual(await noticeRows(forged.transactionId), [], 'nothing stored');

  const noAmount = await push({ ...forged, amountKrw: undefined });
  assert.deepEqual([noAmount.status, noAmount.body.field], [400, 'amountKrw']);
  const badType = await push({ ...forged, type: 'refund' });
  assert.deepEqual([badType.status, badType.body.field], [400, 'type']);
  const badTime = await push({ ...forged, occurredAt: 'yesterday' });
  assert.deepEqual([badTime.status, badTime.body.field], [400, 'occurredAt']);
  const nul = await push({ ...forged, depositor: '홍\u0000길동' });
  assert.deepEqual([nul.status, nul.body.field], [400, 'depositor'], 'a NUL the database cannot store: 400 naming it, not 503 retried for ever');
  assert.deepEqual(await noticeRows(forged.transactionId), []);

  // a deposit into an account of no partner: kept (partner null), acknowledged, applied to nothing
  const stray = await depositAndWait(sys, '56200000000001', 4_000);
  assert.deepEqual(await noticeRows(stray), [{ partner_id: null, kind: 'deposit' }]);

  // the simulator pushing every notice twice: applied once
  const bill2 = await insertBill(sys, p.partnerId, { totalKrw: 3_000, dueAt: new Date(clock.now().getTime() + DAY) });
  sys.bank.simulator!.setFaults({ duplicateRate: 1 });
  try {
    const pushesBefore = sys.bank.simulator!.stats().pushes;
    await depositAndWait(sys, va.accountNo, 3_000);
    const { waitFor } = await import('../support/wait-for.ts');
    await waitFor(async () => sys.bank.simulator!.stats().pushes - pushesBefore, (n) => n >= 2, { what: 'the duplicate push' });
  } finally {
    sys.bank.simulator!.setFaults({ duplicateRate: 0 });
  }
  assert.deepEqual(await paymentsOf(sys, bill2.id), [{ source: 'virtual_account', amount: 3_000, reversed: false }]);

  // a cancellation that arrives before its deposit: kept; the deposit then pays nothing
  const bill3 = await insertBill(sys, p.partnerId, { totalKrw: 2_000, dueAt: new Date(clock.now().getTime() + DAY) });
  const depId = `T${crypto.randomBytes(6).toString('hex')}`;
  const c = await applyBankNotice(sys.ctx, { type: 'deposit_cancel', transactionId: `C${depId}`, cancelsTransactionId: depId, bankCode: va.bankCode, accountNo: va.accountNo, amountKrw: 2_000, occurredAt: clock.now() });
  assert.deepEqual(c, { applied: true, reason: 'deposit_not_yet' });
  const d = await applyBankNotice(sys.ctx, { type: 'deposit', transactionId: depId, bankCode: va.bankCode, accountNo: va.accountNo, amountKrw: 2_000, depositor: '홍길동', occurredAt: clock.now() });
  assert.deepEqual(d, { applied: true, reason: 'cancelled_before' });
  assert.deepEqual(await billOf(sys, bill3.id).then((b) => [b.state, b.paid]), ['due', 0]);
});

test('arrears: paying the overdue bill restores the partner at once; a cancelled deposit makes it overdue and suspended again', async () => {
  const p = await messagingPartner(sys);
  const va = await accountOf(p);
  const bill = await insertBill(sys, p.partnerId, { totalKrw: 33_000, dueAt: new Date(clock.now().getTime() - HOUR) });
  // the arrears sweep's step (billing tick): overdue → suspended
  await inTransaction(sys.ctx.db, async (tx) => {
    assert.equal((await refreshBill(sys.ctx, tx, bill.id)).state, 'overdue');
    await suspendForArrears(sys.ctx, tx, p.partnerId, [bill.orderNo]);
  });
  const refused = await p.call('GET', '/v1/sender-numbers');
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'partner_suspended');
  assert.equal(refused.body.error.legacyCode, '2006');
  assertStatus(await p.call('GET', '/v1/partner/billing/account'), 200); // what to pay and where stays readable

  const dep = await depositAndWait(sys, va.accountNo, 33_000);
  assert.equal((await billOf(sys, bill.id)).state, 'paid');
  assert.deepEqual(await partnerState(sys, p.partnerId), { state: 'active', kind: '' }, 'restored at once');
  assertStatus(await p.call('GET', '/v1/sender-numbers'), 200);

  const cancel = sys.bank.simulator!.cancelDeposit(dep)!;
  await acknowledged(sys, cancel);
  assert.equal((await billOf(sys, bill.id)).state, 'overdue');
  assert.deepEqual(await partnerState(sys, p.partnerId), { state: 'suspended', kind: 'arrears' });
  assert.equal((await p.call('GET', '/v1/sender-numbers')).status, 403);

  await depositAndWait(sys, va.accountNo, 33_000, '재입금');
  assert.deepEqual(await partnerState(sys, p.partnerId), { state: 'active', kind: '' });
  const audits = await sys.database.pool.query<{ action: string }>("SELECT action FROM audit_log WHERE target_kind = 'partner' AND target_id = $1 AND action IN ('partner.suspended', 'partner.restored') ORDER BY id", [p.partnerId]);
  assert.deepEqual(audits.rows.map((r) => r.action), ['partner.suspended', 'partner.restored', 'partner.suspended', 'partner.restored']);
});

test('the simulator retries a notice until our endpoint acknowledges it', async () => {
  const p = await messagingPartner(sys);
  const va = await accountOf(p);
  const bill = await insertBill(sys, p.partnerId, { totalKrw: 8_800, dueAt: new Date(clock.now().getTime() + DAY) });
  // our endpoint behind a proxy that fails the first two pushes (as an unavailable server would)
  let seen = 0;
  const proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen++;
      if (seen <= 2) {
        res.writeHead(503).end();
        return;
      }
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      for (const h of [BANK_TIMESTAMP_HEADER, BANK_SIGNATURE_HEADER]) headers[h] = String(req.headers[h]);
      fetch(`${sys.url}/bank/notices`, { method: 'POST', headers, body: Buffer.concat(chunks) })
        .then(async (r) => res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text()))
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  try {
    // the bank is told the notice URL of the account (as a bank is configured with it)
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/bank/notices`;
    const issued = await fetch(`${sys.bank.simulator!.url}/v1/virtual-accounts`, { method: 'POST', body: JSON.stringify({ partnerRef: `partner:${p.partnerId}`, holder: va.holder, noticeUrl: proxyUrl }) });
    assert.equal(((await issued.json()) as { accountNo: string }).accountNo, va.accountNo, 'the same partnerRef, the same account');
    const tx = sys.bank.simulator!.deposit({ accountNo: va.accountNo, amountKrw: 8_800, depositor: '홍길동' });
    await acknowledged(sys, tx, 20_000);
    assert.equal(sys.bank.simulator!.notice(tx)!.attempts, 3, 'two refusals, then acknowledged');
    assert.equal(seen, 3);
    assert.equal((await billOf(sys, bill.id)).state, 'paid');
    assert.equal((await noticeRows(tx)).length, 1);
  } finally {
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  }
});

test('through the simulator\'s faults (lost pushes, lost acknowledgements, duplicates, late notices) every deposit is applied exactly once', async () => {
  const p = await messagingPartner(sys);
  const va = await accountOf(p);
  const bills = [];
  for (let i = 0; i < 10; i++) bills.push(await insertBill(sys, p.partnerId, { totalKrw: 1_000 * (i + 1), dueAt: new Date(clock.now().getTime() + DAY), monthsAgo: 24 - i }));
  const sim = sys.bank.simulator!;
  sim.setPushRetryMs(20, 200);
  sim.setFaults({ pushFailRate: 0.3, lostAckRate: 0.3, duplicateRate: 0.5, lateRate: 0.3, lateMs: 200 });
  const injected = () => sim.stats().injected.pushFail + sim.stats().injected.lostAck;
  const injectedBefore = injected();
  try {
    const txs = [];
    for (let i = 0; i < 10; i++) txs.push(sim.deposit({ accountNo: va.accountNo, amountKrw: 1_000 * (i + 1), depositor: `입금${i}` }));
    for (const tx of txs) await acknowledged(sys, tx, 30_000);
    assert.ok(injected() > injectedBefore, `faults were injected: ${JSON.stringify(sim.stats().injected)}`);
  } finally {
    sim.setFaults({ pushFailRate: 0, lostAckRate: 0, duplicateRate: 0, lateRate: 0, lateMs: 0 });
    sim.setPushRetryMs(500, 60_000);
  }
  // whatever order the notices came in, the 55,000 paid the ten bills and nothing twice
  const paid = await sys.database.pool.query<{ n: string; sum: string }>('SELECT count(*) AS n, sum(amount_krw) AS sum FROM bill_payments WHERE partner_id = $1 AND reversed_at IS NULL', [p.partnerId]);
  assert.equal(Number(paid.rows[0]!.sum), 55_000);
  const notices = await sys.database.pool.query<{ n: string }>("SELECT count(*) AS n FROM bank_notices WHERE partner_id = $1 AND kind = 'deposit'", [p.partnerId]);
  assert.equal(Number(notices.rows[0]!.n), 10);
  for (const b of bills) assert.equal((await billOf(sys, b.id)).state, 'paid');
  assert.equal(await creditOf(sys, p.partnerId), 0);
});

test('with the monthly run: an over-payment\'s credit is spent by the next month\'s bill; the deposit cancelled, that credit comes back off it', async () => {
  const p = await messagingPartner(sys);
  const va = await accountOf(p);
  const unit = await sys.database.pool.query<{ id: string }>("SELECT id FROM service_units WHERE metered_item = 'message_alimtalk' AND retired_at IS NULL ORDER BY id LIMIT 1");
  const k = kstParts(clock.now());
  const month = (back: number) => {
    const d = new Date(Date.UTC(k.year, k.month - 1 - back, 15));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  };
  const usage = async (period: string, priceKrw: number) =>
    sys.database.pool.query('INSERT INTO usage_records (event_key, partner_id, unit_id, metered_item, unit_price_krw, occurred_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      `test:${crypto.randomBytes(6).toString('hex')}`,
      p.partnerId,
      Number(unit.rows[0]!.id),
      'message_alimtalk',
      priceKrw,
      new Date(`${period}-15T03:00:00Z`),
    ]);
  const billOfPeriod = async (period: string) => {
    const r = await sys.database.pool.query<{ id: string }>('SELECT id FROM bills WHERE partner_id = $1 AND period = $2', [p.partnerId, `${period}-01`]);
    return Number(r.rows[0]!.id);
  };

  await usage(month(2), 10_000);
  await runBilling(sys.ctx, { period: month(2), startedBy: 'dev', issueInvoices: false });
  const a = await billOfPeriod(month(2));
  assert.deepEqual(await billOf(sys, a).then((b) => [b.state, b.total]), ['due', 11_000], 'supply 10,000 + VAT 1,000');
  const over = await depositAndWait(sys, va.accountNo, 15_000);
  assert.equal((await billOf(sys, a)).state, 'paid');
  assert.equal(await creditOf(sys, p.partnerId), 4_000);

  await usage(month(1), 5_000);
  await runBilling(sys.ctx, { period: month(1), startedBy: 'dev', issueInvoices: false });
  const b = await billOfPeriod(month(1));
  assert.deepEqual(await billOf(sys, b).then((x) => [x.state, x.total, x.paid]), ['due', 5_500, 4_000], 'the run spent the credit');
  assert.equal(await creditOf(sys, p.partnerId), 0);
  await depositAndWait(sys, va.accountNo, 1_500);
  assert.equal((await billOf(sys, b)).state, 'paid');

  await acknowledged(sys, sys.bank.simulator!.cancelDeposit(over)!);
  assert.deepEqual(await billOf(sys, a).then((x) => [x.state, x.paid]), ['due', 0]);
  assert.deepEqual(await billOf(sys, b).then((x) => [x.state, x.paid]), ['due', 1_500], 'the 4,000 of credit it was paid with is gone; the 1,500 deposit stays');
  assert.deepEqual(await paymentsOf(sys, b), [
    { source: 'credit', amount: 4_000, reversed: true },
    { source: 'virtual_account', amount: 1_500, reversed: false },
  ]);
  assert.equal(await creditOf(sys, p.partnerId), 0);
});
