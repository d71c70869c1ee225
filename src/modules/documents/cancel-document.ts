/**
 * 발행취소 (legacy `document.aspx cmd=CANCEL`, REST `POST …/documents/{dockey}/cancel`, the member web's document
 * screen): the supplier cancels an issued document that has not been sent to the NTS, with a reason.
 *
 * In one transaction, the document locked: it must be issued (proc_state S, A or R) and not discarded; NTS state 0
 * (never requested), or 1 with its filing still `queued` (not yet claimed into a submission by the dispatcher) —
 * that filing is withdrawn (state failed, result HBL004), so it is never packed. The dispatcher claims filings
 * `FOR UPDATE SKIP LOCKED`: the withdrawal's `state = 'queued'` update waits for a dispatcher holding the row and
 * then finds it `packing`, so a filing is either withdrawn or sent, never both. Once claimed (1 → packing), sent
 * (2), filed (3) or refused by the NTS (4) the answer is 409 `document_already_filed`: issue a 수정세금계산서.
 *
 * The document keeps its approval number (nts_issue_id, never reused) and gets proc_state C with cancelled_at and
 * cancel_reason; REQNTS and auto-filing never pick it (request-filing.ts, sweep-filings.ts). Its usage row
 * (doc:<id>) stays: the issue was used and billed once, and cancelling does not bill again nor refund. The buyer
 * is mailed (buy_email1) and a `cancelled` event is written, both in the same transaction. Cancelling a cancelled
 * document answers the same document again and changes nothing (idempotent).
 */
import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { findIssuedDocument } from './document-repo.ts';
import { readReason } from './read-reason.ts';
import type { DocumentRow } from './document-views.ts';
import { recordDocumentEvent } from './document-events.ts';
import { recordEvent } from '../events/record-event.ts';
import { documentEvent } from './document-log-events.ts';
import { queueNoticeMail } from './notice-mails.ts';
import { viewUrl } from './recipient-view.ts';
import './reverse-tables.ts';
import '../nts/tables.ts';

const won = (n: number) => `${Number(n).toLocaleString('ko-KR')}원`;

function alreadyFiled(row: DocumentRow): AppError {
  const where = row.nts_state === '3' ? '국세청 전송이 완료된' : row.nts_state === '4' ? '국세청에 전송된(전송 실패)' : '국세청으로 전송 중인';
  return new AppError(
    'document_already_filed',
    `${where} 문서는 발행취소할 수 없습니다. 수정세금계산서를 발행하세요 (the document was sent to the NTS and cannot be cancelled; issue an amended invoice)`,
    { field: 'dockey', details: { ntsState: row.nts_state } },
  );
}

export async function cancelDocument(ctx: Ctx, tenant: Tenant, dockey: string, reasonInput: unknown): Promise<DocumentRow> {
  const reason = readReason(reasonInput);
  return inTransaction(ctx.db, async (tx) => {
    const row = await findIssuedDocument(tx, tenant.subscriptionId, dockey, { forUpdate: true });
    if (row.proc_state === 'C') return row; // cancelled already: the same answer, nothing changes
    if (row.proc_state === 'T' || !row.nts_issue_id) throw new AppError('document_state_conflict', '발행되지 않은 문서(임시저장)는 발행취소가 아니라 삭제합니다 (a draft is deleted, not cancelled)', { field: 'dockey' });
    if (row.doc_state === 'D') throw new AppError('document_state_conflict', '수정되어 폐기된 문서입니다 (the document was replaced by an update)', { field: 'dockey' });
    const now = ctx.clock.now();
    if (row.nts_state === '1') {
      const withdrawn = await tx
        .updateTable('nts_filings')
        .set({ state: 'failed', result_code: 'HBL004', result_msg: '전송 전에 발행취소되어 신고를 철회함 (filing withdrawn: the document was cancelled before it was sent)', settled_at: now })
        .where('document_id', '=', row.id)
        .where('state', '=', sql.lit('queued'))
        .returning('id')
        .execute();
      if (withdrawn.length === 0) throw alreadyFiled(row);
    } else if (row.nts_state !== '0') {
      throw alreadyFiled(row);
    }
    const cancelled = await tx
      .updateTable('documents')
      .set({ proc_state: 'C', cancelled_at: now, cancel_reason: reason, nts_state: '0', nts_req_at: null, updated_at: now })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordDocumentEvent(tx, row.id, 'cancelled', now, { reason, by: 'supplier', subscriptionId: tenant.subscriptionId, issueId: row.nts_issue_id, withdrawnFiling: row.nts_state === '1' });
    await recordEvent(tx, documentEvent('document.cancelled', cancelled, now, { reason, withdrawnFiling: row.nts_state === '1' }));
    if (row.buy_email1) {
      await queueNoticeMail(ctx, tx, {
        kind: 'cancelled',
        documentId: row.id,
        to: row.buy_email1,
        subject: `[Hanbill] 발행취소 안내: ${row.sup_name}의 전자세금계산서 (승인번호 ${row.nts_issue_id})`,
        ko: [
          `${row.buy_name} 담당자님,`,
          '',
          `${row.sup_name}(${row.sup_bizno})이(가) 발행한 전자세금계산서가 국세청 전송 전에 발행취소되었습니다.`,
          `승인번호: ${row.nts_issue_id}`,
          `작성일자: ${row.write_date}, 합계금액: ${won(row.total_amt)}`,
          `취소 사유: ${reason}`,
          '',
          '이 세금계산서는 국세청에 신고되지 않으며 매입세액 공제에 사용할 수 없습니다.',
        ],
        en: [
          `The electronic tax invoice ${row.nts_issue_id} issued by ${row.sup_name} was cancelled before it was sent to the NTS.`,
          `Reason: ${reason}. It will not be filed and cannot be used for input VAT.`,
        ],
        link: viewUrl(ctx, row.dockey),
      });
    }
    ctx.log.info({ sinchno: tenant.subscriptionId, dockey, withdrawnFiling: row.nts_state === '1' }, 'document cancelled before filing');
    return cancelled;
  });
}
