// A job's log lines (written through the contextual ctx.log, platform/log-context.ts) carry its jobId and queue;
// lines outside a job carry neither; the job counters count a finished, a retried and a dead job.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Database } from '../../src/platform/db/database.ts';
import { enqueueJob, JobWorker, type Job } from '../../src/platform/jobs.ts';
import { contextualLogger } from '../../src/platform/log-context.ts';
import { createLogger } from '../../src/platform/log-redaction.ts';
import { metrics } from '../../src/platform/metrics.ts';
import { openTestDatabase } from '../support/test-database.ts';
import { freshLoginId } from '../support/test-system.ts';

let database: Database;
before(async () => {
  database = await openTestDatabase();
});
after(async () => {
  await database.close();
});

test("a job's lines carry jobId and queue; lines outside it do not; finished / failed / dead are counted by queue", async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const log = contextualLogger(createLogger('info', sink));
  const ok = `q_${freshLoginId()}`;
  const failing = `q_${freshLoginId()}`;
  await enqueueJob(database.db, ok, { n: 1 });
  await enqueueJob(database.db, failing, { n: 2 }, { maxAttempts: 2 });
  const w = new JobWorker(database.db, {
    handlers: {
      [ok]: async (job: Job) => {
        log.info({ n: job.payload['n'] }, 'working');
        await new Promise((r) => setTimeout(r, 5)); // across an await, still the job's
        log.warn('still working');
      },
      [failing]: async () => {
        log.error({ step: 'x' }, 'about to fail');
        throw new Error('boom');
      },
    },
    idlePollMs: 20,
  });
  log.info('outside any job');
  const before = { done: metrics.value('hanbill_jobs_finished_total', { queue: ok }), failed: metrics.value('hanbill_jobs_failed_total', { queue: failing }), dead: metrics.value('hanbill_jobs_dead_total', { queue: failing }) };
  assert.equal(await w.drain(), 2);
  // the failed job's second (last) attempt after its backoff
  await database.db.updateTable('jobs').set({ run_at: new Date(Date.now() - 1000) }).where('queue', '=', failing).execute();
  assert.equal(await w.drain(), 1);
  await new Promise((r) => setTimeout(r, 20));
  const okRow = await database.db.selectFrom('jobs').select(['id']).where('queue', '=', ok).executeTakeFirstOrThrow();
  const working = lines.filter((l) => l['msg'] === 'working' || l['msg'] === 'still working');
  assert.equal(working.length, 2);
  for (const l of working) {
    assert.equal(String(l['jobId']), String(okRow.id));
    assert.equal(l['queue'], ok);
  }
  const failed = lines.filter((l) => l['msg'] === 'about to fail');
  assert.equal(failed.length, 2);
  for (const l of failed) assert.equal(l['queue'], failing);
  const outside = lines.find((l) => l['msg'] === 'outside any job');
  assert.ok(outside && outside['jobId'] === undefined && outside['queue'] === undefined);
  assert.equal(metrics.value('hanbill_jobs_finished_total', { queue: ok }) - before.done, 1);
  assert.equal(metrics.value('hanbill_jobs_failed_total', { queue: failing }) - before.failed, 1);
  assert.equal(metrics.value('hanbill_jobs_dead_total', { queue: failing }) - before.dead, 1);
});
