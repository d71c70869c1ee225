// Message delivery (issue 10 items 3–5): from an accepted batch through the carrier simulator to results, fallback
// and usage; the push receiver's signature; duplicates and a re-run dispatch charged once.
import { after, before, test } from 'node:test';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import assert from 'node:assert/strict';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { waitFor } from '../support/wait-for.ts';
import { dispatchBatch } from '../../src/modules/messaging/delivery/dispatch-batch.ts';
import { recordResults } from '../../src/modules/messaging/delivery/record-results.ts';
import { signReportBody } from '../../src/modules/messaging/delivery/carrier-report-signature.ts';
import { attemptsOf, batchRow, orderVariables, recipientsOf, sendBatch, usageOf, type TestBatch } from './messaging-delivery-support.ts';
import { jpeg, sender, type Sender } from './messaging-send-support.ts';

// a database of its own on PostgreSQL: the message job queues are not per channel (yet), so a system of another
// test file would run this file's dispatch jobs through its own simulator
let privateDb: PrivateDatabase;
let sys: TestSystem;
/** a partner with an approved sender number, an active channel and an approved template: every batch is sent through POST /v1/messages */
let s: Sender;
before(async () => {
  privateDb = await usePrivateDatabase('msgdeliv');
  sys = await startTestSystem({ HANBILL_CARRIER_SIM_DELAY_MS: '20' });
  s = await sender(sys);
});
after(async () => {
  await sys?.close();
  await privateDb?.drop();
});

async function untilDone(b: TestBatch, timeoutMs = 30_000) {
  return waitFor(() => batchRow(sys, b), (r) => r.state === 'done', { what: `batch ${b.batchId} to be done`, timeoutMs, show: (r) => ({ state: r.state, pending: r.pending, success: r.success, failure: r.failure }) });
}

test('delivered AlimTalk and SMS: recipients delivered, batch done, one usage row each at the unit price of send time', async () => {
  const alimtalk = { type: 'alimtalk', channelId: s.channelId, templateCode: s.templateCode };
  const b = await sendBatch(s, { ...alimtalk, recipients: [{ to: '01012340001', variables: orderVariables(1) }, { to: '01012340002', variables: orderVariables(2) }] });
  const batch = await untilDone(b);
  assert.deepEqual([batch.total, batch.success, batch.failure, batch.pending], [2, 2, 0, 0]);
  assert.ok(batch.last_sent_at && batch.done_at);
  const recipients = await recipientsOf(sys, b);
  assert.deepEqual(recipients.map((r) => [r.state, r.result_code, r.attempts]), [['delivered', '1000', 1], ['delivered', '1000', 1]]);
  const attempts = await attemptsOf(sys, b);
  assert.ok(attempts.every((a) => a.state === 'delivered' && a.carrier_ref?.startsWith('SIM') && a.sent_at && a.kind === 'alimtalk'));
  const unit = await sys.ctx.db.selectFrom('service_units').selectAll().where('metered_item', '=', 'message_alimtalk').orderBy('id').executeTakeFirstOrThrow();
  const usage = await usageOf(sys, b);
  assert.equal(usage.length, 2);
  assert.ok(usage.every((u) => u.metered_item === 'message_alimtalk' && Number(u.unit_id) === Number(unit.id) && Number(u.unit_price_krw) === Number(unit.unit_price_krw) && u.quantity === 1));

  const photo = await sendBatch(s, { type: 'friendtalk', channelId: s.channelId, ad: false, text: '주문하신 상품 사진입니다', images: [jpeg(200, 200).toString('base64')], recipients: [{ to: '01012340003' }] });
  await untilDone(photo);
  assert.deepEqual((await usageOf(sys, photo)).map((u) => u.metered_item), ['message_friendtalk_photo']);
});

test('a Kakao failure falls back to SMS (3019) and LMS (3018): history shows both attempts, only the success is billed', async () => {
  const b = await sendBatch(s, {
    type: 'alimtalk',
    channelId: s.channelId,
    templateCode: s.templateCode,
    from: s.from,
    recipients: [
      { to: '01099993019', variables: orderVariables(1), fallback: { type: 'sms', text: '대체 문자입니다' } },
      { to: '01099993018', variables: orderVariables(2), fallback: { type: 'lms', text: '긴 대체 문자입니다 '.repeat(10), subject: '알림' } },
      { to: '01099993020', variables: orderVariables(3) }, // blocked, no fallback asked: fails
      { to: '01011113015', variables: orderVariables(4), fallback: { type: 'sms', text: '즉시 거절 후 대체' } }, // refused in the send answer, and so is its fallback (the pattern holds for every kind)
    ],
  });
  const batch = await untilDone(b);
  assert.deepEqual([batch.success, batch.failure, batch.pending], [2, 2, 0]);
  const recipients = await recipientsOf(sys, b);
  assert.deepEqual(
    recipients.map((r) => [r.phone, r.state, r.result_code, r.attempts]),
    [
      ['01099993019', 'delivered', '1000', 2],
      ['01099993018', 'delivered', '1000', 2],
      ['01099993020', 'failed', '3020', 1],
      ['01011113015', 'failed', '3015', 2],
    ],
  );
  const attempts = await attemptsOf(sys, b);
  const byRecipient = (phone: string) => attempts.filter((a) => Number(a.recipient_id) === Number(recipients.find((r) => r.phone === phone)!.id)).map((a) => [a.attempt_no, a.kind, a.is_fallback, a.state, a.result_code]);
  assert.deepEqual(byRecipient('01099993019'), [[1, 'alimtalk', false, 'failed', '3019'], [2, 'sms', true, 'delivered', '1000']]);
  assert.deepEqual(byRecipient('01099993018'), [[1, 'alimtalk', false, 'failed', '3018'], [2, 'lms', true, 'delivered', '1000']]);
  assert.deepEqual(byRecipient('01011113015'), [[1, 'alimtalk', false, 'failed', '3015'], [2, 'sms', true, 'failed', '3015']]);
  const usage = await usageOf(sys, b);
  assert.deepEqual(usage.map((u) => u.metered_item).sort(), ['message_lms', 'message_sms']);
  const fallbackIds = new Set(attempts.filter((a) => a.is_fallback).map((a) => `msg:${a.id}`));
  assert.ok(usage.every((u) => fallbackIds.has(u.event_key)), 'only the fallback successes are billed');
  const sim = sys.carrier.simulator!.messageOf(String(attempts.find((a) => a.kind === 'lms')!.id))!;
  assert.equal(sim.message.from, '0212345678');
  assert.equal(sim.message.subject, '알림');
});

test('duplicate reports and a re-run dispatch record usage once', async () => {
  sys.carrier.simulator!.setFaults({ duplicateRate: 1 });
  try {
    const b = await sendBatch(s, { type: 'sms', from: s.from, text: '중복 보고 시험', recipients: Array.from({ length: 20 }, (_, i) => ({ to: `010555${String(i).padStart(5, '0')}` })) });
    await untilDone(b);
    await waitFor(() => sys.carrier.simulator!.stats().injected.duplicate, (n) => n >= 20, { what: 'duplicates to be pushed' });
    // the same results again, through the recorder, and the dispatch job run again
    const attempts = await attemptsOf(sys, b);
    const again = await recordResults(sys.ctx, attempts.map((a) => ({ attemptId: Number(a.id), delivered: true, code: '1000', message: 'again' })), 'report');
    assert.equal(again.applied, 0);
    const rerun = await dispatchBatch(sys.ctx, { gateway: sys.carrier.delivery.gateway, reportUrl: () => undefined }, b.batchId, b.acceptedAt);
    assert.deepEqual(rerun, { created: 0, sent: 0, refused: 0 });
    const batch = await batchRow(sys, b);
    assert.deepEqual([batch.success, batch.failure, batch.pending], [20, 0, 0]);
    assert.equal((await usageOf(sys, b)).length, 20);
    assert.equal((await attemptsOf(sys, b)).length, 20);
  } finally {
    sys.carrier.simulator!.setFaults({ duplicateRate: 0 });
  }
});

test('the report receiver refuses a forged or missing signature (401), changing nothing', async () => {
  const b = await sendBatch(s, { type: 'sms', from: s.from, text: '보고 없는 문자', recipients: [{ to: '01077770002' }] }); // never reported
  await waitFor(() => attemptsOf(sys, b), (a) => a[0]?.state === 'sent', { what: 'the attempt to be sent' });
  const [attempt] = await attemptsOf(sys, b);
  const body = JSON.stringify({ reports: [{ messageId: String(attempt!.id), carrierRef: 'x', code: '1000', message: 'forged', delivered: true, reportedAt: new Date().toISOString() }] });
  const forged = signReportBody('not-the-secret-at-all', body);
  const res = await fetch(`${sys.url}/carrier/reports`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-carrier-timestamp': forged.timestamp, 'x-carrier-signature': forged.signature }, body });
  assert.equal(res.status, 401);
  const unsigned = await fetch(`${sys.url}/carrier/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  assert.equal(unsigned.status, 401);
  assert.equal((await attemptsOf(sys, b))[0]!.state, 'sent');
  assert.equal((await usageOf(sys, b)).length, 0);
});
