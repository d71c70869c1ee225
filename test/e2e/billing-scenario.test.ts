// Billing scenario (issue 11 "Tests that must pass"), an injected clock driven through a month on both engines:
// partner A sends AlimTalk and issues a document in October → 결제예정내역 → the clock reaches the 5th (POST /dev/clock)
// → the billing tick bills October → a tax invoice issued by the platform (approval number), mailed and filed with
// the NTS simulator (state 3) with the bill's amounts → a deposit on the 9th through the bank simulator → paid.
// Partner B does not pay → after its due date 미납, suspended (REST partner_suspended, legacy 2006) and mailed the
// arrears notice (once) → pays into its virtual account → restored at once. Own database on PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestSystem } from '../support/test-system.ts';
import { startTestSystem } from '../support/test-system.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import { waitFor } from '../support/wait-for.ts';
import { rest } from '../support/http.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { sender, type Sender } from './messaging-send-support.ts';
import { issueDocuments, ntsTestEnv, registerMember, sampleDocument, waitSettled } from './nts-support.ts';

const clock = new ManualClock(new Date('2026-10-12T01:00:00Z')); // 10:00 KST, 12 October
let sys: TestSystem;
let privateDb: PrivateDatabase;
before(async () => {
  privateDb = await usePrivateDatabase('billscen');
  // test systems do not schedule the billing tick (HANBILL_BILLING_TICK_MS=0): POST /dev/clock runs it as time moves
  sys = await startTestSystem(ntsTestEnv({ HANBILL_CARRIER_SIM_DELAY_MS: '10' }), { clock });
});
after(async () => {
  await sys?.close();
  await privateDb?.drop();
});

const vars = { 고객명: '홍길동', 상품: '우산', 주문번호: 'A-1' };
const op = () => ({ authorization: `Bearer ${sys.operatorToken}` });
const q = async <T = any>(text: string, params: unknown[] = []) => (await sys.database.pool.query(text, params)).rows as T[];

async function alimtalk(s: Sender, to: string[]): Promise<void> {
  const r = await s.call('POST', '/v1/messages', { type: 'alimtalk', channelId: s.channelId, templateCode: s.templateCode, recipients: to.map((t) => ({ to: t, variables: vars })) });
  assert.equal(r.status, 202, r.text);
  const id = r.body.id as number;
  await waitFor(async () => (await s.call('GET', `/v1/messages/${id}`)).body, (b: any) => b.state === 'done', { what: `batch ${id} done`, timeoutMs: 30_000 });
}

async function advance(duration: string) {
  const r = await rest(sys.url, 'POST', '/dev/clock', { advance: duration });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(!r.body.ran.billing?.error, JSON.stringify(r.body.ran));
  return r.body;
}

const billOf = async (partnerId: number) => (await q('SELECT * FROM bills WHERE partner_id = $1', [partnerId]))[0];
const emailOf = async (partnerId: number) => (await q<{ email: string }>('SELECT u.email FROM partners p JOIN portal_users u ON u.id = p.user_id WHERE p.id = $1', [partnerId]))[0]!.email;

async function deposit(accountNo: string, amount: number, depositor: string) {
  const r = await rest(sys.url, 'POST', '/dev/bank/deposits', { account: accountNo, amount, depositor });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.transactionId as string;
}

test('a month of usage billed on the 5th with a mailed and filed tax invoice; paid on the 9th; the other partner suspended after the due date and restored on payment', async () => {
  // October: A sends 2 AlimTalk (10 won) and issues a document at its contract price (100 won); B sends 1
  const a = await sender(sys);
  const b = await sender(sys);
  const docUnit = Number((await q('SELECT id FROM service_units WHERE metered_item = $1 AND retired_at IS NULL ORDER BY id LIMIT 1', ['tax_invoice_issued']))[0].id);
  const price = await rest(sys.url, 'PUT', `/v1/operator/partners/${a.partnerId}/unit-prices/${docUnit}`, { unitPriceKrw: 100, validFrom: '2026-10-01' }, op());
  assert.equal(price.status, 200, JSON.stringify(price.body));
  await alimtalk(a, ['01023456789', '01033334444']);
  await alimtalk(b, ['01055556666']);
  const m = await registerMember(sys);
  await q('UPDATE members SET partner_id = $1 WHERE id = $2', [a.partnerId, m.memberId]);
  await issueDocuments(sys.ctx, m, [sampleDocument('0101', m.bizno, '20261012')]);

  const expected = await a.call('GET', '/v1/partner/billing/expected?month=2026-10');
  assert.equal(expected.status, 200, expected.text);
  assert.deepEqual(expected.body.total, { count: 3, supplyKrw: 120, vatKrw: 12, totalKrw: 132 });
  const expectedB = await b.call('GET', '/v1/partner/billing/expected?month=2026-10');
  assert.deepEqual(expectedB.body.total, { count: 1, supplyKrw: 10, vatKrw: 1, totalKrw: 11 });

  // 4 November, 23:00 KST: not yet the billing day
  clock.set(new Date('2026-11-04T14:00:00Z'));
  await advance('PT1M');
  assert.equal(await billOf(a.partnerId), undefined, 'nothing billed before the 5th');

  // the 5th, 09:01 KST: the tick bills October
  const on5th = await advance('PT10H');
  assert.equal(on5th.nowKst, '2026-11-05 09:01:00');
  assert.equal(on5th.ran.billing.period, '2026-10');
  assert.equal(on5th.ran.billing.ran, true);
  const billA = await billOf(a.partnerId);
  const billB = await billOf(b.partnerId);
  assert.ok(billA && billB);
  assert.deepEqual([Number(billA.supply_krw), Number(billA.vat_krw), Number(billA.total_krw)], [120, 12, 132], 'the bill equals the expected charges');
  assert.deepEqual([Number(billB.supply_krw), Number(billB.vat_krw), Number(billB.total_krw)], [10, 1, 11]);
  assert.match(billA.order_no, /^2610\d{6}$/);
  assert.equal(new Date(billA.due_at).toISOString(), new Date('2026-11-13T00:00:00+09:00').toISOString());

  // the invoice: issued (approval number), amounts equal to the bill, mailed to A, filed with the NTS (state 3)
  assert.ok(billA.invoice_document_id, 'invoice issued by the tick');
  const [doc] = await q('SELECT * FROM documents WHERE id = $1', [billA.invoice_document_id]);
  assert.match(doc.nts_issue_id, /^\d{24}$/);
  assert.deepEqual([Number(doc.supply_amt), Number(doc.tax_amt), Number(doc.total_amt)], [120, 12, 132]);
  const mailA = await sys.mail.catcher!.waitFor((mail) => mail.to.some((t) => t.address === doc.buy_email1) && mail.attachments.some((x) => x.contentType === 'application/pdf'), 20_000);
  assert.equal(doc.buy_email1, await emailOf(a.partnerId));
  assert.ok(mailA.subject.length > 0);
  const settled = await waitSettled(sys, [doc.dockey]);
  assert.equal(settled.get(doc.dockey)!.nts_state, '3', 'filed with the NTS simulator');

  // 9 November: A pays into its virtual account → 결제완료
  clock.set(new Date('2026-11-09T01:00:00Z'));
  const acct = await a.call('GET', '/v1/partner/billing/account');
  assert.equal(acct.status, 200, acct.text);
  await deposit(acct.body.virtualAccount.accountNo, 132, '파트너상사');
  await waitFor(() => billOf(a.partnerId), (bill: any) => bill.state === 'paid', { what: 'bill A paid', timeoutMs: 15_000 });

  // B does not pay: 13 November 00:00:01 KST (its due date, the 12th, is over) → 미납, suspended, notice mailed once
  const overdue = await advance('P3DT14H0M1S');
  assert.equal(overdue.nowKst, '2026-11-13 00:00:01');
  assert.equal((await billOf(b.partnerId)).state, 'overdue');
  assert.equal((await billOf(a.partnerId)).state, 'paid');
  const [pb] = await q('SELECT state, suspension_kind FROM partners WHERE id = $1', [b.partnerId]);
  assert.deepEqual(pb, { state: 'suspended', suspension_kind: 'arrears' });
  const [pa] = await q('SELECT state FROM partners WHERE id = $1', [a.partnerId]);
  assert.equal(pa.state, 'active');
  const refused = await b.call('GET', '/v1/sender-numbers');
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'partner_suspended');
  assert.equal(refused.body.error.legacyCode, '2006');
  // what to pay and where stays readable while suspended for arrears
  const owed = await b.call('GET', '/v1/partner/bills?state=overdue');
  assert.equal(owed.status, 200, owed.text);
  assert.deepEqual(owed.body.data.map((x: any) => x.orderNo), [billB.order_no]);
  assert.equal((await b.call('GET', '/v1/partner/billing/account')).status, 200);
  const emailB = await emailOf(b.partnerId);
  const notice = await sys.mail.catcher!.waitFor((mail) => mail.to.some((t) => t.address === emailB) && mail.subject.includes('미납'), 20_000);
  assert.ok(notice.text!.includes(billB.order_no), 'the notice names the order number');
  assert.ok(notice.text!.includes('11원'), 'the notice names the amount left');
  await waitFor(() => billOf(b.partnerId), (bill: any) => bill.notice_mailed_at !== null, { what: 'notice_mailed_at' });
  const [accountB] = await q('SELECT va_account_no FROM billing_accounts WHERE partner_id = $1', [b.partnerId]);
  assert.ok(accountB?.va_account_no && notice.text!.includes(accountB.va_account_no), 'the notice names the virtual account');
  // another tick: no second notice
  await advance('PT1H');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await sys.mail.catcher!.list()).filter((mail) => mail.to.some((t) => t.address === emailB) && mail.subject.includes('미납')).length, 1);

  // B pays: restored at once
  await deposit(accountB.va_account_no, 11, '파트너상사');
  await waitFor(async () => (await q('SELECT state FROM partners WHERE id = $1', [b.partnerId]))[0].state, (s: string) => s === 'active', { what: 'B restored', timeoutMs: 15_000 });
  assert.equal((await billOf(b.partnerId)).state, 'paid');
  const ok = await b.call('GET', '/v1/sender-numbers');
  assert.equal(ok.status, 200, ok.text);
});
