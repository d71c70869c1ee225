/**
 * Durable jobs on the application database. Enqueue inside the transaction that makes the change
 * (so a job exists exactly when its change committed); workers claim due jobs with
 * `FOR UPDATE SKIP LOCKED` under a lease, so several worker processes share the queue and a crashed
 * worker's job is picked up again when its lease runs out. Handlers must be idempotent: a job may run
 * again after a crash between its side effect and its completion.
 */
import { randomBytes } from 'node:crypto';
import { sql, type OperationNodeSource, type RawBuilder } from 'kysely';
import { afterCommit, type Db, type Tx } from './db/transaction.ts';
import { isDatabaseUnavailable } from './db/database-unavailable.ts';
import { runWithLogFields } from './log-context.ts';
import { metrics } from './metrics.ts';
import { WorkInFlight, type Foreground } from './foreground.ts';

/** A job's attempts when its enqueuer names none (the column's default, migrations/0001). */
const DEFAULT_MAX_ATTEMPTS = 10;

export interface EnqueueOptions {
  /** At most one job per (queue, dedupeKey), ever: a second enqueue is a no-op. */
  dedupeKey?: string;
  runAt?: Date;
  maxAttempts?: number;
}

export interface Job<P = Record<string, unknown>> {
  id: number;
  queue: string;
  payload: P;
  attempts: number;
  maxAttempts: number;
}

export type JobHandler = (job: Job) => Promise<void>;

/**
 * A handler of up to `batchSize` due jobs of its queue at once: the worker claims them in one statement, the handler
 * does their work (reading and writing its rows once per batch rather than once per job) and answers the failures,
 * and the worker records every success in one statement. Each job keeps its own attempts, lease and retry: a job that
 * failed is retried alone, as a JobHandler's. A batch handler that throws fails every job of the batch.
 */
export interface BatchJobHandler {
  batchSize: number;
  runBatch(jobs: Job[]): Promise<ReadonlyMap<number, unknown>>;
}

export type QueueHandler = JobHandler | BatchJobHandler;

export async function enqueueJob(db: Db | Tx, queue: string, payload: Record<string, unknown>, opts: EnqueueOptions = {}): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      queue,
      payload: JSON.stringify(payload),
      dedupe_key: opts.dedupeKey ?? null,
      ...(opts.runAt ? { run_at: opts.runAt } : {}),
      ...(opts.maxAttempts ? { max_attempts: opts.maxAttempts } : {}),
    })
    .onConflict((oc) => oc.columns(['queue', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
    .execute();
  wakeAfterCommit(db, queue, 1);
}

/** Several jobs in one multi-row INSERT (a bulk write's mails); each as `enqueueJob` would write it. */
export async function enqueueJobs(db: Db | Tx, jobs: readonly { queue: string; payload: Record<string, unknown>; opts?: EnqueueOptions }[]): Promise<void> {
  if (jobs.length === 0) return;
  await db
    .insertInto('jobs')
    .values(
      jobs.map(({ queue, payload, opts = {} }) => ({
        queue,
        payload: JSON.stringify(payload),
        dedupe_key: opts.dedupeKey ?? null,
        // one shape for every row of the INSERT: the column defaults, spelt out
        run_at: opts.runAt ?? sql<Date>`now()`,
        max_attempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      })),
    )
    .onConflict((oc) => oc.columns(['queue', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
    .execute();
  const counts = new Map<string, number>();
  for (const { queue } of jobs) counts.set(queue, (counts.get(queue) ?? 0) + 1);
  afterCommit(db, () => wakeWorkers(counts));
}

/** A job of `queue` for each row an INSERT … RETURNING id writes (insertWithJobs, jobsOfRows). */
export interface RowJob {
  queue: string;
  payloadKey: string;
  dedupePrefix: string;
  maxAttempts?: number;
}

/**
 * Rows and their jobs in one statement: `insert` (an INSERT … RETURNING id, e.g. outbox rows) runs, and each row it
 * returns gets a job of `queue` with payload `{ [payloadKey]: id }` and dedupe key `${dedupePrefix}:${id}` — what
 * enqueueJob(s) would write for it, without a second round trip. Returns the ids, in the INSERT's order.
 */
export async function insertWithJobs(db: Db | Tx, insert: OperationNodeSource, job: RowJob): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    WITH r AS (${insert}),
         j AS (${jobsOfRows('r', job)})
    SELECT id FROM r`.execute(db);
  const ids = rows.map((r) => Number(r.id));
  wakeAfterCommit(db, job.queue, ids.length);
  return ids;
}

/**
 * The INSERT of a job for each row of the CTE named `rows` (its `id`), as insertWithJobs writes them: for a larger
 * statement that writes the rows too. The caller wakes the workers after commit (wakeAfterCommit).
 */
export function jobsOfRows(rows: string, job: RowJob): RawBuilder<unknown> {
  const r = sql.table(rows);
  return sql`INSERT INTO jobs (queue, payload, dedupe_key, max_attempts)
               SELECT ${job.queue}, jsonb_build_object(${job.payloadKey}::text, ${r}.id), ${job.dedupePrefix} || ':' || ${r}.id, ${job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS}::integer FROM ${r}
               ON CONFLICT (queue, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING`;
}

/** Wake `count` idle loops of `queue` in this process once the enqueuing transaction committed (wakeWorkers). */
export function wakeAfterCommit(db: Db | Tx, queue: string, count: number): void {
  if (count > 0) afterCommit(db, () => wakeWorkers(new Map([[queue, count]])));
}

/**
 * Wake-ups of the workers in this process, after the enqueuing transaction committed (before it, a woken loop
 * could not see the job yet): per queue, as many idle loops serving that queue as jobs were enqueued — not every
 * loop of every lane. Each issued document used to wake all 12 loops on PostgreSQL, 12 claim queries per issue
 * competing with the requests for the pool's 10 connections (issue 13, single-issue latency). A loop that finds
 * work keeps claiming until none is left, and every idle loop still polls every `idlePollMs`, so a job whose
 * wake-up was missed (another process enqueued it) waits at most that long.
 */
const wakeListeners = new Set<(counts: ReadonlyMap<string, number>) => void>();
function wakeWorkers(counts: ReadonlyMap<string, number>): void {
  for (const l of wakeListeners) l(counts);
}

/** The first retry's delay of a queue without one of its own (WorkerOptions.retryFirstMs). */
const DEFAULT_RETRY_FIRST_MS = 1000;

/** Backoff before attempt n+1: `firstMs` (1 s), then doubling, capped at 10 minutes, with ±20 % jitter. */
export function retryDelayMs(attempts: number, firstMs = DEFAULT_RETRY_FIRST_MS): number {
  const base = Math.min(firstMs * 2 ** Math.max(0, attempts - 1), 10 * 60 * 1000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export interface WorkerOptions {
  handlers: Record<string, QueueHandler>;
  /** Concurrent jobs in this process (of the queues not in a lane). */
  concurrency?: number;
  /**
   * Queues with loops of their own (e.g. message delivery): a lane's loops run only its queues and the general
   * loops never do, so a 10,000-recipient batch does not wait behind mail, nor mail behind it.
   */
  lanes?: {
    queues: string[];
    concurrency: number;
    /**
     * The background work yields to this lane as it does to requests (`yieldTo`): while one of its jobs runs here, or
     * ran within 50 ms, the general loops run one job at a time per queue, a batch of one. For the work whose speed
     * the customer waits on behind a backlog of mail (NTS filing, issue 13: filed right after a bulk issue, it shared
     * the one event loop with 16–32 mails at a time).
     */
    first?: boolean;
  }[];
  /**
   * The requests of this process (platform/foreground.ts): while it is busy, the general loops — the background work:
   * mail, billing, bulk files — run one job at a time per queue and a batch handler gets a batch of one, so a
   * request's statements do not queue behind dozens of mails on the event loop. The lanes (filing, messages,
   * webhooks, document batches) never yield.
   */
  yieldTo?: Foreground;
  /**
   * The first retry's delay per queue (then doubling, at most 10 minutes; 1 s for a queue not named): the work of a
   * gateway with a retry setting of its own (HANBILL_CARRIER_RETRY_MS) backs off on its schedule.
   */
  retryFirstMs?: Readonly<Record<string, number>>;
  /** How long a claimed job is ours before another worker may take it over. */
  leaseMs?: number;
  idlePollMs?: number;
  onError?: (job: Job, err: unknown) => void;
}

/** true when `p` settles within `ms` (no `ms`: waits for it), false when the time runs out first. */
export async function settlesWithin(p: Promise<unknown>, ms: number | undefined): Promise<boolean> {
  if (ms === undefined) {
    await p;
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

interface ClaimedRow {
  id: number;
  queue: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
}

/**
 * A job that may be claimed now: pending and due, or running under a lease that ran out (its worker died). Unqualified,
 * so it applies to the innermost `jobs` of the statement it is put in.
 */
const DUE = sql`state IN ('pending', 'running') AND run_at <= now() AND (locked_until IS NULL OR locked_until < now())`;

const jobOf = (row: ClaimedRow): Job => ({ id: row.id, queue: row.queue, payload: row.payload, attempts: row.attempts, maxAttempts: row.max_attempts });

/** A batch handler's batch while requests are in flight (`yieldTo`). */
const NARROW_BATCH = 1;

/** How long a worker keeps trying to write a job's outcome while the database is out of reach (JobWorker.recordOutcome). */
const OUTCOME_RETRY_MS = 30_000;

export class JobWorker {
  private running = false;
  private loops: Promise<void>[] = [];
  /** Idle loops waiting for work, with the queues each serves (each loop sleeps on its own timer). */
  private readonly sleepers = new Map<() => void, readonly string[]>();
  /** Wake-ups per queue, so a loop that found nothing just before an enqueue of its queues does not sleep past it. */
  private readonly wakeups = new Map<string, number>();
  private readonly wakeListener = (counts: ReadonlyMap<string, number>) => this.wake(counts);
  /** Jobs this process has claimed and is running, with the attempt number its claim wrote (its lease's mark). */
  private readonly inFlight = new Map<number, number>();
  /** Jobs of the lanes the background work yields to (`first`) running here, and when the last one ended. */
  private readonly firstWork = new WorkInFlight();
  /** General queues a loop is claiming or running one job of while requests are in flight (`yieldTo`). */
  private readonly narrowed = new Set<string>();
  /** This worker's part of its claims' tokens, and how many claims it has made. */
  private readonly tokenPrefix = randomBytes(6).toString('base64url');
  private claims = 0;
  /** Jobs handed back at a shutdown's deadline: their handler may still end here, but writes nothing. */
  private readonly handedBack = new Set<number>();

  /** The queues whose handler takes batches of more than one job. */
  private readonly batchQueues: string[];

  constructor(
    private readonly db: Db,
    private readonly opts: WorkerOptions,
  ) {
    this.batchQueues = Object.entries(opts.handlers).flatMap(([queue, h]) => (typeof h !== 'function' && h.batchSize > 1 ? [queue] : []));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    wakeListeners.add(this.wakeListener);
    const laned = new Set((this.opts.lanes ?? []).flatMap((l) => l.queues));
    const general = Object.keys(this.opts.handlers).filter((q) => !laned.has(q));
    const n = this.opts.concurrency ?? 2;
    for (let i = 0; i < n; i++) this.loops.push(this.loop(general, (qs) => this.runBackground(qs)));
    for (const lane of this.opts.lanes ?? []) {
      const queues = lane.queues.filter((q) => q in this.opts.handlers);
      const run = lane.first ? (qs: string[]) => this.runFirst(qs) : undefined;
      for (let i = 0; i < lane.concurrency && queues.length > 0; i++) this.loops.push(this.loop(queues, run));
    }
  }

  /**
   * Stop claiming; wait for the running jobs. With `deadlineMs`, jobs still running when it passes are handed back:
   * their lease released (pending, due now, the attempt not counted) so another worker claims them at once rather
   * than when the lease runs out; their handlers may still be running here, but they write nothing more (handlers are
   * idempotent, so the job running twice is safe). Returns the ids handed back.
   */
  async stop(opts: { deadlineMs?: number } = {}): Promise<{ handedBack: number[] }> {
    this.running = false;
    wakeListeners.delete(this.wakeListener);
    this.wakeAll();
    if (await settlesWithin(Promise.all(this.loops), opts.deadlineMs)) {
      this.loops = [];
      return { handedBack: [] };
    }
    const running = [...this.inFlight];
    if (running.length === 0) return { handedBack: [] };
    for (const [id] of running) this.handedBack.add(id);
    // one statement for all of them, each only while its lease is still ours: a job whose lease ran out and that
    // another worker claimed has a higher attempt
    const { rows } = await sql<{ id: number }>`
      UPDATE jobs SET state = 'pending', locked_until = NULL, run_at = now(), attempts = GREATEST(attempts - 1, 0)
       WHERE state = 'running' AND (id, attempts) IN (${sql.join(running.map(([id, attempts]) => sql`(${id}::bigint, ${attempts}::int)`))})
       RETURNING id`.execute(this.db);
    return { handedBack: rows.map((r) => Number(r.id)) };
  }

  /** Claim and run due jobs until none is left (tests use this to drain deterministically). */
  async drain(maxJobs = 10_000): Promise<number> {
    let n = 0;
    while (n < maxJobs && (await this.runOne())) n++;
    return n;
  }

  private wakeAll(): void {
    for (const wake of [...this.sleepers.keys()]) wake();
  }

  /** Per queue, wake as many idle loops serving it as jobs arrived (the others sleep on). */
  private wake(counts: ReadonlyMap<string, number>): void {
    for (const [queue, n] of counts) {
      if (!(queue in this.opts.handlers)) continue;
      this.wakeups.set(queue, (this.wakeups.get(queue) ?? 0) + 1);
      let left = n;
      for (const [wake, queues] of [...this.sleepers]) {
        if (left <= 0) break;
        if (queues.includes(queue)) {
          wake();
          left--;
        }
      }
    }
  }

  private wakeupsOf(queues: readonly string[]): number {
    let n = 0;
    for (const q of queues) n += this.wakeups.get(q) ?? 0;
    return n;
  }

  private async loop(queues: string[], run: (queues: string[]) => Promise<boolean> = (qs) => this.runOne(qs)): Promise<void> {
    while (this.running) {
      const seen = this.wakeupsOf(queues);
      let worked = false;
      try {
        worked = await run(queues);
      } catch {
        worked = false; // database unavailable: wait and retry
      }
      // a wake-up that arrived while we looked (an enqueue racing our empty claim) means: look again now
      if (!worked && this.running && seen === this.wakeupsOf(queues)) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(t);
            this.sleepers.delete(wake);
            resolve();
          };
          const t = setTimeout(wake, this.opts.idlePollMs ?? 500);
          this.sleepers.set(wake, queues);
        });
      }
    }
  }

  /**
   * A general loop's turn: at full width, or — while requests are in flight (`yieldTo`), or a job of a lane marked
   * `first` runs — one job at a time per queue, a batch of one: the queues are reserved for the claim, and the one
   * claimed stays reserved until its job ends, so a long billing or bulk-file job does not hold back mail, nor one
   * mail the next request.
   */
  private async runBackground(queues: string[]): Promise<boolean> {
    if (!this.opts.yieldTo?.busy() && !this.firstWork.busy()) return this.runOne(queues);
    const free = queues.filter((q) => !this.narrowed.has(q));
    if (free.length === 0) return false;
    for (const q of free) this.narrowed.add(q);
    try {
      return await this.runOne(free, NARROW_BATCH, (queue) => {
        for (const q of free) if (q !== queue) this.narrowed.delete(q);
      });
    } finally {
      for (const q of free) this.narrowed.delete(q);
    }
  }

  /** A turn of a lane the background work yields to: its job counted from its claim to its end. */
  private async runFirst(queues: string[]): Promise<boolean> {
    let end: (() => void) | undefined;
    try {
      return await this.runOne(queues, undefined, () => (end = this.firstWork.begin()));
    } finally {
      end?.();
    }
  }

  /**
   * Claim and run the first due job of `queues` — with a batch handler, up to its batch size (or `maxBatch`) of them;
   * `onClaim` hears which queue the claim took, before the job runs.
   */
  private async runOne(queues: string[] = Object.keys(this.opts.handlers), maxBatch?: number, onClaim?: (queue: string) => void): Promise<boolean> {
    if (queues.length === 0) return false;
    const claimed = await this.claiming(queues, (claim) => sql<ClaimedRow & { more: boolean | null }>`
      UPDATE jobs SET ${claim}
       WHERE id = (
         -- each queue's first due job (one descent of jobs_due_order_idx each), then the earliest of those
         SELECT j.id FROM unnest(${queues}::text[]) AS q(name)
          CROSS JOIN LATERAL (
            SELECT id, run_at FROM jobs
             WHERE queue = q.name AND ${DUE}
             ORDER BY run_at, id
             LIMIT 1
             FOR UPDATE SKIP LOCKED) j
          ORDER BY j.run_at, j.id
          LIMIT 1)
      RETURNING id, queue, payload, attempts, max_attempts,
                -- a batch handler's queue (not when a batch of one is asked for): whether another of its jobs is due
                -- (else no second claim is needed)
                queue = ANY(${maxBatch === 1 ? [] : this.batchQueues}::text[]) AND EXISTS (SELECT 1 FROM jobs o WHERE o.queue = jobs.queue AND o.id <> jobs.id AND ${DUE}) AS more`.execute(this.db));
    const row = claimed.rows[0];
    if (!row) return false;
    onClaim?.(row.queue);
    const handler = this.opts.handlers[row.queue]!;
    const jobs = [jobOf(row)];
    const batchSize = typeof handler === 'function' ? 1 : Math.min(handler.batchSize, maxBatch ?? handler.batchSize);
    // more of the batch: when their claim fails with the database out of reach (handed back by claiming), this one
    // still runs rather than waiting for its lease
    if (row.more && batchSize > 1) {
      jobs.push(...(await this.claimMore(row.queue, batchSize - 1).catch((err: unknown) => {
        if (isDatabaseUnavailable(err)) return [];
        throw err;
      })));
    }
    for (const job of jobs) this.inFlight.set(job.id, job.attempts);
    try {
      if (typeof handler === 'function') await this.runClaimed(jobs[0]!, handler);
      else await this.runBatch(jobs, handler);
    } finally {
      for (const job of jobs) this.inFlight.delete(job.id);
    }
    return true;
  }

  /**
   * Run a claim: `statement` gets what the claim's UPDATE sets — the job running under our lease, one more attempt,
   * and a token no other claim has. When the claim fails because the database went out of reach, the UPDATE may
   * still have committed with its answer lost (the session cut in between): its jobs are then leased to nobody here.
   * They are handed back by that token — pending again, the attempt given back — once the database answers (tried
   * like an outcome, recordOutcome), rather than left for the lease to run out. The claim's error is rethrown.
   */
  private async claiming<R>(queues: string[], statement: (claimSet: RawBuilder<unknown>) => Promise<R>): Promise<R> {
    const token = `${this.tokenPrefix}:${++this.claims}`;
    try {
      return await statement(sql`state = 'running', attempts = attempts + 1, locked_until = now() + make_interval(secs => ${(this.opts.leaseMs ?? 60_000) / 1000}), claim_token = ${token}`);
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        await this.recordOutcome(() =>
          this.db
            .updateTable('jobs')
            .set({ state: 'pending', locked_until: null, attempts: sql`attempts - 1`, claim_token: null })
            .where('queue', 'in', queues)
            .where('state', '=', 'running')
            .where('claim_token', '=', token)
            .execute(),
        ).catch(() => {}); // still out of reach after the retries: the lease runs out as before
      }
      throw err;
    }
  }

  /** Up to `n` more due jobs of `queue` (the first due ones), in id order, for a batch handler. */
  private async claimMore(queue: string, n: number): Promise<Job[]> {
    const { rows } = await this.claiming([queue], (claim) => sql<ClaimedRow>`
      UPDATE jobs SET ${claim}
       WHERE id IN (
         SELECT id FROM jobs
          WHERE queue = ${queue} AND ${DUE}
          ORDER BY run_at, id
          LIMIT ${n}
          FOR UPDATE SKIP LOCKED)
      RETURNING id, queue, payload, attempts, max_attempts`.execute(this.db));
    return rows.map(jobOf).sort((a, b) => a.id - b.id);
  }

  private async runClaimed(job: Job, handler: JobHandler): Promise<void> {
    let failure: { err: unknown } | undefined;
    try {
      // every line the handler logs through ctx.log carries the job's id and queue (platform/log-context.ts)
      await runWithLogFields({ jobId: job.id, queue: job.queue }, () => handler(job));
    } catch (err) {
      failure = { err };
    }
    if (this.handedBack.has(job.id)) return; // another worker has it now
    if (!failure) await this.recordDone([job]);
    else await this.recordFailure(job, failure.err);
  }

  private async runBatch(jobs: Job[], handler: BatchJobHandler): Promise<void> {
    let failures: ReadonlyMap<number, unknown>;
    try {
      failures = await runWithLogFields({ jobIds: jobs.map((j) => j.id).join(','), queue: jobs[0]!.queue }, () => handler.runBatch(jobs));
    } catch (err) {
      failures = new Map(jobs.map((j) => [j.id, err]));
    }
    const mine = jobs.filter((j) => !this.handedBack.has(j.id)); // the others: another worker has them now
    await this.recordDone(mine.filter((j) => !failures.has(j.id)));
    for (const job of mine) if (failures.has(job.id)) await this.recordFailure(job, failures.get(job.id));
  }

  private async recordDone(jobs: Job[]): Promise<void> {
    if (jobs.length === 0) return;
    const ids = jobs.map((j) => j.id);
    await this.recordOutcome(() => this.db.updateTable('jobs').set({ state: 'done', locked_until: null, finished_at: sql`now()`, last_error: null }).where('id', 'in', ids).execute());
    metrics.inc('hanbill_jobs_finished_total', { queue: jobs[0]!.queue }, jobs.length);
  }

  private async recordFailure(job: Job, err: unknown): Promise<void> {
    this.opts.onError?.(job, err);
    const final = job.attempts >= job.maxAttempts;
    metrics.inc(final ? 'hanbill_jobs_dead_total' : 'hanbill_jobs_failed_total', { queue: job.queue });
    await this.recordOutcome(() =>
      this.db
        .updateTable('jobs')
        .set({
          state: final ? 'failed' : 'pending',
          locked_until: null,
          last_error: String((err as Error)?.message ?? err).slice(0, 2000),
          run_at: sql`now() + make_interval(secs => ${retryDelayMs(job.attempts, this.opts.retryFirstMs?.[job.queue]) / 1000})`,
          ...(final ? { finished_at: sql`now()` } : {}),
        })
        .where('id', '=', job.id)
        .execute(),
    );
  }

  /**
   * Write a job's outcome. While the database is out of reach (a restart, a failover, a cut session) the write is
   * tried again, for up to OUTCOME_RETRY_MS, rather than given up: a job left 'running' waits for its lease (60 s) to
   * run out before anyone retries it — and a job that did its work would be done again.
   */
  private async recordOutcome(write: () => Promise<unknown>): Promise<void> {
    const deadline = Date.now() + OUTCOME_RETRY_MS;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        await write();
        return;
      } catch (err) {
        if (!isDatabaseUnavailable(err) || !this.running || Date.now() + delay > deadline) throw err;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
