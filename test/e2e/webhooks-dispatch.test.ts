// The dispatcher's steps on their own (a system without the worker role, so no loop runs beside the test): fan-out
// is idempotent (a cursor moved back adds nothing: UNIQUE (endpoint, event)), only subscribed types of the endpoint's
// own partner are fanned out, due deliveries are claimed in order per object and at most maxInFlight at a time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestSystem } from '../support/test-system.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { fanOutEvents } from '../../src/modules/webhooks/fan-out-events.ts';
import { startDueDeliveries } from '../../src/modules/webhooks/start-due-deliveries.ts';
import { deleteExpiredDeliveries } from '../../src/modules/webhooks/sweep-webhooks.ts';
import { emit, registerEndpoint, startWebhookSystem, webhookPartner } from './webhooks-support.ts';
import { waitFor } from '../support/wait-for.ts';

let sys: TestSystem;
const clock = new ManualClock(new Date());
before(async () => {
  sys = await startWebhookSystem({ HANBILL_ROLES: 'api' }, { clock });
});
after(async () => {
  await sys.close();
});

test('fan-out once per (endpoint, event); claims in order per object, capped in flight', async () => {
  assert.equal(sys.worker, undefined, 'no worker: nothing runs beside the test');
  const p = await webhookPartner(sys);
  const other = await webhookPartner(sys);
  const ep = await registerEndpoint(p, 'http://127.0.0.1:9/hooks', ['document.issued', 'document.mailed']);
  await registerEndpoint(other, 'http://127.0.0.1:9/other', ['document.issued']);
  // no dispatcher has run on this channel yet: the registration placed its cursor
  await emit(sys, p.partnerId, [
    { type: 'document.issued', objectId: 'K1' },
    { type: 'document.mailed', objectId: 'K1' },
    { type: 'document.issued', objectId: 'K2' },
    { type: 'document.issued', objectId: 'K3' },
    { type: 'document.issued', objectId: 'K4' },
    { type: 'nts_filing.queued', objectId: 'K1' }, // not subscribed
  ]);
  // the events become listable once every older transaction on the server has ended (docs/events.md): on the shared
  // test PostgreSQL another file's transaction may still be open, so fan out until they are past the horizon
  let fanned = 0;
  await waitFor(async () => (fanned += await fanOutEvents(sys.ctx)), (n) => n >= 5, { what: 'the events past the horizon', timeoutMs: 15_000 });
  assert.equal(fanned, 5, "5 subscribed events of the endpoint's partner");
  assert.equal(await fanOutEvents(sys.ctx), 0, 'the cursor moved past them');
  await sys.database.pool.query(`UPDATE webhook_dispatch_cursors SET tx_id = '1'::xid8, event_id = 0 WHERE channel = $1`, [sys.ctx.config.channel]);
  assert.equal(await fanOutEvents(sys.ctx), 0, 'read again after a crash, they add nothing');
  const n = await sys.database.pool.query<{ n: string }>(`SELECT count(*) AS n FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id WHERE w.partner_id = ANY($1)`, [[p.partnerId, other.partnerId]]);
  assert.equal(Number(n.rows[0]!.n), 5, "nothing for the other partner's endpoint");

  assert.equal(await startDueDeliveries(sys.ctx, { maxInFlight: 3 }), 3, 'at most 3 in flight');
  assert.equal(await startDueDeliveries(sys.ctx, { maxInFlight: 3 }), 0, 'none while 3 are claimed');
  assert.equal(await startDueDeliveries(sys.ctx), 1, 'K1 mailed waits behind K1 issued: 4 of 5 claimable');
  const claimed = await sys.database.pool.query<{ event_type: string; object_key: string; claimed: boolean }>(
    `SELECT d.event_type, d.object_key, d.claim IS NOT NULL AS claimed FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id WHERE w.public_id = $1 ORDER BY d.event_id`,
    [ep.id],
  );
  assert.deepEqual(claimed.rows.map((r) => `${r.event_type}:${r.object_key}:${r.claimed}`), [
    'document.issued:document:K1:true',
    'document.mailed:document:K1:false',
    'document.issued:document:K2:true',
    'document.issued:document:K3:true',
    'document.issued:document:K4:true',
  ]);
  const jobs = await sys.database.pool.query<{ n: string }>(`SELECT count(*) AS n FROM jobs WHERE queue = $1`, [`${sys.ctx.config.channel}.webhooks.deliver`]);
  assert.equal(Number(jobs.rows[0]!.n), 4, 'one deliver job per claim');

  // kept 30 days like the events, then deleted with their attempts
  const seqs = (await sys.database.pool.query<{ seq: string }>(`SELECT d.seq FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id WHERE w.public_id = $1`, [ep.id])).rows.map((r) => r.seq);
  await sys.database.pool.query(`INSERT INTO webhook_attempts (delivery_seq, at, status, duration_ms) SELECT unnest($1::bigint[]), now(), 500, 1`, [seqs]);
  clock.advance(29 * 86_400_000);
  assert.equal(await deleteExpiredDeliveries(sys.ctx), 0, 'kept for 30 days');
  clock.advance(2 * 86_400_000);
  assert.equal(await deleteExpiredDeliveries(sys.ctx), 5, 'then deleted');
  const left = await sys.database.pool.query<{ n: string }>(`SELECT count(*) AS n FROM webhook_attempts WHERE delivery_seq = ANY($1::bigint[])`, [seqs]);
  assert.equal(Number(left.rows[0]!.n), 0, 'with their attempts');
});
