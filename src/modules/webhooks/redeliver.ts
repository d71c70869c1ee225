/**
 * Redeliver (POST …/deliveries/{deliveryId}/redeliver, the portal's 다시 보내기): a new attempt of the same delivery
 * — same id, same body — whatever its state, at once and outside the per-object order (the partner asked for this
 * one). It is claimed anew with its job in one transaction; an attempt still in flight keeps its log line but no
 * longer decides the state. A delivery past its 3 days gets this one attempt; one within them keeps its retries.
 * Also on a disabled endpoint: the endpoint stays disabled.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import { findEndpoint } from './endpoint-view.ts';
import { CLAIM_SECONDS } from './start-due-deliveries.ts';
import { webhookQueuesOf } from './webhook-queues.ts';
import './webhook-tables.ts';

export async function redeliver(ctx: Ctx, partnerId: number, endpointId: string, deliveryId: string): Promise<void> {
  const now = ctx.clock.now();
  await inTransaction(ctx.db, async (tx) => {
    const endpoint = await findEndpoint(tx, partnerId, endpointId);
    const row = await tx
      .updateTable('webhook_deliveries')
      .set({
        state: 'pending',
        next_attempt_at: now,
        expires_at: sql`greatest(expires_at, ${now}::timestamptz)`,
        claim: sql`replace(gen_random_uuid()::text, '-', '')`,
        claimed_until: sql`now() + make_interval(secs => ${CLAIM_SECONDS})`,
      })
      .where('endpoint_id', '=', endpoint.id)
      .where('id', '=', /^whd_[0-9a-f]{32}$/.test(deliveryId) ? deliveryId : '')
      .returning(['id', 'claim'])
      .executeTakeFirst();
    if (!row) throw new AppError('webhook_delivery_not_found', '전송 내역이 없습니다 (no such delivery)', { field: 'deliveryId' });
    await enqueueJob(tx, webhookQueuesOf(ctx).deliver, { deliveryId: row.id, claim: row.claim!, redeliver: true }, { maxAttempts: 3 });
  });
  ctx.log.info({ partnerId, endpointId, deliveryId }, 'webhook redelivery requested');
}
