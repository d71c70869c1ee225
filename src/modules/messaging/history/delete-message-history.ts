/**
 * 선택삭제 / 전체삭제 of the send history, without recovery: the batches, their recipients and their attempts go in
 * one transaction; usage_records stay (settlement bills from them) and so do clientRefs (a repeated clientRef is
 * still never sent twice). Only finished batches (done, cancelled) are deleted: a reserved one is cancelled first
 * (연동 API 예약목록), one still sending keeps its rows until its results are in.
 *
 *   { ids: [..] }                      선택삭제: all or nothing — an id that is not this partner's, or a batch not
 *                                      finished, refuses the whole request naming ids[i]
 *   { all: true, confirm: true, … }    전체삭제: every finished batch the query matches (its period and filters);
 *                                      unfinished ones are skipped and counted
 *
 * Every delete names the partner's batch ids and an `accepted_at` range, so only the partitions concerned are read.
 */
import type { Ctx } from '../../../platform/context.ts';
import { inTransaction, type Db } from '../../../platform/db/transaction.ts';
import { AppError, invalidError } from '../../../platform/errors.ts';
import { readIds, resolveHistoryQuery, type HistoryQueryInput } from './history-query.ts';
import { historyWhere } from './history-rows.ts';

export interface DeleteMessageHistoryInput extends HistoryQueryInput {
  all?: unknown;
  confirm?: unknown;
}

export interface DeleteMessageHistoryResult {
  /** batches deleted */
  deleted: number;
  /** their recipients deleted */
  recipients: number;
  /** batches the query matched but that are not finished (전체삭제 only) */
  skipped: number;
}

const FINAL = new Set(['done', 'cancelled']);
const CHUNK = 500;

const yes = (v: unknown) => v === true || v === 'true' || v === '1' || v === 'on';

async function deleteBatches(tx: Db, batches: { id: number; accepted_at: Date }[]): Promise<number> {
  let recipients = 0;
  for (let i = 0; i < batches.length; i += CHUNK) {
    const chunk = batches.slice(i, i + CHUNK);
    const ids = chunk.map((b) => b.id);
    const times = chunk.map((b) => b.accepted_at.getTime());
    const from = new Date(Math.min(...times));
    const to = new Date(Math.max(...times));
    await tx.deleteFrom('message_attempts').where('accepted_at', '>=', from).where('accepted_at', '<=', to).where('batch_id', 'in', ids).execute();
    const r = await tx.deleteFrom('message_recipients').where('accepted_at', '>=', from).where('accepted_at', '<=', to).where('batch_id', 'in', ids).executeTakeFirst();
    recipients += Number(r.numDeletedRows);
    await tx.deleteFrom('message_batches').where('accepted_at', '>=', from).where('accepted_at', '<=', to).where('id', 'in', ids).execute();
  }
  return recipients;
}

export async function deleteMessageHistory(ctx: Ctx, partnerId: number, input: DeleteMessageHistoryInput): Promise<DeleteMessageHistoryResult> {
  const ids = readIds(input.ids);
  const all = yes(input.all);
  if (ids && all) throw invalidError('all', 'ids와 함께 쓸 수 없습니다: 선택삭제는 ids, 전체삭제는 all (not together with ids: ids deletes the selected, all the whole query)');
  if (!ids && !all) throw new AppError('field_required', '삭제할 발송내역을 고르세요: ids, 또는 all과 confirm (choose what to delete: ids, or all with confirm)', { field: 'ids' });
  if (ids) {
    return inTransaction(ctx.db, async (tx) => {
      const found = await tx
        .selectFrom('message_batches')
        .where('partner_id', '=', partnerId)
        .where('source', '=', 'api')
        .where('id', 'in', ids)
        .select(['id', 'accepted_at', 'state'])
        .forUpdate()
        .execute();
      const byId = new Map(found.map((b) => [Number(b.id), b]));
      ids.forEach((id, i) => {
        const b = byId.get(id);
        if (!b) throw new AppError('message_batch_not_found', '발송내역이 없습니다 (no such send in your history)', { field: `ids[${i}]` });
        if (!FINAL.has(b.state)) {
          throw new AppError('message_history_not_final', b.state === 'reserved' ? '예약된 발송은 예약목록에서 먼저 취소하세요 (a reservation: cancel it first in the reservation list)' : '발송 중인 내역은 결과가 나온 뒤에 삭제할 수 있습니다 (still sending: delete it once its results are in)', { field: `ids[${i}]` });
        }
      });
      const recipients = await deleteBatches(tx, found.map((b) => ({ id: Number(b.id), accepted_at: b.accepted_at })));
      return { deleted: found.length, recipients, skipped: 0 };
    });
  }
  if (!yes(input.confirm)) throw new AppError('message_history_unconfirmed', '전체삭제는 복구할 수 없습니다: 확인하려면 confirm을 true로 보내세요 (there is no recovery: send confirm true to delete all)', { field: 'confirm' });
  const query = resolveHistoryQuery({ ...input, ids: undefined }, ctx.clock.now());
  return inTransaction(ctx.db, async (tx) => {
    const matched = await tx.selectFrom('message_batches').where(historyWhere(partnerId, query)).select(['id', 'accepted_at', 'state']).forUpdate().execute();
    const finished = matched.filter((b) => FINAL.has(b.state)).map((b) => ({ id: Number(b.id), accepted_at: b.accepted_at }));
    const recipients = await deleteBatches(tx, finished);
    return { deleted: finished.length, recipients, skipped: matched.length - finished.length };
  });
}
