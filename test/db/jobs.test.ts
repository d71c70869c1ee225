// Durable jobs on a real database: transactional enqueue, retries with backoff, dedupe, lease takeover.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Database } from '../../src/platform/db/database.ts';
import { enqueueJob, JobWorker, type Job } from '../../src/platform/jobs.ts';
import { openTestDatabase } from '../support/test-database.ts';
import { freshLoginId } from '../support/test-system.ts';

let database: Database;
before(async () => {
  database = await openTestDatabase();
});
after(async () => {
  await database.close();
});

test('a job enqueued in a rolled-back transaction never exists; a committed one runs once', async () => {
  const queue = `q_${freshLoginId()}`;
  await database.db
    .transaction()
    .execute(async (tx) => {
      await enqueueJob(tx, queue, { n: 1 });
      throw new Error('rollback');
    })
    .catch(() => undefined);
  await database.db.transaction().execute((tx) => enqueueJob(tx, queue, { n: 2 }));
  const seen: unknown[] = [];
  const w = new JobWorker(database.db, { handlers: { [queue]: async (j: Job) => void seen.push(j.payload) } });
  assert.equal(await w.drain(), 1);
  assert.deepEqual(seen, [{ n: 2 }]);
});

test('dedupe key: the second enqueue is a no-op', async () => {
  const queue = `q_${freshLoginId()}`;
  await enqueueJob(database.db, queue, { a: 1 }, { dedupeKey: 'once' });
  await enqueueJob(database.db, queue, { a: 2 }, { dedupeKey: 'once' });
  const n = await database.db.selectFrom('jobs').select(sql<number>`count(*)::int`.as('n')).where('queue', '=', queue).executeTakeFirstOrThrow();
  assert.equal(n.n, 1);
});

test('a failing job is retried later, then gives up after max attempts', async () => {
  const queue = `q_${freshLoginId()}`;
  await enqueueJob(database.db, queue, {}, { maxAttempts: 2 });
  let calls = 0;
  const w = new JobWorker(database.db, { handlers: { [queue]: async () => { calls++; throw new Error('boom'); } } });
  assert.equal(await w.drain(), 1);
  const afterFirst = await database.db.selectFrom('jobs').selectAll().where('queue', '=', queue).executeTakeFirstOrThrow();
  assert.equal(afterFirst.state, 'pending');
  assert.equal(afterFirst.last_error, 'boom');
  assert.ok(afterFirst.run_at.getTime() > Date.now() + 300, 'backoff pushes the next attempt into the future');
  assert.equal(await w.drain(), 0, 'not due yet');
  await database.db.updateTable('jobs').set({ run_at: sql`now()` }).where('queue', '=', queue).execute();
  assert.equal(await w.drain(), 1);
  const final = await database.db.selectFrom('jobs').selectAll().where('queue', '=', queue).executeTakeFirstOrThrow();
  assert.equal(final.state, 'failed');
  assert.equal(calls, 2);
});

test('a job whose worker died (lease expired) is taken over', async () => {
  const queue = `q_${freshLoginId()}`;
  await enqueueJob(database.db, queue, {});
  await database.db.updateTable('jobs').set({ state: 'running', attempts: 1, locked_until: sql`now() - interval '1 second'` }).where('queue', '=', queue).execute();
  let ran = 0;
  const w = new JobWorker(database.db, { handlers: { [queue]: async () => void ran++ } });
  assert.equal(await w.drain(), 1);
  assert.equal(ran, 1);
});

test('the running worker picks up an enqueued job promptly', async () => {
  const queue = `q_${freshLoginId()}`;
  let done!: () => void;
  const ran = new Promise<void>((r) => (done = r));
  const w = new JobWorker(database.db, { handlers: { [queue]: async () => done() }, idlePollMs: 60_000 });
  w.start();
  await enqueueJob(database.db, queue, {});
  await ran;
  await w.stop();
});
