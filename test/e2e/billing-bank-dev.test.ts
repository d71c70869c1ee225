// POST /dev/bank/deposits (issue 11 item 9): sandbox money on the embedded default — the in-process bank simulator
// sends a signed deposit notice; loopback callers only; bad input names the field. With BANK_GATEWAY_URL set
// (production) the route does not exist, and the bank is reached over the relay protocol: here a second system uses
// the first one's simulator as its standalone bank (as `hanbill bank-sim` would be), notices pushed to its own URL.
// Own database on PostgreSQL: the billing tick and requestDueDebits of other files work on every bill of a shared one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { messagingPartner } from './messaging-support.ts';
import { acknowledged, assertStatus, billOf, insertBill, startBankTestSystem } from './billing-bank-support.ts';
import { waitFor } from '../support/wait-for.ts';

const SECRET = crypto.randomBytes(24).toString('base64url');
const DAY = 86_400_000;
const clock = new ManualClock(new Date());
let sys: TestSystem;
before(async () => {
  sys = await startBankTestSystem('bankdev', clock, SECRET);
});
after(async () => {
  await sys?.close();
});

const post = (base: string, body: unknown) =>
  fetch(`${base}/dev/bank/deposits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

test('POST /dev/bank/deposits: a loopback caller makes the simulator send a deposit notice; others get 403; bad input names the field', async () => {
  const p = await messagingPartner(sys);
  const acc = await p.call('GET', '/v1/partner/billing/account');
  assertStatus(acc, 200);
  const va = acc.body.virtualAccount as { accountNo: string };
  const bill = await insertBill(sys, p.partnerId, { totalKrw: 55_000, dueAt: new Date(clock.now().getTime() + 7 * DAY) });

  const r = await post(sys.url, { account: va.accountNo, amount: 55_000, depositor: '홍길동' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.match(r.body.transactionId, /^D\d{8}/);
  await acknowledged(sys, r.body.transactionId);
  assert.deepEqual(await billOf(sys, bill.id).then((b) => [b.state, b.paid]), ['paid', 55_000]);
  const notice = await sys.database.pool.query<{ depositor: string; partner_id: string }>('SELECT depositor, partner_id FROM bank_notices WHERE transaction_id = $1', [r.body.transactionId]);
  assert.deepEqual([notice.rows[0]!.depositor, Number(notice.rows[0]!.partner_id)], ['홍길동', p.partnerId]);

  const remote = await sys.app!.inject({ method: 'POST', url: '/dev/bank/deposits', remoteAddress: '203.0.113.5', headers: { 'x-forwarded-for': '127.0.0.1' }, payload: { account: va.accountNo, amount: 1_000 } });
  assert.equal(remote.statusCode, 403);
  assert.equal(remote.json().error.code, 'forbidden');

  const field = async (body: unknown) => {
    const a = await post(sys.url, body);
    assert.equal(a.status, 400, JSON.stringify(a.body));
    return a.body.error.field;
  };
  assert.equal(await field({ amount: 1_000 }), 'account');
  assert.equal(await field({ account: 'abc', amount: 1_000 }), 'account');
  assert.equal(await field({ account: va.accountNo }), 'amount');
  assert.equal(await field({ account: va.accountNo, amount: '1000' }), 'amount');
  assert.equal(await field({ account: va.accountNo, amount: 0 }), 'amount');
  assert.equal(await field({ account: va.accountNo, amount: 1_000, depositor: 7 }), 'depositor');
  assert.equal(sys.bank.simulator!.stats().notices, 1, 'refused requests sent nothing');
});

test('BANK_GATEWAY_URL set: no /dev/bank/deposits; virtual accounts and notices over the relay protocol; the secret is required', async () => {
  assert.throws(() => loadConfig({ BANK_GATEWAY_URL: 'http://127.0.0.1:1' }), (e: unknown) => e instanceof ConfigError && e.message.includes('BANK_NOTICE_SECRET'));
  assert.throws(() => loadConfig({ HANBILL_BANK_SIM_FAULTS: 'bogus=1' }), (e: unknown) => e instanceof ConfigError && e.message.includes('HANBILL_BANK_SIM_FAULTS'));
  const prod = await startTestSystem({ BANK_GATEWAY_URL: sys.bank.simulator!.url, BANK_NOTICE_SECRET: SECRET }, { clock });
  try {
    assert.equal(prod.bank.simulator, undefined);
    const none = await post(prod.url, { account: '56200000000000', amount: 1_000 });
    assert.equal(none.status, 404);
    const p = await messagingPartner(prod);
    const acc = await p.call('GET', '/v1/partner/billing/account');
    assertStatus(acc, 200);
    assert.equal(acc.body.virtualAccount.bankCode, '088');
    const bill = await insertBill(prod, p.partnerId, { totalKrw: 20_000, dueAt: new Date(clock.now().getTime() + DAY) });
    // the bank (here: the other system's simulator, driven through its HTTP control endpoints as a standalone
    // `hanbill bank-sim` would be) pushes to the notice URL the gateway gave with the account
    const control = async (path: string, body: unknown) => {
      const r = await fetch(`${sys.bank.simulator!.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
      assert.equal(r.status, 200);
      return ((await r.json()) as { transactionId: string }).transactionId;
    };
    const settledBy = (tx: string) => waitFor(async () => sys.bank.simulator!.notice(tx), (n) => n?.acknowledged === true, { what: `notice ${tx} acknowledged by the production system` });
    const tx = await control('/_sim/deposits', { account: acc.body.virtualAccount.accountNo, amount: 20_000, depositor: '홍길동' });
    await settledBy(tx);
    assert.deepEqual(await billOf(prod, bill.id).then((b) => [b.state, b.paid]), ['paid', 20_000]);
    await settledBy(await control('/_sim/deposits/cancel', { transactionId: tx }));
    assert.deepEqual(await billOf(prod, bill.id).then((b) => [b.state, b.paid]), ['due', 0], 'the cancellation reversed it');
  } finally {
    await prod.close();
  }
});
