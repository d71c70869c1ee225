/**
 * Cancelling a reservation (DELETE /v1/reservations/{id}; the portal's 예약목록): allowed while the batch is
 * reserved and until 10 minutes before its reserve_at (Popbill's rule, FACTS §6); the batch and its recipients
 * become cancelled, the counters move (pending → cancelled) and the `reservation.cancelled` event is recorded, in
 * one transaction. The release job finds the
 * batch no longer reserved and does nothing.
 */
import { sql } from 'kysely';
import type { Ctx } from '../../../platform/context.ts';
import { inTransaction } from '../../../platform/db/transaction.ts';
import { AppError } from '../../../platform/errors.ts';
import { batchNotFound, findOwnBatch, getMessageBatch, type MessageBatchView } from './get-message-batch.ts';
import { recordEvent } from '../../events/record-event.ts';

export const CANCEL_DEADLINE_MS = 10 * 60 * 1000;

export async function cancelReservation(ctx: Ctx, partnerId: number, batchId: number): Promise<MessageBatchView> {
  const now = ctx.clock.now();
  await inTransaction(ctx.db, async (tx) => {
    let batch;
    try {
      batch = await findOwnBatch(tx, partnerId, batchId);
    } catch (e) {
      throw e instanceof AppError && e.code === 'message_batch_not_found' ? new AppError('reservation_not_found', '예약이 없습니다 (no such reservation)', { field: 'id' }) : e;
    }
    // lock the batch row: a release or another cancel waits for us
    const locked = await sql<{ state: string; reserve_at: Date | null }>`
      SELECT state, reserve_at FROM message_batches WHERE id = ${batch.id} AND accepted_at = ${batch.accepted_at} FOR UPDATE`.execute(tx);
    const row = locked.rows[0];
    if (!row) throw batchNotFound();
    if (row.state !== 'reserved' || row.reserve_at === null) {
      throw new AppError('reservation_not_cancellable', `예약 상태가 아닙니다, 현재 ${row.state} (not reserved any more: ${row.state})`, { field: 'id', details: { state: row.state } });
    }
    const reserveAt = new Date(row.reserve_at);
    if (now.getTime() > reserveAt.getTime() - CANCEL_DEADLINE_MS) {
      throw new AppError('reservation_not_cancellable', `예약 시각 10분 전부터는 취소할 수 없습니다, 예약 시각 ${reserveAt.toISOString()} (cannot cancel within 10 minutes of the reserved time)`, {
        field: 'id',
        details: { reserveAt: reserveAt.toISOString() },
      });
    }
    const changed = await tx
      .updateTable('message_recipients')
      .set({ state: 'cancelled', done_at: now })
      .where('batch_id', '=', batch.id)
      .where('accepted_at', '=', batch.accepted_at)
      .where('state', '=', sql.lit('reserved'))
      .executeTakeFirst();
    const n = Number(changed.numUpdatedRows);
    await tx
      .updateTable('message_batches')
      .set((eb) => ({ state: 'cancelled', cancelled_at: now, done_at: now, pending: eb('pending', '-', n), cancelled: eb('cancelled', '+', n) }))
      .where('id', '=', batch.id)
      .where('accepted_at', '=', batch.accepted_at)
      .execute();
    await recordEvent(tx, {
      type: 'reservation.cancelled',
      partnerId,
      subscriptionId: batch.subscription_id === null ? null : Number(batch.subscription_id),
      objectId: String(batch.id),
      state: 'cancelled',
      at: now,
      data: { cancelled: n, reserveAt: reserveAt.toISOString() },
    });
  });
  return getMessageBatch(ctx, partnerId, batchId);
}
