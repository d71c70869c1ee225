// Webhook outcome metrics (issue 15 item 3), counted once the attempt is recorded: a receiver that answers 500 and
// then 200 makes one failed attempt, one succeeded attempt and one succeeded delivery; GET /metrics shows them.
// The counters are this process's (each test file runs in its own process, this one runs one system).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { TestSystem } from '../support/test-system.ts';
import { waitFor } from '../support/wait-for.ts';
import { metrics } from '../../src/platform/metrics.ts';
import { deliveriesOf, emit, registerEndpoint, startReceiver, startWebhookSystem, webhookPartner, type Receiver } from './webhooks-support.ts';

const TOKEN = crypto.randomBytes(24).toString('base64url');
let sys: TestSystem;
let rcv: Receiver;
before(async () => {
  sys = await startWebhookSystem({ HANBILL_METRICS_TOKEN: TOKEN });
  rcv = await startReceiver((_req, n) => (n === 0 ? { status: 500, body: 'down' } : { status: 200, body: 'ok' }));
});
after(async () => {
  await rcv.close();
  await sys.close();
});

test('a delivery that fails once and then succeeds: attempts failed 1, succeeded 1; deliveries succeeded 1, failed 0', { timeout: 60_000 }, async () => {
  const count = () => ({
    attemptsFailed: metrics.value('hanbill_webhook_attempts_total', { outcome: 'failed' }),
    attemptsOk: metrics.value('hanbill_webhook_attempts_total', { outcome: 'succeeded' }),
    deliveredOk: metrics.value('hanbill_webhook_deliveries_total', { outcome: 'succeeded' }),
    deliveredFailed: metrics.value('hanbill_webhook_deliveries_total', { outcome: 'failed' }),
  });
  const before = count();
  const p = await webhookPartner(sys);
  const ep = await registerEndpoint(p, rcv.url);
  await emit(sys, p.partnerId, [{ type: 'document.issued', objectId: `OBS${crypto.randomBytes(4).toString('hex')}` }]);
  const [first] = await waitFor(() => deliveriesOf(p, ep.id), (ds) => ds.length === 1 && ds[0].attempts === 1 && ds[0].state === 'pending', { what: 'the first attempt to fail', timeoutMs: 30_000 });
  // the retry is due some seconds later (webhook-queues.ts retryDelayMs): make it due now
  await sys.ctx.db.updateTable('webhook_deliveries').set({ next_attempt_at: new Date(Date.now() - 1000) }).where('id', '=', first.id as string).execute();
  await waitFor(() => deliveriesOf(p, ep.id), (ds) => ds.length === 1 && ds[0].state === 'succeeded', { what: 'the delivery to succeed on its second attempt', timeoutMs: 30_000 });
  const after = count();
  assert.deepEqual(
    { attemptsFailed: after.attemptsFailed - before.attemptsFailed, attemptsOk: after.attemptsOk - before.attemptsOk, deliveredOk: after.deliveredOk - before.deliveredOk, deliveredFailed: after.deliveredFailed - before.deliveredFailed },
    { attemptsFailed: 1, attemptsOk: 1, deliveredOk: 1, deliveredFailed: 0 },
  );
  const res = await fetch(`${sys.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const text = await res.text();
  assert.match(text, new RegExp(`^hanbill_webhook_deliveries_total\\{outcome="succeeded"\\} ${after.deliveredOk}$`, 'm'));
  assert.equal(rcv.requests.length, 2);
});
