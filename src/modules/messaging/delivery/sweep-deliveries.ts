/**
 * The delivery sweeper (job `messages.sweep`, every HANBILL_CARRIER_SWEEP_MS; it schedules its own next run first,
 * so one failing run does not stop the chain, and every start re-arms it):
 *
 *  1. the 48-hour rule: attempts sent longer ago than the result time-out without a result fail with HB4800; the
 *     recipient fails, nothing is charged and no fallback follows. A report arriving later changes nothing.
 *  2. lost jobs re-armed: batches with queued recipients or queued attempts older than one period get a dispatch
 *     job; batches with attempts out longer than the poll period get a poll job.
 *  3. daily (once per KST day, across processes): template dormancy (markDormantTemplates), the history purge
 *     (purgeMessageHistory: partitions past 12 months dropped) and the partitions of this and next month ensured.
 *
 *  4. reserved batches whose time has come (by the injected clock) but were not released by their release job
 *     (lost, or run while the clock was still early) are released.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import { enqueueJob } from '../../../platform/jobs.ts';
import { kstDate, toSqlDate } from '../../../platform/clock.ts';
import { batchJobPayload, messageQueuesOf } from '../sending/message-queues.ts';
import { ensureMessagePartitions, purgeMessageHistory } from '../sending/message-partitions.ts';
import '../sending/tables.ts';
import { markDormantTemplates } from '../templates/mark-dormant-templates.ts';
import { TIMEOUT_CODE, TIMEOUT_MESSAGE } from './delivery-codes.ts';
import { recordResults } from './record-results.ts';
import { releaseDueReservations } from '../sending/release-reservation.ts';

/** Fail attempts without a result past the result time-out (uncharged, no fallback). Returns how many. */
export async function expireUnreported(ctx: Ctx): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - ctx.config.carrier.resultTimeoutHours * 3_600_000);
  let total = 0;
  for (;;) {
    const rows = await ctx.db.selectFrom('message_attempts').select('id').where('channel', '=', ctx.config.channel).where('state', '=', sql.lit('sent')).where('sent_at', '<=', cutoff).orderBy('id').limit(1000).execute();
    if (rows.length === 0) break;
    const r = await recordResults(
      ctx,
      rows.map((a) => ({ attemptId: Number(a.id), delivered: false, code: TIMEOUT_CODE, message: TIMEOUT_MESSAGE })),
      'timeout',
    );
    total += r.applied;
    if (r.applied === 0) break;
  }
  if (total > 0) ctx.log.warn({ expired: total }, 'messages without a result past the result time-out failed (not charged)');
  return total;
}

/** Give batches whose work stalled (a lost or exhausted job) a new dispatch or poll job. */
export async function rearmLostJobs(ctx: Ctx): Promise<{ dispatch: number; poll: number }> {
  const period = ctx.config.carrier.sweepMs;
  const slot = Math.floor(Date.now() / period);
  const older = new Date(ctx.clock.now().getTime() - period);
  const channel = ctx.config.channel;
  const stalled = await sql<{ batch_id: number; accepted_at: Date }>`
    SELECT DISTINCT batch_id, accepted_at FROM (
      SELECT b.id AS batch_id, b.accepted_at FROM message_batches b
       WHERE b.channel = ${channel} AND b.state IN ('queued', 'sending') AND b.accepted_at < ${older}
         AND EXISTS (SELECT 1 FROM message_recipients m WHERE m.batch_id = b.id AND m.accepted_at = b.accepted_at AND m.state = 'queued')
      UNION ALL
      SELECT batch_id, accepted_at FROM message_attempts WHERE channel = ${channel} AND state = 'queued' AND created_at < ${older}
    ) s LIMIT 500`.execute(ctx.db);
  for (const b of stalled.rows) {
    await enqueueJob(ctx.db, messageQueuesOf(ctx).dispatch, { ...batchJobPayload(Number(b.batch_id), new Date(b.accepted_at)), reason: 'sweep' }, { dedupeKey: `dispatch:${b.batch_id}:sweep:${slot}` });
  }
  const out = new Date(ctx.clock.now().getTime() - Math.max(ctx.config.carrier.pollMs, period));
  const unpolled = await sql<{ batch_id: number; accepted_at: Date }>`
    SELECT DISTINCT batch_id, accepted_at FROM message_attempts WHERE channel = ${channel} AND state = 'sent' AND sent_at < ${out} LIMIT 500`.execute(ctx.db);
  for (const b of unpolled.rows) {
    await enqueueJob(ctx.db, messageQueuesOf(ctx).poll, { ...batchJobPayload(Number(b.batch_id), new Date(b.accepted_at)), round: 0 }, { dedupeKey: `poll:${b.batch_id}:sweep:${slot}` });
  }
  return { dispatch: stalled.rows.length, poll: unpolled.rows.length };
}

/** Once a KST day: dormancy, purge, partitions. */
export async function dailyHousekeeping(ctx: Ctx): Promise<void> {
  const now = ctx.clock.now();
  const { marked } = await markDormantTemplates(ctx);
  const dropped = ctx.config.carrier.historyPurge ? await purgeMessageHistory(ctx.db, now) : [];
  await ensureMessagePartitions(ctx.db, now);
  ctx.log.info({ dormantTemplates: marked.length, droppedPartitions: dropped }, 'messaging daily housekeeping done');
}

/** Arm the sweep chain: the run of the current slot (deduplicated across processes and restarts). */
export async function armDeliverySweeper(ctx: Ctx, offsetSlots = 0): Promise<void> {
  const period = ctx.config.carrier.sweepMs;
  const slot = Math.floor(Date.now() / period) + offsetSlots;
  await enqueueJob(ctx.db, messageQueuesOf(ctx).sweep, { slot }, { dedupeKey: `sweep:${period}:${slot}`, runAt: new Date(Math.max(Date.now(), slot * period)), maxAttempts: 1 });
}

export async function sweepDeliveries(ctx: Ctx, payload: Record<string, unknown> = {}): Promise<void> {
  if (typeof payload['daily'] === 'string') return dailyHousekeeping(ctx);
  await armDeliverySweeper(ctx, 1);
  const day = toSqlDate(kstDate(ctx.clock.now()));
  await enqueueJob(ctx.db, messageQueuesOf(ctx).sweep, { daily: day }, { dedupeKey: `daily:${day}`, maxAttempts: 3 });
  await expireUnreported(ctx);
  await releaseDueReservations(ctx);
  await rearmLostJobs(ctx);
}
