/**
 * The job queue as the database holds it, for GET /metrics (every scrape) and the console's 시스템 상태 page:
 * per queue, the jobs due and waiting for a worker, scheduled later (retries in backoff, reservations), running
 * under a live lease, and how long the oldest due one has waited. One query over the unfinished jobs only — it
 * reads the partial index jobs_due_order_idx (state pending/running), never the finished history.
 *
 * `recentJobFailures` (console only) reads the failed history: jobs whose last attempt failed for good (dead) and
 * jobs waiting to retry after a failed attempt, newest first.
 */
import { sql } from 'kysely';
import type { Db } from './db/transaction.ts';

export interface QueueHealth {
  queue: string;
  /** Due now and not leased: waiting for a worker. */
  due: number;
  /** Pending with run_at in the future (a retry's backoff, a scheduled release). */
  scheduled: number;
  /** Claimed by a worker whose lease has not run out. */
  running: number;
  /** Seconds the oldest due, unleased job has waited past its run_at (0 when none is due). */
  oldestDueAgeSeconds: number;
}

export async function queueHealth(db: Db): Promise<QueueHealth[]> {
  const { rows } = await sql<{ queue: string; due: number; scheduled: number; running: number; oldest_due_age: number | null }>`
    SELECT queue,
           (count(*) FILTER (WHERE run_at <= now() AND (locked_until IS NULL OR locked_until <= now())))::int AS due,
           (count(*) FILTER (WHERE run_at > now() AND (locked_until IS NULL OR locked_until <= now())))::int AS scheduled,
           (count(*) FILTER (WHERE locked_until > now()))::int AS running,
           (EXTRACT(EPOCH FROM now() - min(run_at) FILTER (WHERE run_at <= now() AND (locked_until IS NULL OR locked_until <= now()))))::float8 AS oldest_due_age
      FROM jobs
     WHERE state IN ('pending', 'running')
     GROUP BY queue
     ORDER BY queue`.execute(db);
  return rows.map((r) => ({ queue: r.queue, due: Number(r.due), scheduled: Number(r.scheduled), running: Number(r.running), oldestDueAgeSeconds: Math.max(0, Number(r.oldest_due_age ?? 0)) }));
}

export interface JobFailure {
  id: number;
  queue: string;
  /** dead: failed its last attempt (state failed); retrying: a failed attempt, another one is scheduled. */
  status: 'dead' | 'retrying';
  attempts: number;
  maxAttempts: number;
  error: string;
  /** dead: when it failed for good; retrying: when the next attempt is due. */
  at: Date;
}

/** Failures per queue in the last hour (dead jobs finished in it) and the newest `limit` failed / retrying jobs. */
export async function recentJobFailures(db: Db, limit = 20): Promise<{ deadLastHourByQueue: Map<string, number>; recent: JobFailure[] }> {
  const dead = await sql<{ queue: string; n: number }>`
    SELECT queue, count(*)::int AS n FROM jobs
     WHERE state = 'failed' AND finished_at > now() - interval '1 hour'
     GROUP BY queue`.execute(db);
  const recent = await sql<{ id: number; queue: string; state: string; attempts: number; max_attempts: number; last_error: string | null; at: Date }>`
    (SELECT id, queue, state, attempts, max_attempts, last_error, finished_at AS at FROM jobs
      WHERE state = 'failed' ORDER BY finished_at DESC NULLS LAST LIMIT ${limit})
    UNION ALL
    (SELECT id, queue, state, attempts, max_attempts, last_error, run_at AS at FROM jobs
      WHERE state = 'pending' AND last_error IS NOT NULL ORDER BY run_at DESC LIMIT ${limit})`.execute(db);
  return {
    deadLastHourByQueue: new Map(dead.rows.map((r) => [r.queue, Number(r.n)])),
    recent: recent.rows
      .map((r) => ({
        id: Number(r.id),
        queue: r.queue,
        status: r.state === 'failed' ? ('dead' as const) : ('retrying' as const),
        attempts: r.attempts,
        maxAttempts: r.max_attempts,
        error: r.last_error ?? '',
        at: new Date(r.at),
      }))
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .slice(0, limit),
  };
}
