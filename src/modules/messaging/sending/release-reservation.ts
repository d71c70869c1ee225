/**
 * Releasing a reserved batch at its time (the `messages.release` job, enqueued at acceptance with run_at =
 * reserve_at): reserved → queued for the batch and its recipients, the dispatch job and the `reservation.sent` event
 * (object: the batch id, state queued), in one transaction.
 * Idempotent: a batch no longer reserved (cancelled, or released already) is left alone. releaseDueReservations
 * is the sweeper's net for a lost job: every reserved batch whose reserve_at has passed.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { enqueueJob, type JobHandler } from '../../../platform/jobs.ts';
import { batchJobPayload, messageQueuesOf, readBatchJobPayload } from './message-queues.ts';
import { recordEvent } from '../../events/record-event.ts';

/** Returns true when this call released the batch. */
export async function releaseReservation(ctx: Ctx, batchId: number, acceptedAt: Date): Promise<boolean> {
  return inTransaction(ctx.db, async (tx) => {
    const released = await sql<{ id: string; partner_id: string | null; subscription_id: string | null; total: number; reserve_at: Date | null }>`
      UPDATE message_batches SET state = 'queued'
       WHERE id = ${batchId} AND accepted_at = ${acceptedAt} AND state = 'reserved' AND reserve_at <= ${ctx.clock.now()}
      RETURNING id, partner_id, subscription_id, total, reserve_at`.execute(tx);
    const batch = released.rows[0];
    if (!batch) return false;
    await recordEvent(tx, {
      type: 'reservation.sent',
      partnerId: batch.partner_id === null ? null : Number(batch.partner_id),
      subscriptionId: batch.subscription_id === null ? null : Number(batch.subscription_id),
      objectId: String(batchId),
      state: 'queued',
      at: ctx.clock.now(),
      data: { total: Number(batch.total), reserveAt: batch.reserve_at ? new Date(batch.reserve_at).toISOString() : null },
    });
    await tx
      .updateTable('message_recipients')
      .set({ state: 'queued' })
      .where('batch_id', '=', batchId)
      .where('accepted_at', '=', acceptedAt)
      .where('state', '=', sql.lit('reserved'))
      .execute();
    await enqueueJob(tx, messageQueuesOf(ctx).dispatch, batchJobPayload(batchId, acceptedAt), { dedupeKey: `batch:${batchId}` });
    ctx.log.info({ batchId }, 'reserved message batch released');
    return true;
  });
}

/** Release every reserved batch whose time has come (by ctx.clock); returns how many were released. */
export async function releaseDueReservations(ctx: Ctx, limit = 1000): Promise<number> {
  const due = await ctx.db
    .selectFrom('message_batches')
    .select(['id', 'accepted_at'])
    .where('channel', '=', ctx.config.channel)
    .where('state', '=', sql.lit('reserved'))
    .where('reserve_at', '<=', ctx.clock.now())
    .orderBy('reserve_at')
    .limit(limit)
    .execute();
  let n = 0;
  for (const b of due) if (await releaseReservation(ctx, Number(b.id), b.accepted_at)) n++;
  return n;
}

/** The worker's handlers of this module (wired in src/main.ts). */
export function messageAcceptance(ctx: Ctx): { handlers: Record<string, JobHandler> } {
  return {
    handlers: {
      [messageQueuesOf(ctx).release]: async (job) => {
        const { batchId, acceptedAt } = readBatchJobPayload(job.payload);
        await releaseReservation(ctx, batchId, acceptedAt);
      },
    },
  };
}
