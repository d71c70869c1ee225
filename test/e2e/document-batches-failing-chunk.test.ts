// Document batches (issue 14 item 3): a chunk that fails on every attempt (here the database refuses the subscription's
// documents: a trigger raises) is retried while attempts remain, writing nothing; on the job's last attempt its items
// are answered as failed (internal) and the batch goes on — the next chunk issues once the database accepts again.
// The system runs without a worker role: the test runs the batch queue's handler as the worker would, attempt by attempt.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { freshBizno, startTestSystem, type TestSystem } from '../support/test-system.ts';
import { rest } from '../support/http.ts';
import { onboard } from '../support/onboard.ts';
import { createDocumentBatches } from '../../src/modules/document-batches/document-batches.ts';
import { documentBatchQueue } from '../../src/modules/document-batches/document-batch-queue.ts';
import { invoice, privateDate, type BatchView } from './document-batches-support.ts';

let sys: TestSystem;
before(async () => {
  sys = await startTestSystem({ HANBILL_ROLES: 'api' });
});
after(async () => {
  await sys.close();
});

/** A subscription with a batch of 150 documents accepted, and the batch queue's handler to run it as the worker would. */
async function acceptedBatch() {
  const s = await onboard(sys.url);
  const auth = { 'x-svc-key': s.svcKey };
  const date = privateDate();
  const posted = await rest(sys.url, 'POST', `/v1/subscriptions/${s.sinchno}/document-batches`, { documents: Array.from({ length: 150 }, () => ({ issue: true, document: invoice(date, freshBizno()) })) }, auth);
  assert.equal(posted.status, 202);
  const id = (posted.body as BatchView).id;
  const queue = documentBatchQueue(sys.ctx.config);
  return { s, auth, date, id, queue, handler: createDocumentBatches(sys.ctx).handlers[queue]! };
}

test('a chunk failing on every attempt: retried without writing; on the last attempt its items fail (internal) and the batch goes on to complete', async () => {
  const { s, auth, id, queue, handler } = await acceptedBatch();
  const view = async () => (await rest(sys.url, 'GET', `/v1/subscriptions/${s.sinchno}/document-batches/${id}?limit=1000`, undefined, auth)).body as BatchView;
  const job = (attempts: number, maxAttempts: number) => ({ id: 0, queue, payload: { batchId: id }, attempts, maxAttempts });

  const name = sql.raw(`hb_test_refuse_${crypto.randomBytes(4).toString('hex')}`);
  await sql`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no space left on device (test)'; END $$`.execute(sys.ctx.db);
  await sql`CREATE TRIGGER ${name} BEFORE INSERT ON documents FOR EACH ROW WHEN (NEW.subscription_id = ${sql.lit(s.sinchno)}) EXECUTE FUNCTION ${name}()`.execute(sys.ctx.db);
  try {
    await assert.rejects(handler(job(1, 2)), 'attempts remain: the job fails and is retried');
    const retried = await view();
    assert.deepEqual([retried.issued, retried.failed, retried.pending], [0, 0, 150], 'nothing of the chunk was kept');

    await handler(job(2, 2)); // the last attempt
    const refused = await view();
    assert.deepEqual([refused.state, refused.issued, refused.failed, refused.pending], ['processing', 0, 100, 50]);
    assert.ok(refused.items.slice(0, 100).every((i) => i.state === 'failed' && i.error?.code === 'internal' && i.dockey === null));
  } finally {
    await sql`DROP TRIGGER ${name} ON documents`.execute(sys.ctx.db);
    await sql`DROP FUNCTION ${name}()`.execute(sys.ctx.db);
  }
  await handler(job(1, 10)); // the next chunk's job, the database accepting again
  const done = await view();
  assert.deepEqual([done.state, done.issued, done.failed, done.pending], ['completed', 50, 100, 0]);
  const docs = await sql<{ n: string }>`SELECT count(*) AS n FROM documents WHERE subscription_id = ${s.sinchno}`.execute(sys.ctx.db);
  assert.equal(Number(docs.rows[0]!.n), 50);
  const events = await sql<{ type: string; n: string }>`SELECT type, count(*) AS n FROM events WHERE object_type = 'document_batch' AND object_id = ${String(id)} GROUP BY type ORDER BY type`.execute(sys.ctx.db);
  assert.deepEqual(Object.fromEntries(events.rows.map((r) => [r.type, Number(r.n)])), { 'document_batch.accepted': 1, 'document_batch.completed': 1, 'document_batch.item_failed': 100, 'document_batch.item_issued': 50 });
});

test('a subscription suspended while its batch runs: the items still pending are answered subscription_inactive (as the route would answer now), nothing more is issued', async () => {
  const { s, auth, date, id, queue, handler } = await acceptedBatch();
  const job = { id: 0, queue, payload: { batchId: id }, attempts: 1, maxAttempts: 10 };
  await handler(job); // the first chunk: 100 issued
  await sys.ctx.db.updateTable('subscriptions').set({ state: 'suspended' }).where('id', '=', s.sinchno).execute();
  // what the bulk route answers now
  const now = await rest(sys.url, 'POST', `/v1/subscriptions/${s.sinchno}/documents/bulk`, { documents: [{ issue: true, document: invoice(date, freshBizno()) }] }, auth);
  assert.equal(now.status, 403);
  await handler(job);
  const rows = await sql<{ state: string; error_code: string | null; error_field: string | null; n: string }>`
    SELECT state, error_code, error_field, count(*) AS n FROM document_batch_items WHERE batch_id = ${id} GROUP BY 1, 2, 3 ORDER BY 1`.execute(sys.ctx.db);
  assert.deepEqual(rows.rows.map((r) => [r.state, r.error_code, r.error_field, Number(r.n)]), [['failed', now.body.error.code, now.body.error.field, 50], ['issued', null, null, 100]]);
  const batch = await sys.ctx.db.selectFrom('document_batches').select(['state', 'issued', 'failed']).where('id', '=', id).executeTakeFirstOrThrow();
  assert.deepEqual(batch, { state: 'completed', issued: 100, failed: 50 });
  const docs = await sql<{ n: string }>`SELECT count(*) AS n FROM documents WHERE subscription_id = ${s.sinchno}`.execute(sys.ctx.db);
  assert.equal(Number(docs.rows[0]!.n), 100);
});
