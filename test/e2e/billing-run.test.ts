// Monthly billing run (issue 11 item 3): one bill per partner and period when the run is repeated, run twice at
// once or killed midway and resumed; a zero-usage (or zero-won) month makes no bill; VAT floor(10 %) once per bill,
// 10-digit order numbers, the due date; the bill's tax invoice issued by the platform issuer with the bill's
// amounts; the operator route (400 / 409 naming period, audited); /dev/clock (and its absence in production mode).
// Own database on PostgreSQL (billing runs and the arrears sweep are installation-wide).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestSystem } from '../support/test-system.ts';
import { startTestSystem } from '../support/test-system.ts';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import { rest } from '../support/http.ts';
import { waitFor } from '../support/wait-for.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { AppError } from '../../src/platform/errors.ts';
import { runBilling } from '../../src/modules/settlement/billing/run-billing.ts';
import { billingTick } from '../../src/modules/settlement/billing/billing-tick.ts';
import { allocateVat } from '../../src/modules/settlement/billing/issue-bill-invoice.ts';
import { parseIsoDuration } from '../../src/faces/dev-clock/iso-duration.ts';
import { ntsTestEnv } from './nts-support.ts';
import { makePartner, operatorClient } from './portal-support.ts';

const clock = new ManualClock(new Date('2026-11-05T01:00:00Z')); // 10:00 KST on the 5th
let sys: TestSystem;
let privateDb: PrivateDatabase;
before(async () => {
  privateDb = await usePrivateDatabase('billrun');
  // test systems do not schedule the billing tick (HANBILL_BILLING_TICK_MS=0): these tests run it themselves
  sys = await startTestSystem(ntsTestEnv(), { clock });
});
after(async () => {
  await sys?.close();
  await privateDb?.drop();
});

const op = () => ({ authorization: `Bearer ${sys.operatorToken}` });
let seq = 0;

async function partner(on: TestSystem = sys): Promise<number> {
  return (await makePartner(on, await operatorClient(on))).partnerId;
}

async function unitOf(item: string, on: TestSystem = sys): Promise<number> {
  const r = await on.ctx.db.selectFrom('service_units').select('id').where('metered_item', '=', item).where('retired_at', 'is', null).orderBy('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Ledger rows of a partner (what delivery and issuing write), directly. */
async function usage(partnerId: number, item: string, price: number, n: number, at: string, on: TestSystem = sys): Promise<void> {
  const unit = await unitOf(item, on);
  for (let i = 0; i < n; i++) {
    await on.database.pool.query(
      'INSERT INTO usage_records (event_key, partner_id, subscription_id, unit_id, metered_item, quantity, unit_price_krw, occurred_at) VALUES ($1, $2, NULL, $3, $4, 1, $5, $6)',
      [`test:${partnerId}:${++seq}`, partnerId, unit, item, price, at],
    );
  }
}

const billsOf = async (partnerId: number) =>
  (await sys.database.pool.query('SELECT * FROM bills WHERE partner_id = $1 ORDER BY period', [partnerId])).rows as Record<string, any>[];

test('units: VAT allocation over lines, ISO durations', () => {
  assert.deepEqual(allocateVat([{ supplyKrw: 30 }, { supplyKrw: 24 }], 5), [3, 2]);
  assert.deepEqual(allocateVat([{ supplyKrw: 19 }, { supplyKrw: 19 }, { supplyKrw: 19 }], 5), [2, 2, 1]);
  assert.equal(allocateVat([{ supplyKrw: 9 }, { supplyKrw: 9 }], 1).reduce((a, b) => a + b, 0), 1);
  assert.equal(parseIsoDuration('P7D'), 7 * 86_400_000);
  assert.equal(parseIsoDuration('PT48H'), 48 * 3_600_000);
  assert.equal(parseIsoDuration('P1DT2H30M5S'), ((26 * 60 + 30) * 60 + 5) * 1000);
  for (const bad of ['P1M', 'P1Y', '7D', 'P', 'PT', 'P-1D', '']) assert.equal(parseIsoDuration(bad), undefined, bad);
});

test('repeated and concurrent runs bill once; zero usage and zero won make no bill; amounts, order number, due date, invoice', async () => {
  clock.set(new Date('2026-11-05T01:00:00Z'));
  const [a, zeroWon, idle] = [await partner(), await partner(), await partner()];
  await usage(a, 'message_alimtalk', 10, 3, '2026-10-01T00:30:00+09:00'); // the month's first minutes (KST)
  await usage(a, 'message_sms', 12, 2, '2026-10-31T23:59:00+09:00'); // … and its last
  await usage(a, 'message_sms', 12, 4, '2026-11-01T00:00:00+09:00'); // November: not in October's bill
  await usage(zeroWon, 'tax_invoice_issued', 0, 2, '2026-10-10T12:00:00+09:00');

  // two at once, then again: one bill
  const both = await Promise.all([runBilling(sys.ctx, { period: '2026-10', startedBy: 'test' }), runBilling(sys.ctx, { period: '2026-10', startedBy: 'test' })]);
  assert.equal(both[0].billsCreated + both[1].billsCreated, 1);
  const again = await runBilling(sys.ctx, { period: '2026-10', startedBy: 'test' });
  assert.deepEqual(again, { period: '2026-10', billsCreated: 0, billsTotal: 1, finished: true });
  assert.equal((await billsOf(zeroWon)).length, 0);
  assert.equal((await billsOf(idle)).length, 0);

  const [bill] = await billsOf(a);
  assert.ok(bill);
  assert.match(bill.order_no, /^2610\d{6}$/);
  assert.equal(Number(bill.supply_krw), 54); // 3 × 10 + 2 × 12
  assert.equal(Number(bill.vat_krw), 5); // floor(5.4)
  assert.equal(Number(bill.total_krw), 59);
  assert.equal(bill.state, 'due');
  assert.equal(bill.method, 'virtual_account');
  assert.equal(new Date(bill.due_at).toISOString(), new Date('2026-11-13T00:00:00+09:00').toISOString()); // through the 12th (5th + 7 days)
  assert.equal(bill.invoice_subkey, `bill-${bill.order_no}`);
  const lines = (await sys.database.pool.query('SELECT metered_item, quantity, unit_price_krw, supply_krw FROM bill_lines WHERE bill_id = $1 ORDER BY line_no', [bill.id])).rows;
  assert.deepEqual(lines.map((l) => [l.metered_item, Number(l.quantity), Number(l.unit_price_krw), Number(l.supply_krw)]).sort(), [['message_alimtalk', 3, 10, 30], ['message_sms', 2, 12, 24]]);
  const run = (await sys.database.pool.query("SELECT finished_at, bills_created FROM billing_runs WHERE period = '2026-10-01'")).rows[0];
  assert.ok(run.finished_at);
  assert.equal(Number(run.bills_created), 1);

  // the invoice: issued by the platform's subscription with the bill's amounts, 청구, write date = billing date
  assert.ok(bill.invoice_document_id, 'invoice issued by the run');
  const doc = (await sys.database.pool.query('SELECT * FROM documents WHERE id = $1', [bill.invoice_document_id])).rows[0];
  assert.equal(doc.proc_state, 'S');
  assert.ok(doc.nts_issue_id);
  assert.deepEqual([Number(doc.supply_amt), Number(doc.tax_amt), Number(doc.total_amt)], [54, 5, 59]);
  assert.equal(doc.subkey, bill.invoice_subkey);
  assert.equal((doc.write_date instanceof Date ? doc.write_date.toISOString() : String(doc.write_date)).slice(0, 10), '2026-11-05');
  const buyer = (await sys.database.pool.query('SELECT u.bizno FROM partners p JOIN portal_users u ON u.id = p.user_id WHERE p.id = $1', [a])).rows[0];
  assert.equal(doc.buy_bizno, buyer.bizno, 'the partner company is the buyer');
  const body = typeof doc.body === 'string' ? JSON.parse(doc.body) : doc.body;
  assert.equal(body.purpose, 'claim');
  assert.equal(body.lines.reduce((s: number, l: any) => s + l.supply, 0), 54);
  assert.equal(body.lines.reduce((s: number, l: any) => s + l.tax, 0), 5);
  assert.ok(body.remarks.some((r: string) => r.includes(bill.order_no)));

  // a month that has not ended
  await assert.rejects(runBilling(sys.ctx, { period: '2026-11', startedBy: 'test' }), (e: unknown) => e instanceof AppError && e.code === 'billing_period_open' && e.field === 'period');
});

test('a run killed midway resumes: one bill per partner', async () => {
  clock.set(new Date('2026-11-06T01:00:00Z'));
  const ps = [await partner(), await partner(), await partner()];
  for (const p of ps) await usage(p, 'message_lms', 39, 1, '2026-09-15T12:00:00+09:00');
  await assert.rejects(
    runBilling(sys.ctx, { period: '2026-09', startedBy: 'test', issueInvoices: false, afterBill: (n) => { if (n === 1) throw new Error('killed'); } }),
    /killed/,
  );
  const mid = (await sys.database.pool.query("SELECT finished_at, last_error FROM billing_runs WHERE period = '2026-09-01'")).rows[0];
  assert.equal(mid.finished_at, null);
  assert.match(mid.last_error, /killed/);
  const billed = (await Promise.all(ps.map(billsOf))).map((b) => b.length);
  assert.deepEqual(billed.sort(), [0, 0, 1]);
  const r = await runBilling(sys.ctx, { period: '2026-09', startedBy: 'test', issueInvoices: false });
  assert.equal(r.billsCreated, 2);
  assert.equal(r.billsTotal, 3);
  for (const p of ps) {
    const b = await billsOf(p);
    assert.equal(b.length, 1);
    assert.equal(Number(b[0]!.total_krw), 39 + 3);
  }
  // their invoices were not issued (as after a crash between the bill and its invoice): the next tick issues them
  assert.equal((await Promise.all(ps.map(billsOf))).filter((b) => b[0]!.invoice_document_id !== null).length, 0);
  const tick = await billingTick(sys.ctx);
  assert.equal(tick.invoicesIssued, 3);
  const billed2 = (await Promise.all(ps.map(billsOf))).map((b) => b[0]!);
  for (const b of billed2) {
    const [d] = (await sys.database.pool.query('SELECT nts_state, subkey, total_amt FROM documents WHERE id = $1', [b.invoice_document_id])).rows;
    assert.equal(d.subkey, b.invoice_subkey);
    assert.equal(Number(d.total_amt), 42);
    assert.ok(['1', '2', '3'].includes(d.nts_state), `queued for filing: ${d.nts_state}`);
  }
  // a crash after the issue but before the bill learnt it: the next tick finds the same document (its subkey)
  const lost = billed2[0]!;
  await sys.database.pool.query('UPDATE bills SET invoice_document_id = NULL WHERE id = $1', [lost.id]);
  assert.equal((await billingTick(sys.ctx)).invoicesIssued, 1);
  assert.equal((await billsOf(lost.partner_id))[0]!.invoice_document_id, lost.invoice_document_id);
  assert.equal(Number((await sys.database.pool.query('SELECT count(*) AS n FROM documents WHERE subkey = $1', [lost.invoice_subkey])).rows[0].n), 1, 'issued once');
});

test('operator route: runs a period, 400 / 409 naming period, 401 without the operator, audited', async () => {
  clock.set(new Date('2026-11-06T01:00:00Z'));
  const p = await partner();
  await usage(p, 'message_mms', 90, 2, '2026-08-20T12:00:00+09:00');
  const r = await rest(sys.url, 'POST', '/v1/operator/billing/runs', { period: '2026-08' }, op());
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body, { period: '2026-08', billsCreated: 1, billsTotal: 1, finished: true });
  const again = await rest(sys.url, 'POST', '/v1/operator/billing/runs', { period: '2026-08' }, op());
  assert.equal(again.body.billsCreated, 0);
  assert.equal((await billsOf(p)).length, 1);
  for (const [body, status] of [[{}, 400], [{ period: 202608 }, 400], [{ period: '2026-13' }, 400], [{ period: '202608' }, 400], [{ period: '2026-11' }, 409], [{ period: '2027-01' }, 409]] as const) {
    const bad = await rest(sys.url, 'POST', '/v1/operator/billing/runs', body, op());
    assert.equal(bad.status, status, JSON.stringify(bad.body));
    assert.equal(bad.body.error.field, 'period');
  }
  const anon = await rest(sys.url, 'POST', '/v1/operator/billing/runs', { period: '2026-08' });
  assert.equal(anon.status, 401);
  // a console operator's session: with its CSRF token, not without
  const console = await operatorClient(sys);
  assert.equal((await console.call('POST', '/v1/operator/billing/runs', { json: { period: '2026-08' }, noCsrf: true })).status, 403);
  const bySession = await console.call('POST', '/v1/operator/billing/runs', { json: { period: '2026-08' } });
  assert.equal(bySession.status, 200, bySession.text);
  assert.equal(bySession.body.billsTotal, 1);
  const audited = (await sys.database.pool.query("SELECT details FROM audit_log WHERE action = 'billing.run' ORDER BY id")).rows;
  assert.equal(audited.length, 3);
  assert.equal(audited[0].details.period, '2026-08');
});

test('/dev/clock: now in UTC and KST, moved forward by an ISO duration (the tick runs), bad durations name advance', async () => {
  clock.set(new Date('2026-11-06T01:00:00Z'));
  const g = await rest(sys.url, 'GET', '/dev/clock');
  assert.equal(g.status, 200);
  assert.equal(g.body.now, '2026-11-06T01:00:00.000Z');
  assert.equal(g.body.nowKst, '2026-11-06 10:00:00');
  const p = await rest(sys.url, 'POST', '/dev/clock', { advance: 'P1DT2H' });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.equal(p.body.now, '2026-11-07T03:00:00.000Z');
  assert.equal(clock.now().toISOString(), '2026-11-07T03:00:00.000Z');
  assert.ok(p.body.ran.billing && !p.body.ran.billing.error, JSON.stringify(p.body.ran));
  assert.ok(p.body.ran.messageSweep && !p.body.ran.messageSweep.error);
  for (const advance of ['P1M', 'soon', 'P-1D', 'PT0S', 'P401D', 7]) {
    const bad = await rest(sys.url, 'POST', '/dev/clock', { advance });
    assert.equal(bad.status, 400, `${advance}: ${JSON.stringify(bad.body)}`);
    assert.equal(bad.body.error.field, 'advance');
  }
  const missing = await rest(sys.url, 'POST', '/dev/clock', {});
  assert.equal(missing.status, 400);
  assert.equal(missing.body.error.field, 'advance');
  assert.equal(clock.now().toISOString(), '2026-11-07T03:00:00.000Z', 'nothing moved on bad input');
  // callers on other machines: 403, nothing moved (a forwarding header changes nothing)
  const remoteGet = await sys.app!.inject({ method: 'GET', url: '/dev/clock', remoteAddress: '203.0.113.5' });
  assert.equal(remoteGet.statusCode, 403);
  const remotePost = await sys.app!.inject({ method: 'POST', url: '/dev/clock', remoteAddress: '203.0.113.5', headers: { 'x-forwarded-for': '127.0.0.1' }, payload: { advance: 'P7D' } });
  assert.equal(remotePost.statusCode, 403);
  assert.equal(remotePost.json().error.code, 'forbidden');
  assert.equal(clock.now().toISOString(), '2026-11-07T03:00:00.000Z', 'nothing moved for a remote caller');
});

test('/dev/clock does not exist in production mode (a real NTS gateway: the simulators are not in process)', async () => {
  const prod = await startTestSystem({ NTS_GATEWAY_URL: 'http://127.0.0.1:9' });
  try {
    assert.equal((await rest(prod.url, 'GET', '/dev/clock')).status, 404);
    assert.equal((await rest(prod.url, 'POST', '/dev/clock', { advance: 'P1D' })).status, 404);
  } finally {
    await prod.close();
  }
});

test('the scheduled tick (HANBILL_BILLING_TICK_MS > 0) bills the previous month on its own on the billing day', async () => {
  // the 4th (KST): the tick already runs, but November is not billed before the 5th
  const clock2 = new ManualClock(new Date('2026-12-04T00:30:00Z'));
  const sched = await startTestSystem(ntsTestEnv({ HANBILL_BILLING_TICK_MS: '200' }), { clock: clock2 });
  try {
    const p = await partner(sched);
    await usage(p, 'message_alimtalk', 10, 5, '2026-11-20T12:00:00+09:00', sched);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal((await sched.database.pool.query('SELECT id FROM bills WHERE partner_id = $1', [p])).rows.length, 0, 'not before the billing day');
    clock2.set(new Date('2026-12-05T00:30:00Z')); // 09:30 KST on the 5th
    const bill = await waitFor(
      async () => (await sched.database.pool.query('SELECT total_krw, invoice_document_id FROM bills WHERE partner_id = $1', [p])).rows[0],
      (b: any) => b !== undefined && b.invoice_document_id !== null,
      { what: 'the November bill and its invoice, by the scheduled tick', timeoutMs: 20_000 },
    );
    assert.equal(Number(bill.total_krw), 55);
    const run = (await sched.database.pool.query("SELECT started_by, finished_at FROM billing_runs WHERE period = '2026-11-01'")).rows[0];
    assert.equal(run.started_by, 'schedule');
    assert.ok(run.finished_at);
  } finally {
    await sched.close();
  }
});

test('the embedded default runs on an OffsetClock: /dev/clock moves it, and the offset is kept in the data folder', async () => {
  const emb = await startTestSystem();
  try {
    const before = Date.now();
    const r = await rest(emb.url, 'POST', '/dev/clock', { advance: 'P2D' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.offsetMs, 2 * 86_400_000);
    const now = new Date((await rest(emb.url, 'GET', '/dev/clock')).body.now).getTime();
    assert.ok(now >= before + 2 * 86_400_000 && now < Date.now() + 2 * 86_400_000 + 1000, 'system time + 2 days');
    assert.ok(emb.ctx.clock.now().getTime() >= before + 2 * 86_400_000);
    const { loadOffsetClock } = await import('../../src/faces/dev-clock/clock-offset-file.ts');
    assert.equal(loadOffsetClock(emb.dataDir).offset, 2 * 86_400_000, 'a restart keeps the offset');
  } finally {
    await emb.close();
  }
});
