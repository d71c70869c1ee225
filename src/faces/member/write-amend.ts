/**
 * `?amend=<dockey>&reason=<code>` of the write form: a 수정세금계산서 prefilled from an issued original of this
 * subscription — its parties and lines, the 당초 승인번호, the reason in plain words. For the reasons that only
 * reverse (03 환입, 04 계약의 해제, 06 이중발급) the lines come negated (the amended document undoes the original);
 * for 01 착오정정 and 02 공급가액 변동 / 05 내국신용장 they come as they were, for the member to change.
 */
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { findIssuedDocument } from '../../modules/documents/document-repo.ts';
import { documentOf } from '../../modules/documents/document-views.ts';
import { AMENDMENT_REASON_CODES, AMENDMENT_REASON_LABELS, type AmendmentReasonCode } from '../../modules/documents/model.ts';
import type { Tenant } from '../../modules/subscriptions/authenticate-subscription.ts';
import type { T } from '../html.ts';
import type { Form } from './member-kit.ts';
import { formOfDocument } from './document-form.ts';

/** The reasons as a finance clerk says them (the NTS names follow in brackets on the page). */
export const AMENDMENT_PLAIN_WORDS: Record<AmendmentReasonCode, (t: T) => string> = {
  '01': (t) => t('적은 내용이 틀렸어요', 'Something was written wrong'),
  '02': (t) => t('금액이 바뀌었어요 (추가·할인)', 'The amount changed (extra or discount)'),
  '03': (t) => t('물건이 돌아왔어요 (반품)', 'Goods came back (return)'),
  '04': (t) => t('계약이 취소됐어요', 'The contract was cancelled'),
  '05': (t) => t('내국신용장이 나중에 열렸어요', 'A local L/C was opened afterwards'),
  '06': (t) => t('두 번 발행했어요', 'It was issued twice'),
};

const REVERSING = new Set<AmendmentReasonCode>(['03', '04', '06']);

export async function amendmentFormOf(ctx: Ctx, tenant: Tenant, dockey: string, reason: string): Promise<{ form: Form; originalIssueId: string; reasonLabel: string }> {
  const row = await findIssuedDocument(ctx.db, tenant.subscriptionId, dockey, {});
  if (!row.nts_issue_id) throw new AppError('document_state_conflict', '발행된 문서만 수정세금계산서를 쓸 수 있습니다 (only an issued document can be amended)', { field: 'amend' });
  // reason as the standard's modifyCode: 1..6 (or 01..06)
  const padded = /^\d$/.test(reason) ? `0${reason}` : reason;
  const code: AmendmentReasonCode = (AMENDMENT_REASON_CODES as readonly string[]).includes(padded) ? (padded as AmendmentReasonCode) : '01';
  const form: Form = {
    ...formOfDocument(documentOf(row), { supplier: false, sign: REVERSING.has(code) ? -1 : 1 }),
    'amendment.originalIssueId': row.nts_issue_id,
    'amendment.reasonCode': code,
  };
  return { form, originalIssueId: row.nts_issue_id, reasonLabel: AMENDMENT_REASON_LABELS[code] };
}
