/**
 * One batch of the send history with a page of its recipients and every attempt of each (the Kakao attempt and
 * its fallback SMS/LMS side by side): the portal's detail screen and the .xlsx recipients sheet. A batch of another
 * partner is not found. Recipients and attempts come from the one reader of sending (readRecipients), which the
 * REST recipients list and the .xlsx 수신자 sheet use too.
 */
import type { Ctx } from '../../../platform/context.ts';
import type { Db } from '../../../platform/db/transaction.ts';
import { AppError } from '../../../platform/errors.ts';
import { readRecipients, type RecipientView } from '../sending/list-message-recipients.ts';
import { historyRowOf, historyRows, type HistoryRow } from './history-rows.ts';

export const RECIPIENT_PAGE_SIZE = 100;

export interface HistoryBatch {
  batch: HistoryRow;
  recipients: RecipientView[];
  page: number;
  nextPage: number | null;
}

/** The partner's batch `id` as a history row, or message_batch_not_found. */
export async function historyBatchRow(db: Db, partnerId: number, id: number): Promise<HistoryRow> {
  const row = await historyRows(db, (eb) => eb.and([eb('message_batches.id', '=', id), eb('message_batches.partner_id', '=', partnerId), eb('message_batches.source', '=', 'api')])).executeTakeFirst();
  if (!row) throw new AppError('message_batch_not_found', '발송내역이 없습니다 (no such send in your history)', { field: 'id' });
  return historyRowOf(row);
}

export async function getHistoryBatch(ctx: Ctx, partnerId: number, id: number, page = 1): Promise<HistoryBatch> {
  const batch = await historyBatchRow(ctx.db, partnerId, id);
  const offset = (Math.max(1, page) - 1) * RECIPIENT_PAGE_SIZE;
  const recipients = await readRecipients(ctx.db, batch, { offset, limit: RECIPIENT_PAGE_SIZE });
  return { batch, recipients, page, nextPage: offset + recipients.length < batch.total ? page + 1 : null };
}
