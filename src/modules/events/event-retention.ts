/**
 * Event retention: events are kept EVENT_RETENTION_DAYS (30) days by the injected clock, then deleted by a periodic
 * job — the same mechanism as the NTS sweeper and the billing tick:
 *
 *   start  ─► arm the slot one period ahead (job `<channel>.events.retention`, dedupe key per period and slot, so
 *              any number of workers and restarts make one job per slot)
 *   job    ─► arm the next slot first (a failing run does not stop the chain) ─► delete expired events in chunks
 *              of 10,000 rows per statement (each its own short transaction: no long lock, no huge WAL record)
 *
 * HANBILL_EVENT_RETENTION_SWEEP_MS = 0 turns it off on an installation (test systems sharing one database, whose
 * clocks may run ahead: one would delete the others' events). Deletion is database-wide: events of every channel.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { enqueueJob, type JobHandler } from '../../platform/jobs.ts';
import { EVENT_RETENTION_DAYS } from './event-catalogue.ts';
import './event-tables.ts';

export const RETENTION_CHUNK = 10_000;
const DAY_MS = 86_400_000;

export function eventRetentionQueue(ctx: Ctx): string {
  return `${ctx.config.channel}.events.retention`;
}

/** Delete every event that occurred more than EVENT_RETENTION_DAYS before ctx.clock's now; returns how many. */
export async function deleteExpiredEvents(ctx: Ctx, opts: { chunk?: number } = {}): Promise<number> {
  const chunk = opts.chunk ?? RETENTION_CHUNK;
  const cutoff = new Date(ctx.clock.now().getTime() - EVENT_RETENTION_DAYS * DAY_MS);
  let total = 0;
  for (;;) {
    const r = await sql`
      DELETE FROM events WHERE id IN (SELECT id FROM events WHERE occurred_at < ${cutoff} LIMIT ${chunk})`.execute(ctx.db);
    const n = Number(r.numAffectedRows ?? 0);
    total += n;
    if (n < chunk) break;
  }
  if (total > 0) ctx.log.info({ deleted: total, before: cutoff.toISOString() }, 'event retention: expired events deleted');
  return total;
}

/**
 * Arm the retention chain: the run of the slot `offsetSlots` from now, or of `atLeast` if that is later (a run arms
 * the slot after its own even when it runs early); none when the period is 0.
 */
export async function armEventRetention(ctx: Ctx, offsetSlots = 1, atLeast = 0): Promise<void> {
  const period = ctx.config.eventRetentionSweepMs;
  if (period === 0) return;
  const slot = Math.max(Math.floor(Date.now() / period) + offsetSlots, atLeast);
  await enqueueJob(ctx.db, eventRetentionQueue(ctx), { slot }, { dedupeKey: `retention:${period}:${slot}`, runAt: new Date(Math.max(Date.now(), slot * period)), maxAttempts: 1 });
}

export interface EventRetention {
  handlers: Record<string, JobHandler>;
  /** Arm the chain (idempotent). */
  start(): Promise<void>;
}

/** The composition root's part: the job handler and start(). */
export function createEventRetention(ctx: Ctx): EventRetention {
  return {
    handlers: {
      [eventRetentionQueue(ctx)]: async (job) => {
        await armEventRetention(ctx, 1, Number(job.payload['slot'] ?? 0) + 1);
        await deleteExpiredEvents(ctx);
      },
    },
    start: () => armEventRetention(ctx, 1),
  };
}
