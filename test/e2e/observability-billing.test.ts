// Billing-run metrics (issue 15 item 3): a finished run counts one `finished` run and sets the last-run timestamp from
// the application clock; a run stopped by an error counts one `stopped` run and leaves the timestamp. On a database of
// its own (a billing run bills every partner of the database). The counters are this process's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { metrics } from '../../src/platform/metrics.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { runBilling } from '../../src/modules/settlement/billing/run-billing.ts';

let privateDb: PrivateDatabase;
let sys: TestSystem;
before(async () => {
  privateDb = await usePrivateDatabase('obsbill');
  sys = await startTestSystem({}, { clock: new ManualClock(new Date('2026-03-10T01:02:03Z')) });
});
after(async () => {
  await sys?.close();
  await privateDb?.drop();
});

test('a finished billing run and a stopped one are counted; the last-run time is the finished one\'s', async () => {
  const finished = metrics.value('hanbill_billing_runs_total', { outcome: 'finished' });
  const stopped = metrics.value('hanbill_billing_runs_total', { outcome: 'stopped' });
  const r = await runBilling(sys.ctx, { period: '2026-01', startedBy: 'dev' });
  assert.equal(r.finished, true);
  assert.equal(metrics.value('hanbill_billing_runs_total', { outcome: 'finished' }) - finished, 1);
  const at = metrics.value('hanbill_billing_last_run_timestamp_seconds');
  assert.equal(at, Date.parse('2026-03-10T01:02:03Z') / 1000, 'the application clock, in seconds');

  // a run that stops midway: the database refuses the query of the partners to bill (raw SQL goes through getExecutor)
  const db = sys.ctx.db;
  const failing = new Proxy(db, {
    get(target, key) {
      if (key === 'getExecutor') throw new Error('connection lost');
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  await assert.rejects(runBilling({ ...sys.ctx, db: failing }, { period: '2026-02', startedBy: 'dev' }), /connection lost/);
  assert.equal(metrics.value('hanbill_billing_runs_total', { outcome: 'stopped' }) - stopped, 1);
  assert.equal(metrics.value('hanbill_billing_last_run_timestamp_seconds'), at);
});
