/**
 * `?draft=<dockey>` of the write form: a saved draft (임시저장, proc_state T) of this subscription opened again, its
 * fields in the form; saving or issuing it changes that draft (`updateDocument` with `draftOnly`), it does not write
 * a second document. A draft holding what the form does not show (위수탁, 거래명세서, a buyer identified by a
 * resident or foreigner number, a second contact or remark, the AlimTalk notice) is refused naming `draft`: saving it
 * from the form would drop those parts — such a draft is changed by the API's UPDATE.
 */
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { findIssuedDocument } from '../../modules/documents/document-repo.ts';
import { documentOf } from '../../modules/documents/document-views.ts';
import type { DocumentInput, PartyContact } from '../../modules/documents/model.ts';
import { memberProfile } from '../../modules/documents/prepare-document.ts';
import type { Tenant } from '../../modules/subscriptions/authenticate-subscription.ts';
import type { Form } from './member-kit.ts';
import { formOfDocument } from './document-form.ts';

/** What of a draft the write form cannot show, in words (Korean, English); none: it can be edited here. */
export function hiddenParts(doc: DocumentInput, profileContact: PartyContact | undefined): string[] {
  const parts: string[] = [];
  if (doc.consignment || doc.trustee) parts.push('위수탁 (consignment)');
  if (doc.statement) parts.push('거래명세서 (transaction statement)');
  if (doc.buyer.idType !== 'business') parts.push('주민등록번호·외국인 공급받는자 (a buyer without a business number)');
  if ((doc.buyer.contacts?.length ?? 0) > 1) parts.push('담당자2 (second contact)');
  const c0 = doc.buyer.contacts?.[0];
  if (c0 && (c0.tel || c0.mobile || c0.department)) parts.push('담당자 연락처·부서 (contact phone or department)');
  // the supplier's contact other than the member's own (which the form's supplier fills in again)
  const sc = doc.supplier.contact;
  const own = profileContact ?? {};
  if (sc && ((sc.tel ?? '') !== (own.tel ?? '') || (sc.name ?? '') !== (own.name ?? '') || (sc.department ?? '') !== (own.department ?? ''))) parts.push('공급자 담당자 (supplier contact)');
  if ((doc.remarks?.length ?? 0) > 1) parts.push('비고2·3 (second and third remarks)');
  if (doc.alimtalk?.notify) parts.push('알림톡 (AlimTalk notice)');
  return parts;
}

export async function draftFormOf(ctx: Ctx, tenant: Tenant, dockey: string): Promise<Form> {
  const row = await findIssuedDocument(ctx.db, tenant.subscriptionId, dockey, {});
  if (row.proc_state !== 'T' || row.doc_state === 'D') {
    throw new AppError('document_state_conflict', '임시저장 문서만 이어서 쓸 수 있습니다 (only a draft can be edited)', { field: 'draft' });
  }
  const doc = documentOf(row);
  const hidden = hiddenParts(doc, (await memberProfile(ctx, tenant.memberId)).contact);
  if (hidden.length) {
    throw new AppError('document_state_conflict', `이 임시저장 문서에는 작성 화면에 없는 항목이 있어 API로 수정하세요: ${hidden.join(', ')} (edit this draft by the API: the form cannot show these parts)`, { field: 'draft' });
  }
  const form: Form = { ...formOfDocument(doc, { supplier: true }), draft: row.dockey };
  if (doc.amendment) {
    form['amendment.originalIssueId'] = doc.amendment.originalIssueId;
    form['amendment.reasonCode'] = doc.amendment.reasonCode;
  }
  return form;
}
