/**
 * A partner's message batch (GET /v1/messages/{id}): its state, counters and sender. Another partner's batch,
 * or none, is message_batch_not_found.
 */
import type { Ctx } from '../../../platform/context.ts';
import type { Db } from '../../../platform/db/transaction.ts';
import { AppError } from '../../../platform/errors.ts';
import type { BatchState, MessageType } from './tables.ts';

export interface MessageBatchView {
  id: number;
  type: MessageType;
  state: BatchState;
  isAd: boolean;
  holdReason: string | null;
  senderNumber: string | null;
  channelId: number | null;
  /** the channel's search id (@…), for Kakao types */
  channelSearchId: string | null;
  templateCode: string | null;
  templateName: string | null;
  total: number;
  success: number;
  failure: number;
  pending: number;
  cancelled: number;
  acceptedAt: Date;
  reserveAt: Date | null;
  lastSentAt: Date | null;
  cancelledAt: Date | null;
  doneAt: Date | null;
}

export function batchNotFound(field = 'id'): AppError {
  return new AppError('message_batch_not_found', '메시지 요청이 없습니다 (no such message batch)', { field });
}

/** The batch row of `partnerId` (id and partition key), or message_batch_not_found. */
export async function findOwnBatch(db: Db, partnerId: number, batchId: number) {
  const row = await db
    .selectFrom('message_batches as b')
    .leftJoin('kakao_channels as k', 'k.id', 'b.channel_id')
    .selectAll('b')
    .select('k.search_id as channel_search_id')
    .where('b.id', '=', batchId)
    .where('b.partner_id', '=', partnerId)
    .executeTakeFirst();
  if (!row) throw batchNotFound();
  return row;
}

export function batchView(b: Awaited<ReturnType<typeof findOwnBatch>>): MessageBatchView {
  return {
    id: Number(b.id),
    type: b.type,
    state: b.state,
    isAd: b.is_ad,
    holdReason: b.hold_reason,
    senderNumber: b.sender_number,
    channelId: b.channel_id === null ? null : Number(b.channel_id),
    channelSearchId: b.channel_search_id ?? null,
    templateCode: b.template_code,
    templateName: b.template_name,
    total: b.total,
    success: b.success,
    failure: b.failure,
    pending: b.pending,
    cancelled: b.cancelled,
    acceptedAt: b.accepted_at,
    reserveAt: b.reserve_at,
    lastSentAt: b.last_sent_at,
    cancelledAt: b.cancelled_at,
    doneAt: b.done_at,
  };
}

export async function getMessageBatch(ctx: Ctx, partnerId: number, batchId: number): Promise<MessageBatchView> {
  return batchView(await findOwnBatch(ctx.db, partnerId, batchId));
}
