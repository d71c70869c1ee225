// Message delivery under trouble (issue 10 items 3–4): carrier faults (5xx, time-outs, lost answers), reports never
// pushed (polling), the 48-hour rule with an injected clock and a late report ignored, 10,000 results, and the
// stand-alone `hanbill carrier-sim` used through CARRIER_GATEWAY_URL.
import { after, before, describe, test } from 'node:test';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/platform/clock.ts';
import { expireUnreported } from '../../src/modules/messaging/delivery/sweep-deliveries.ts';
import { startTestSystem } from '../support/test-system.ts';
import { simChild } from '../support/child-server.ts';
import { waitFor } from '../support/wait-for.ts';
import { attemptsOf, batchRow, insertBatch, orderVariables, recipientsOf, sendBatch, statesOf, usageOf, type TestBatch } from './messaging-delivery-support.ts';
import { sender, type Sender } from './messaging-send-support.ts';
import type { System } from '../../src/main.ts';

// a database of its own on PostgreSQL: the message job queues are not per channel (yet), and the 48-hour test moves
// the clock of the whole sweep (it would expire other files' messages)
let privateDb: PrivateDatabase;
before(async () => {
  privateDb = await usePrivateDatabase('msgfault');
});
after(async () => {
  await privateDb?.drop();
});

async function untilDone(sys: System, b: TestBatch, timeoutMs = 60_000) {
  return waitFor(() => batchRow(sys, b), (r) => r.state === 'done', { what: `batch ${b.batchId} to be done`, timeoutMs, show: (r) => ({ state: r.state, pending: r.pending, success: r.success, failure: r.failure }) });
}

const phones = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ phone: `${prefix}${String(i).padStart(11 - prefix.length, '0')}` }));
const tos = (n: number, prefix: string) => phones(n, prefix).map((p, i) => ({ to: p.phone, variables: orderVariables(i) }));
/** An AlimTalk of the sender's approved template (fallbacks from its registered number). */
const alimtalk = (s: Sender, recipients: Record<string, unknown>[]) => ({ type: 'alimtalk', channelId: s.channelId, templateCode: s.templateCode, from: s.from, recipients });

describe('carrier faults', () => {
  test('30 % of calls fail (5xx, lost answers, time-outs): every recipient ends exactly once, billed once', async () => {
    const sys = await startTestSystem({
      HANBILL_CARRIER_SIM_DELAY_MS: '10',
      HANBILL_CARRIER_SIM_FAULTS: 'failRate=0.15,failAfterRate=0.1,timeoutRate=0.05,hangMs=1500,duplicateRate=0.3',
      HANBILL_CARRIER_TIMEOUT_MS: '400',
      // retries from 50 ms: at 1 s doubling a run of faults on one batch's calls costs a minute of waiting
      HANBILL_CARRIER_RETRY_MS: '50',
      HANBILL_CARRIER_POLL_MS: '500',
    });
    try {
      const batches: TestBatch[] = [];
      const s = await sender(sys);
      for (let i = 0; i < 6; i++) batches.push(await sendBatch(s, alimtalk(s, [...tos(5, `0106${i}`), { to: `0109999301${i}`, variables: orderVariables(i), fallback: { type: 'sms', text: '대체' } }])));
      for (const b of batches) {
        const batch = await untilDone(sys, b, 120_000);
        assert.equal(batch.success + batch.failure, 6);
        assert.equal(batch.success, 6, 'every recipient delivered (the 301x one by its fallback)');
        const attempts = await attemptsOf(sys, b);
        assert.equal(attempts.length, 7, 'one attempt per recipient plus one fallback: retries reuse the attempt id');
        assert.deepEqual(await statesOf(sys, b), { delivered: 6 });
        assert.equal((await usageOf(sys, b)).length, 6);
      }
      const stats = sys.carrier.simulator!.stats();
      assert.ok(stats.injected.fail + stats.injected.failAfter + stats.injected.timeout > 0 || stats.sendCalls >= 6, JSON.stringify(stats.injected));
    } finally {
      await sys.close();
    }
  });

  test('reports never pushed: polling finds the results', async () => {
    const sys = await startTestSystem({ HANBILL_CARRIER_SIM_DELAY_MS: '10', HANBILL_CARRIER_SIM_FAULTS: 'pushDisabled=1', HANBILL_CARRIER_POLL_MS: '200' });
    try {
      const s = await sender(sys);
      const b = await sendBatch(s, { type: 'sms', from: s.from, text: '폴링 시험', recipients: [...phones(3, '010444'), { phone: '01088883012' }].map((p) => ({ to: p.phone })) });
      const batch = await untilDone(sys, b);
      assert.deepEqual([batch.success, batch.failure], [3, 1]);
      assert.equal(sys.carrier.simulator!.stats().pushes, 0);
      assert.ok(sys.carrier.simulator!.stats().queryCalls > 0);
      const spam = (await recipientsOf(sys, b)).find((r) => r.phone === '01088883012')!;
      assert.deepEqual([spam.state, spam.result_code], ['failed', '3012']);
      assert.equal((await usageOf(sys, b)).length, 3);
    } finally {
      await sys.close();
    }
  });
});

test('the 48-hour rule: no result 48 h after sending → failed HB4800, not charged, no fallback; a late report changes nothing', async () => {
  const clock = new ManualClock(new Date());
  const sys = await startTestSystem({ HANBILL_CARRIER_SIM_DELAY_MS: '10' }, { clock });
  try {
    sys.carrier.simulator!.setFaults({ lateRate: 1, lateMs: 3_000 });
    const s = await sender(sys);
    const b = await sendBatch(
      s,
      alimtalk(s, [
        { to: '01077770010', variables: orderVariables(1), fallback: { type: 'sms', text: '대체' } }, // never reported
        { to: '01012349999', variables: orderVariables(2), fallback: { type: 'sms', text: '대체' } }, // reported 3 s late (a success)
      ]),
    );
    await waitFor(() => attemptsOf(sys, b), (a) => a.length === 2 && a.every((x) => x.state === 'sent'), { what: 'both attempts to be sent' });
    clock.advance(47 * 3_600_000);
    assert.equal(await expireUnreported(sys.ctx), 0, 'nothing expires before 48 hours');
    clock.advance(2 * 3_600_000);
    assert.equal(await expireUnreported(sys.ctx), 2);
    const batch = await batchRow(sys, b);
    assert.deepEqual([batch.state, batch.success, batch.failure, batch.pending], ['done', 0, 2, 0]);
    assert.deepEqual((await recipientsOf(sys, b)).map((r) => [r.state, r.result_code, r.attempts]), [['failed', 'HB4800', 1], ['failed', 'HB4800', 1]]);
    // the late success arrives now: stored nowhere, charged nothing
    await waitFor(() => sys.carrier.simulator!.stats().reportsPushed, (n) => n >= 1, { what: 'the late report to be pushed', timeoutMs: 20_000 });
    const attempts = await attemptsOf(sys, b);
    assert.deepEqual(attempts.map((a) => [a.state, a.result_code, a.is_fallback]), [['failed', 'HB4800', false], ['failed', 'HB4800', false]]);
    assert.equal((await usageOf(sys, b)).length, 0);
    assert.deepEqual([(await batchRow(sys, b)).success, (await batchRow(sys, b)).failure], [0, 2]);
  } finally {
    await sys.close();
  }
});

test('10,000 results are stored (simulator delay 0): time printed', async () => {
  const sys = await startTestSystem({ HANBILL_CARRIER_SIM_DELAY_MS: '0' });
  try {
    // inserted, not sent: the time is taken from dispatch on, so the batch must exist without its dispatch job (the
    // API enqueues that job in the accepting transaction); acceptance of 10,000 is timed in messaging-send.test.ts
    const b = await insertBatch(sys, { type: 'sms', recipients: phones(10_000, '0102'), dispatch: false });
    const started = performance.now();
    const { enqueueJob } = await import('../../src/platform/jobs.ts');
    const { messageQueuesOf, batchJobPayload } = await import('../../src/modules/messaging/sending/message-queues.ts');
    await enqueueJob(sys.ctx.db, messageQueuesOf(sys.ctx).dispatch, batchJobPayload(b.batchId, b.acceptedAt));
    const batch = await untilDone(sys, b, 180_000);
    const ms = performance.now() - started;
    console.log(`# 10,000 recipients: dispatch → all results stored in ${(ms / 1000).toFixed(2)} s (${sys.database.engine})`);
    assert.equal(batch.success, 10_000);
    assert.equal((await usageOf(sys, b)).length, 10_000);
  } finally {
    await sys.close();
  }
});

test('`hanbill carrier-sim` runs alone and the system delivers through it (CARRIER_GATEWAY_URL)', async () => {
  const secret = 'stand-alone-secret-0123456789';
  const carrier = await simChild('carrier-sim', ['--result-delay-ms', '10', '--report-secret', secret]);
  const url = carrier.url;
  try {
    const sys = await startTestSystem({ CARRIER_GATEWAY_URL: url, CARRIER_REPORT_SECRET: secret });
    try {
      assert.equal(sys.carrier.simulator, undefined);
      const s = await sender(sys);
      const b = await sendBatch(s, alimtalk(s, [{ to: '01012345678', variables: orderVariables(1) }, { to: '01099993019', variables: orderVariables(2), fallback: { type: 'sms', text: '대체' } }]));
      const batch = await untilDone(sys, b);
      assert.deepEqual([batch.success, batch.failure], [2, 0]);
      const stats = (await (await fetch(`${url}/_sim/stats`)).json()) as { accepted: number; reportsPushed: number };
      assert.equal(stats.accepted, 3);
      assert.ok(stats.reportsPushed >= 1);
    } finally {
      await sys.close();
    }
  } finally {
    carrier.child.kill('SIGTERM');
    await carrier.exited;
  }
});
