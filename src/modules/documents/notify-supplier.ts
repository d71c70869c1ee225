/**
 * The supplier hears of the buyer's answer: when the buyer approves or rejects a received document ("문서보기",
 * or the member web's 매입 문서함), a `approved` / `rejected` event is written and the supplier is mailed — both
 * inside the transaction of the change (respond-to-document.ts). The supplier's address: the supplier contact's
 * e-mail on the document, else the e-mail of the member that issued it.
 */
import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { documentOf, type DocumentRow } from './document-views.ts';
import { recordDocumentEvent } from './document-events.ts';
import { queueNoticeMail } from './notice-mails.ts';
import { recordEvent } from '../events/record-event.ts';
import { documentEvent } from './document-log-events.ts';

const won = (n: number) => `${Number(n).toLocaleString('ko-KR')}원`;

export async function supplierMailOf(tx: Tx, row: DocumentRow): Promise<string | undefined> {
  const onDocument = documentOf(row).supplier.contact?.email?.trim();
  if (onDocument) return onDocument;
  const member = await tx
    .selectFrom('subscriptions as s')
    .innerJoin('members as m', 'm.id', 's.member_id')
    .select('m.email')
    .where('s.id', '=', row.subscription_id)
    .executeTakeFirst();
  return member?.email?.trim() || undefined;
}

export async function notifySupplierOfResponse(ctx: Ctx, tx: Tx, row: DocumentRow, via: 'view' | 'member_web'): Promise<void> {
  const approved = row.proc_state === 'A';
  const now = row.responded_at ?? ctx.clock.now();
  await recordDocumentEvent(tx, row.id, approved ? 'approved' : 'rejected', now, { via, ...(approved ? {} : { reason: row.reject_reason ?? '' }), issueId: row.nts_issue_id });
  await recordEvent(tx, documentEvent(approved ? 'document.approved' : 'document.rejected', row, now, { via, ...(approved ? {} : { reason: row.reject_reason ?? '' }) }));
  const to = await supplierMailOf(tx, row);
  if (!to) return;
  const word = approved ? '승인' : '반려(거부)';
  await queueNoticeMail(ctx, tx, {
    kind: approved ? 'approved' : 'rejected',
    documentId: row.id,
    to,
    subject: `[Hanbill] ${row.buy_name}이(가) 전자세금계산서를 ${word}했습니다 (승인번호 ${row.nts_issue_id})`,
    ko: [
      `${row.sup_name} 담당자님,`,
      '',
      `공급받는자 ${row.buy_name}이(가) 전자세금계산서를 ${word}했습니다.`,
      `승인번호: ${row.nts_issue_id}`,
      `작성일자: ${row.write_date}, 합계금액: ${won(row.total_amt)}`,
      ...(approved ? [] : [`반려 사유: ${row.reject_reason ?? ''}`, '', '내용을 확인하고, 필요하면 수정세금계산서를 발행하거나 국세청 전송 전이라면 발행취소하세요.']),
    ],
    en: [
      `${row.buy_name} ${approved ? 'approved' : 'rejected'} the electronic tax invoice ${row.nts_issue_id}.`,
      ...(approved ? [] : [`Reason: ${row.reject_reason ?? ''}. Check it; issue an amended invoice, or cancel it if it was not sent to the NTS yet.`]),
    ],
  });
}
