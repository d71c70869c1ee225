/**
 * One batch of the send history with a page of its recipients and every attempt of each (the Kakao attempt and
 * its fallback SMS/LMS side by side): the portal's detail screen and the .xlsx recipients sheet. A batch of another
 * partner is not found. Recipients and attempts are read with the batch's `accepted_at` (one partition).
 */
import type { Ctx } from '../../../platform/context.ts';
import type { Db } from '../../../platform/db/transaction.ts';
import { AppError } from '../../../platform/errors.ts';
import type { AttemptState, MessageKind, RecipientState } from '../sending/tables.ts';
import { historyRowOf, historyRows, type HistoryRow } from './history-rows.ts';

export const RECIPIENT_PAGE_SIZE = 100;

export interface HistoryAttempt {
  attemptNo: number;
  kind: MessageKind;
  isFallback: boolean;
  state: AttemptState;
  resultCode: string | null;
  resultMessage: string | null;
  sentAt: Date | null;
  reportedAt: Date | null;
}

export interface HistoryRecipient {
  id: number;
  seq: number;
  phone: string;
  clientRef: string | null;
  kind: MessageKind;
  state: RecipientState;
  resultCode: string | null;
  resultMessage: string | null;
  sentAt: Date | null;
  doneAt: Date | null;
  attempts: HistoryAttempt[];
}

export interface HistoryBatch {
  batch: HistoryRow;
  recipients: HistoryRecipient[];
  page: number;
  nextPage: number | null;
}

/** The partner's batch `id` as a history row, or message_batch_not_found. */
export async function historyBatchRow(db: Db, partnerId: number, id: number): Promise<HistoryRow> {
  const row = await historyRows(db, (eb) => eb.and([eb('message_batches.id', '=', id), eb('message_batches.partner_id', '=', partnerId), eb('message_batches.source', '=', 'api')])).executeTakeFirst();
  if (!row) throw new AppError('message_batch_not_found', '발송내역이 없습니다 (no such send in your history)', { field: 'id' });
  return historyRowOf(row);
}

/** Recipients of a batch from `afterSeq` on (seq order), at most `limit`, each with its attempts. */
export async function historyRecipients(db: Db, batch: Pick<HistoryRow, 'id' | 'acceptedAt'>, o: { afterSeq?: number; offset?: number; limit: number }): Promise<HistoryRecipient[]> {
  let q = db
    .selectFrom('message_recipients')
    .where('accepted_at', '=', batch.acceptedAt)
    .where('batch_id', '=', batch.id)
    .select(['id', 'seq', 'phone', 'client_ref', 'kind', 'state', 'result_code', 'result_message', 'sent_at', 'done_at'])
    .orderBy('seq')
    .limit(o.limit);
  if (o.afterSeq !== undefined) q = q.where('seq', '>', o.afterSeq);
  if (o.offset) q = q.offset(o.offset);
  const rows = await q.execute();
  if (!rows.length) return [];
  const attempts = await db
    .selectFrom('message_attempts')
    .where('accepted_at', '=', batch.acceptedAt)
    .where('batch_id', '=', batch.id)
    .where('recipient_id', 'in', rows.map((r) => r.id))
    .select(['recipient_id', 'attempt_no', 'kind', 'is_fallback', 'state', 'result_code', 'result_message', 'sent_at', 'reported_at'])
    .orderBy('recipient_id')
    .orderBy('attempt_no')
    .execute();
  const byRecipient = new Map<number, HistoryAttempt[]>();
  for (const a of attempts) {
    const list = byRecipient.get(Number(a.recipient_id)) ?? [];
    list.push({ attemptNo: a.attempt_no, kind: a.kind, isFallback: a.is_fallback, state: a.state, resultCode: a.result_code, resultMessage: a.result_message, sentAt: a.sent_at, reportedAt: a.reported_at });
    byRecipient.set(Number(a.recipient_id), list);
  }
  return rows.map((r) => ({
    id: Number(r.id),
    seq: r.seq,
    phone: r.phone,
    clientRef: r.client_ref,
    kind: r.kind,
    state: r.state,
    resultCode: r.result_code,
    resultMessage: r.result_message,
    sentAt: r.sent_at,
    doneAt: r.done_at,
    attempts: byRecipient.get(Number(r.id)) ?? [],
  }));
}

export async function getHistoryBatch(ctx: Ctx, partnerId: number, id: number, page = 1): Promise<HistoryBatch> {
  const batch = await historyBatchRow(ctx.db, partnerId, id);
  const offset = (Math.max(1, page) - 1) * RECIPIENT_PAGE_SIZE;
  const recipients = await historyRecipients(ctx.db, batch, { offset, limit: RECIPIENT_PAGE_SIZE });
  return { batch, recipients, page, nextPage: offset + recipients.length < batch.total ? page + 1 : null };
}
