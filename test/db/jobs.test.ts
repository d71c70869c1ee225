// Durable jobs on a real database: transactional enqueue, retries with backoff, dedupe, lease takeover.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type KyselyPlugin } from 'kysely';
import type { Database } from '../../src/platform/db/database.ts';
import { enqueueJob, enqueueJobs, JobWorker, type Job } from '../../src/platform/jobs.ts';
import { inTransaction } from '../../src/platform/db/transaction.ts';
import { openTestDatabase } from '../support/test-database.ts';
import { freshLoginId } from '../support/test-system.ts';
import { waitFor } from '../support/wait-for.ts';

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
  assert.equal(calls, 1, 'one attempt per drain: the retry waits for its backoff');
  const afterFirst = await database.db.selectFrom('jobs').selectAll().where('queue', '=', queue).executeTakeFirstOrThrow();
  assert.equal(afterFirst.state, 'pending');
  assert.equal(afterFirst.last_error, 'boom');
  assert.ok(afterFirst.run_at.getTime() > Date.now() + 300, 'backoff pushes the next attempt into the future');
  assert.equal(await w.drain(), 0, 'not due yet');
  await database.db.updateTable('jobs').set({ run_at: sql`now()` }).where('queue', '=', queue).execute();
  assert.equal(await w.drain(), 1);
  const final = await database.db.selectFrom('jobs').selectAll().where('queue', '=', queue).executeTakeFirstOrThrow();
  assert.equal(final.state, 'failed');
  assert.equal(final.attempts, 2);
  assert.ok(final.finished_at, 'a job that gave up is finished');
  assert.equal(calls, 2);
  // given up means never again, even once due: the final failure also moves run_at ahead, so make it due
  await database.db.updateTable('jobs').set({ run_at: sql`now()` }).where('queue', '=', queue).execute();
  assert.equal(await w.drain(), 0, 'a failed job is not claimed again');
  assert.equal(calls, 2);
});

test('retryFirstMs: a queue named there backs off from its own first delay; another queue from 1 s', async () => {
  const quick = `q_${freshLoginId()}`;
  const slow = `q_${freshLoginId()}`;
  await enqueueJob(database.db, quick, {});
  await enqueueJob(database.db, slow, {});
  const fail = async () => {
    throw new Error('gateway down');
  };
  const w = new JobWorker(database.db, { handlers: { [quick]: fail, [slow]: fail }, retryFirstMs: { [quick]: 50 } });
  assert.equal(await w.drain(), 2);
  const delays = await sql<{ queue: string; ms: number }>`
    SELECT queue, extract(epoch FROM run_at - now()) * 1000 AS ms FROM jobs WHERE queue IN (${quick}, ${slow})`.execute(database.db);
  const by = new Map(delays.rows.map((r) => [r.queue, Number(r.ms)]));
  // 50 ms ± 20 % and 1 s ± 20 %, less the time since the failure was written
  assert.ok(by.get(quick)! <= 60, `the named queue's first retry within 60 ms: ${by.get(quick)} ms`);
  assert.ok(by.get(slow)! > 300 && by.get(slow)! <= 1200, `the other queue's first retry after about 1 s: ${by.get(slow)} ms`);
  // the named queue's retry comes due on its schedule and runs again
  await waitFor(() => w.drain(), (n) => n === 1, { what: 'the quick queue retried', timeoutMs: 2_000, intervalMs: 20 });
  const rows = await database.db.selectFrom('jobs').select(['queue', 'attempts', 'run_at']).where('queue', 'in', [quick, slow]).execute();
  assert.deepEqual(Object.fromEntries(rows.map((r) => [r.queue === quick ? 'quick' : 'slow', r.attempts])), { quick: 2, slow: 1 });
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

/** Resolves with 'timeout' after `ms`, for racing a promise that must settle sooner. */
function timeout(ms: number): { promise: Promise<'timeout'>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)));
  return { promise, clear: () => clearTimeout(timer) };
}

test('the running worker picks up an enqueued job promptly', async () => {
  const queue = `q_${freshLoginId()}`;
  let done!: () => void;
  const ran = new Promise<'ran'>((r) => (done = () => r('ran')));
  const w = new JobWorker(database.db, { handlers: { [queue]: async () => done() }, idlePollMs: 60_000, concurrency: 1 });
  w.start();
  try {
    // let the worker find the queue empty and go to sleep, so only enqueueJob's wake-up can reach it
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await enqueueJob(database.db, queue, {});
    // the idle poll is 60 s away: a job that runs within 2 s was woken, one that waits fails here
    const limit = timeout(2000);
    const first = await Promise.race([ran, limit.promise]);
    limit.clear();
    assert.equal(first, 'ran', `the job did not run within 2 s of enqueueJob (${Date.now() - started} ms): the wake-up did not reach the idle worker`);
  } finally {
    await w.stop();
  }
});

test('a job enqueued in an inTransaction transaction wakes the idle worker once committed, not before', async () => {
  const queue = `q_${freshLoginId()}`;
  let done!: () => void;
  const ran = new Promise<'ran'>((r) => (done = () => r('ran')));
  const w = new JobWorker(database.db, { handlers: { [queue]: async () => done() }, idlePollMs: 60_000, concurrency: 1, lanes: [{ queues: [`q_${freshLoginId()}`], concurrency: 1 }] });
  w.start();
  try {
    await new Promise((r) => setTimeout(r, 300)); // asleep: only the wake-up can reach it
    const started = Date.now();
    await inTransaction(database.db, async (tx) => {
      await enqueueJob(tx, queue, {});
      // still uncommitted: a loop woken now would find nothing and sleep for 60 s
      await new Promise((r) => setTimeout(r, 200));
    });
    const limit = timeout(2000);
    const first = await Promise.race([ran, limit.promise]);
    limit.clear();
    assert.equal(first, 'ran', `the job did not run within 2 s of the commit (${Date.now() - started} ms): the wake-up came before the commit or not at all`);
  } finally {
    await w.stop();
  }
});

test(
  'stop() ends every idle loop promptly (concurrency 2)',
  async () => {
    const w = new JobWorker(database.db, { handlers: { [`q_${freshLoginId()}`]: async () => undefined }, idlePollMs: 3000, concurrency: 2 });
    w.start();
    await new Promise((r) => setTimeout(r, 300)); // both loops asleep
    const limit = timeout(1000);
    const first = await Promise.race([w.stop().then(() => 'stopped' as const), limit.promise]);
    limit.clear();
    assert.equal(first, 'stopped', 'stop() did not return within 1 s');
  },
);

test('lanes: a queue with loops of its own runs while the general loop is busy, and the general loop never takes it', async () => {
  const slow = `q_${freshLoginId()}`;
  const bulk = `q_${freshLoginId()}`;
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const ran: string[] = [];
  let slowStarted!: () => void;
  const slowRunning = new Promise<void>((r) => (slowStarted = r));
  const w = new JobWorker(database.db, {
    concurrency: 1,
    lanes: [{ queues: [bulk], concurrency: 1 }],
    idlePollMs: 20,
    handlers: {
      [slow]: async () => {
        slowStarted();
        await held; // the general loop is busy until released
        ran.push('slow');
      },
      [bulk]: async (j: Job) => void ran.push(`bulk${String(j.payload['n'])}`),
    },
  });
  await enqueueJob(database.db, slow, {});
  w.start();
  try {
    await slowRunning;
    await enqueueJob(database.db, bulk, { n: 1 });
    await enqueueJob(database.db, bulk, { n: 2 });
    const deadline = Date.now() + 10_000;
    while (ran.filter((r) => r.startsWith('bulk')).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(ran, ['bulk1', 'bulk2'], 'the lane ran both while the general loop was held');
  } finally {
    release();
    await w.stop();
  }
  assert.deepEqual(ran, ['bulk1', 'bulk2', 'slow']);
});

test('stop with a deadline: a finished job is done; one still running at the deadline is handed back (not counted) and its late end writes nothing', async () => {
  const queue = `q_${freshLoginId()}`;
  let release!: () => void;
  const hung = new Promise<void>((r) => (release = r));
  const runs: number[] = [];
  await enqueueJob(database.db, queue, { slow: false });
  await enqueueJob(database.db, queue, { slow: true });
  const w = new JobWorker(database.db, {
    concurrency: 2,
    idlePollMs: 20,
    handlers: {
      [queue]: async (j: Job) => {
        runs.push(j.id);
        if (j.payload['slow']) await hung;
        else await new Promise((r) => setTimeout(r, 50));
      },
    },
  });
  w.start();
  const states = () => database.db.selectFrom('jobs').select(['id', 'state', 'attempts', 'locked_until']).where('queue', '=', queue).orderBy('id').execute();
  for (let i = 0; i < 200 && runs.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(runs.length, 2, 'both jobs claimed');
  const t0 = Date.now();
  const { handedBack } = await w.stop({ deadlineMs: 300 });
  assert.ok(Date.now() - t0 < 1_000, 'stop returns at the deadline');
  const [fast, slow] = await states();
  assert.equal(fast!.state, 'done', 'the job that ended before the deadline is done');
  assert.deepEqual(handedBack, [slow!.id]);
  assert.deepEqual([slow!.state, slow!.attempts, slow!.locked_until], ['pending', 0, null], 'handed back: due now, attempt not counted, no lease');
  release();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal((await states())[1]!.state, 'pending', 'the handler ending after the hand-back writes nothing');
  // another worker takes it at once (no lease to wait out)
  const other = new JobWorker(database.db, { handlers: { [queue]: async (j: Job) => void runs.push(j.id) } });
  assert.equal(await other.drain(), 1);
  assert.deepEqual((await states()).map((j) => [j.state, j.attempts]), [['done', 1], ['done', 1]]);
});

test('stop with a deadline: a job that finishes within it is not handed back', async () => {
  const queue = `q_${freshLoginId()}`;
  await enqueueJob(database.db, queue, {});
  let started = false;
  const w = new JobWorker(database.db, { idlePollMs: 20, handlers: { [queue]: async () => { started = true; await new Promise((r) => setTimeout(r, 150)); } } });
  w.start();
  for (let i = 0; i < 200 && !started; i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(started);
  assert.deepEqual(await w.stop({ deadlineMs: 5_000 }), { handedBack: [] });
  const row = await database.db.selectFrom('jobs').select(['state', 'attempts']).where('queue', '=', queue).executeTakeFirstOrThrow();
  assert.deepEqual([row.state, row.attempts], ['done', 1]);
});

test('a job whose outcome write is cut by the database going away (57P01) writes it again: done after one run, not left leased', async () => {
  const queue = `q_${freshLoginId()}`;
  await enqueueJob(database.db, queue, {});
  // the first two UPDATEs the worker makes (its outcome) are executed, then answered as a terminated session
  let cuts = 2;
  const updates = new Set<unknown>();
  const flaky = database.db.withPlugin({
    transformQuery: (a) => {
      if (a.node.kind === 'UpdateQueryNode') updates.add(a.queryId);
      return a.node;
    },
    transformResult: async (a) => {
      if (updates.has(a.queryId) && cuts > 0) {
        cuts--;
        throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
      }
      return a.result;
    },
  });
  let calls = 0;
  const w = new JobWorker(flaky, { handlers: { [queue]: async () => void calls++ }, idlePollMs: 20 });
  w.start();
  try {
    // each cut write was executed before it was answered as cut, so the row reads done after the first: wait for the
    // worker's second write too (stopping it earlier ends its retries)
    await waitFor(() => database.db.selectFrom('jobs').select(['state', 'attempts']).where('queue', '=', queue).executeTakeFirstOrThrow(), (j) => j.state === 'done' && cuts === 0, { what: 'the job done, its outcome written again after both cuts', timeoutMs: 10_000 });
  } finally {
    await w.stop();
  }
  assert.equal(cuts, 0, 'both cuts happened');
  assert.equal(calls, 1, 'the work was done once');
});

test('a batch handler gets up to batchSize due jobs of its queue at once; successes are done together, each failure retried alone', async () => {
  const queue = `q_${freshLoginId()}`;
  for (let n = 1; n <= 7; n++) await enqueueJob(database.db, queue, { n }, { maxAttempts: 2 });
  const batches: number[][] = [];
  const w = new JobWorker(database.db, {
    handlers: {
      [queue]: {
        batchSize: 3,
        runBatch: async (jobs: Job[]) => {
          batches.push(jobs.map((j) => Number(j.payload['n'])));
          // n = 2 fails on its first attempt; n = 5 on every attempt
          return new Map(jobs.filter((j) => (j.payload['n'] === 2 && j.attempts === 1) || j.payload['n'] === 5).map((j) => [j.id, new Error(`no ${String(j.payload['n'])}`)]));
        },
      },
    },
  });
  assert.equal(await w.drain(), 3, 'three claims: 3 + 3 + 1 jobs');
  assert.deepEqual(batches, [[1, 2, 3], [4, 5, 6], [7]], 'in enqueue order, at most batchSize each');
  const rows = async () => (await database.db.selectFrom('jobs').select(['payload', 'state', 'attempts', 'last_error']).where('queue', '=', queue).orderBy('id').execute()).map((r) => [(r.payload as { n: number }).n, r.state, r.attempts, r.last_error]);
  assert.deepEqual(await rows(), [
    [1, 'done', 1, null],
    [2, 'pending', 1, 'no 2'],
    [3, 'done', 1, null],
    [4, 'done', 1, null],
    [5, 'pending', 1, 'no 5'],
    [6, 'done', 1, null],
    [7, 'done', 1, null],
  ]);
  await database.db.updateTable('jobs').set({ run_at: sql`now()` }).where('queue', '=', queue).where('state', '=', 'pending').execute();
  assert.equal(await w.drain(), 1, 'the two retries in one batch');
  assert.deepEqual(batches.at(-1), [2, 5]);
  const [two, five] = (await rows()).filter(([n]) => n === 2 || n === 5);
  assert.deepEqual(two, [2, 'done', 2, null]);
  assert.deepEqual(five, [5, 'failed', 2, 'no 5'], 'its last attempt: failed for good');
});

test('a batch handler that throws fails every job of its batch (each retried later)', async () => {
  const queue = `q_${freshLoginId()}`;
  for (let n = 1; n <= 2; n++) await enqueueJob(database.db, queue, { n });
  const w = new JobWorker(database.db, { handlers: { [queue]: { batchSize: 10, runBatch: async () => { throw new Error('outage'); } } } });
  assert.equal(await w.drain(), 1);
  const rows = await database.db.selectFrom('jobs').select(['state', 'attempts', 'last_error']).where('queue', '=', queue).execute();
  assert.deepEqual(rows.map((r) => [r.state, r.attempts, r.last_error]), [['pending', 1, 'outage'], ['pending', 1, 'outage']]);
});

test('yieldTo: while requests are in flight each general queue runs one job at a time, a batch of one, and a long job of one queue does not hold another; the lanes keep their width; when quiet, full batches side by side', async () => {
  const mail = `q_${freshLoginId()}`;
  const other = `q_${freshLoginId()}`;
  const laned = `q_${freshLoginId()}`;
  let busy = true;
  const running = new Map<string, number>();
  const widest = new Map<string, number>();
  const enter = (q: string) => {
    running.set(q, (running.get(q) ?? 0) + 1);
    widest.set(q, Math.max(widest.get(q) ?? 0, running.get(q)!));
  };
  const leave = (q: string) => running.set(q, running.get(q)! - 1);
  const batches: number[] = [];
  const hold = () => new Promise((r) => setTimeout(r, 15));
  let mailed = 0;
  let allMailed!: () => void;
  const eightMailed = new Promise<void>((r) => (allMailed = r));
  let longJob = true;
  const w = new JobWorker(database.db, {
    concurrency: 3,
    lanes: [{ queues: [laned], concurrency: 3 }],
    idlePollMs: 20,
    yieldTo: { busy: () => busy },
    handlers: {
      [mail]: {
        batchSize: 4,
        runBatch: async (jobs: Job[]) => {
          batches.push(jobs.length);
          enter('mail');
          await hold();
          leave('mail');
          if ((mailed += jobs.length) === 8) allMailed();
          return new Map();
        },
      },
      [other]: async () => {
        enter('other');
        // the first one runs until every mail is sent: the mail queue must not wait behind it
        if (longJob) {
          longJob = false;
          await eightMailed;
        } else await hold();
        leave('other');
      },
      [laned]: async () => {
        enter('laned');
        await hold();
        leave('laned');
      },
    },
  });
  const done = async (queue: string) => Number((await database.db.selectFrom('jobs').select(sql<number>`count(*)::int`.as('n')).where('queue', '=', queue).where('state', '=', 'done').executeTakeFirstOrThrow()).n);
  const jobsOf = (queue: string, n: number) => Array.from({ length: n }, (_, k) => ({ queue, payload: { k } }));
  await enqueueJobs(database.db, [...jobsOf(other, 4), ...jobsOf(mail, 8), ...jobsOf(laned, 6)]);
  w.start();
  try {
    await waitFor(async () => [await done(mail), await done(other), await done(laned)], (n) => n.join() === '8,4,6', { timeoutMs: 20_000 });
    assert.equal(widest.get('mail'), 1, 'busy: one mail job at a time');
    assert.equal(widest.get('other'), 1, 'busy: one job of the other queue at a time');
    assert.deepEqual(batches, [1, 1, 1, 1, 1, 1, 1, 1], 'busy: batches of one');
    assert.ok(widest.get('laned')! > 1, `a lane does not yield (widest ${widest.get('laned')})`);
    busy = false;
    batches.length = 0;
    widest.clear();
    await enqueueJobs(database.db, [...jobsOf(mail, 12), ...jobsOf(other, 3)]);
    await waitFor(async () => [await done(mail), await done(other)], (n) => n.join() === '20,7', { timeoutMs: 20_000 });
    assert.ok(Math.max(...batches) > 1, `quiet: batches of more than one (${batches.join(',')})`);
    assert.ok(widest.get('mail')! > 1, 'quiet: mail batches side by side');
  } finally {
    allMailed(); // a failed run must not leave the long job holding the worker's stop
    await w.stop();
  }
});

/** A plugin that loses the answers of the statements `lose` picks: executed (and committed), then "the connection cut". */
function losingAnswers(lose: (rows: readonly Record<string, unknown>[]) => boolean): KyselyPlugin {
  return {
    transformQuery: (args) => args.node,
    transformResult: async (args) => {
      if (lose(args.result.rows as Record<string, unknown>[])) throw new Error('Connection terminated unexpectedly');
      return args.result;
    },
  };
}

test('a claim whose answer is lost (committed, then the connection cut) hands its jobs back at once, not after the lease', async () => {
  const queue = `q_${freshLoginId()}`;
  await enqueueJob(database.db, queue, { n: 1 });
  let armed = true;
  // the first claim's answer (its rows carry `more`) is lost
  const db = database.db.withPlugin(losingAnswers((rows) => armed && rows.length > 0 && 'more' in rows[0]! && !(armed = false)));
  const seen: unknown[] = [];
  const w = new JobWorker(db, { handlers: { [queue]: async (j: Job) => void seen.push(j.payload) }, leaseMs: 60_000 });
  await assert.rejects(w.drain(), /Connection terminated/);
  const handedBack = await database.db.selectFrom('jobs').selectAll().where('queue', '=', queue).executeTakeFirstOrThrow();
  assert.deepEqual([handedBack.state, handedBack.locked_until, handedBack.attempts], ['pending', null, 0], 'pending again, unleased, the attempt given back');
  assert.equal(await w.drain(), 1, 'due at once (without the hand-back: leased to nobody for 60 s)');
  assert.deepEqual(seen, [{ n: 1 }]);

  // a batch handler: the claim of the rest of the batch loses its answer; the first job runs, the rest is handed back
  const batchQueue = `q_${freshLoginId()}`;
  await enqueueJobs(database.db, [1, 2, 3].map((n) => ({ queue: batchQueue, payload: { n } })));
  armed = true;
  const batches: number[][] = [];
  const lossy = database.db.withPlugin(losingAnswers((rows) => armed && rows.length > 0 && !('more' in rows[0]!) && 'max_attempts' in rows[0]! && !(armed = false)));
  const b = new JobWorker(lossy, { handlers: { [batchQueue]: { batchSize: 3, runBatch: async (jobs: Job[]) => (batches.push(jobs.map((j) => j.payload['n'] as number)), new Map()) } }, leaseMs: 60_000 });
  assert.equal(await b.drain(), 2, 'the first job alone, then the two handed back');
  assert.deepEqual(batches, [[1], [2, 3]]);
  const rows = await database.db.selectFrom('jobs').select(['state', 'attempts']).where('queue', '=', batchQueue).orderBy('id').execute();
  assert.deepEqual(rows, [1, 2, 3].map(() => ({ state: 'done', attempts: 1 })));
});

test('a lane marked first: while one of its jobs runs, the general queues run one job at a time, a batch of one; when it is done, full batches again', async () => {
  const mail = `q_${freshLoginId()}`;
  const filing = `q_${freshLoginId()}`;
  const batches: number[] = [];
  let releaseFiling!: () => void;
  const filingHeld = new Promise<void>((r) => (releaseFiling = r));
  let filingStarted!: () => void;
  const started = new Promise<void>((r) => (filingStarted = r));
  const w = new JobWorker(database.db, {
    concurrency: 3,
    lanes: [{ queues: [filing], concurrency: 1, first: true }],
    idlePollMs: 20,
    handlers: {
      [mail]: { batchSize: 4, runBatch: async (jobs: Job[]) => (batches.push(jobs.length), await new Promise((r) => setTimeout(r, 10)), new Map()) },
      [filing]: async () => {
        filingStarted();
        await filingHeld;
      },
    },
  });
  const done = async (queue: string) => Number((await database.db.selectFrom('jobs').select(sql<number>`count(*)::int`.as('n')).where('queue', '=', queue).where('state', '=', 'done').executeTakeFirstOrThrow()).n);
  const jobsOf = (queue: string, n: number) => Array.from({ length: n }, (_, k) => ({ queue, payload: { k } }));
  await enqueueJobs(database.db, jobsOf(filing, 1));
  w.start();
  try {
    await started;
    await enqueueJobs(database.db, jobsOf(mail, 6));
    await waitFor(() => done(mail), (n) => n === 6, { timeoutMs: 20_000 });
    assert.deepEqual(batches, [1, 1, 1, 1, 1, 1], 'while the filing job runs: batches of one');
    releaseFiling();
    await waitFor(() => done(filing), (n) => n === 1, { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 80)); // past the 50 ms after the lane's last job
    batches.length = 0;
    await enqueueJobs(database.db, jobsOf(mail, 12));
    await waitFor(() => done(mail), (n) => n === 18, { timeoutMs: 20_000 });
    assert.ok(Math.max(...batches) > 1, `after it: batches of more than one (${batches.join(',')})`);
  } finally {
    releaseFiling();
    await w.stop();
  }
});
