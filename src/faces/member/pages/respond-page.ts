/**
 * 승인 / 반려 from the 매입 문서함 (/member/documents/{dockey}/respond): the buyer answers a received invoice with the
 * same use case as "문서보기" (respondAsBuyer → respondToFoundDocument), so the supplier is mailed and the event kept
 * the same way. Only a document of this subscription's purchase ledger (another dockey: 404). The document screen
 * links here through its action slot (`RESPOND_ACTION_SLOT`).
 */
import type { Ctx } from '../../../platform/context.ts';
import { respondAsBuyer } from '../../../modules/documents/respond-as-buyer.ts';
import { findVisibleDocument } from '../../../modules/documents/document-repo.ts';
import type { DocumentRow } from '../../../modules/documents/document-views.ts';
import { AppError } from '../../../platform/errors.ts';
import { html, won, type T } from '../../html.ts';
import { csrfField, field, str, type MemberPage, type MemberView } from '../member-kit.ts';

export const RESPOND_ACTION_SLOT = {
  label: (t: T) => t('승인 / 반려', 'Approve / reject'),
  when: (row: DocumentRow, ledger: 'sales' | 'purchase') => ledger === 'purchase' && row.proc_state === 'S' && row.doc_state !== 'D',
  path: (row: Pick<DocumentRow, 'dockey'>) => `/member/documents/${encodeURIComponent(row.dockey)}/respond`,
};

async function render(ctx: Ctx, v: MemberView) {
  const { t, call } = v;
  const row = await findVisibleDocument(ctx.db, call.tenant.subscriptionId, v.params['dockey'] ?? '');
  if (Number(row.subscription_id) === call.tenant.subscriptionId) throw new AppError('document_not_found', `문서 ${row.dockey}이(가) 없습니다 (no such document in this subscription)`, { field: 'dockey' });
  const back = html`<a href="/member/documents/${row.dockey}">${t('문서로 돌아가기', 'Back to the document')}</a>`;
  const summary = html`<table class="ledger" id="respond-document"><tbody>
<tr><th>${t('공급자', 'Supplier')}</th><td>${row.sup_name} (${row.sup_bizno})</td></tr>
<tr><th>${t('승인번호', 'Approval number')}</th><td>${row.nts_issue_id ?? '-'}</td></tr>
<tr><th>${t('작성일자', 'Written')}</th><td>${String(row.write_date)}</td></tr>
<tr><th>${t('합계금액', 'Total')}</th><td class="num">${won(row.total_amt)}</td></tr></tbody></table>`;
  if (row.proc_state !== 'S') {
    const state = row.proc_state === 'A' ? t('승인했습니다', 'Approved') : row.proc_state === 'R' ? t(`반려했습니다: ${row.reject_reason ?? ''}`, `Rejected: ${row.reject_reason ?? ''}`) : t('답할 수 없는 상태입니다', 'Cannot be answered now');
    return html`<h1>${t('승인 / 반려', 'Approve / reject')}</h1>${summary}<p class="ok" role="status" id="respond-done" data-proc="${row.proc_state}">${state}</p><p>${back}</p>`;
  }
  return html`<h1>${t('승인 / 반려', 'Approve / reject')}</h1>${summary}
<p class="muted">${t('승인하거나 반려하면 공급자에게 메일로 알립니다. 한 번만 답할 수 있습니다.', 'The supplier is mailed your answer. You answer once.')}</p>
<div class="actions"><form method="post" action="/member/documents/${row.dockey}/respond">${csrfField(call.csrfToken)}<input type="hidden" name="decision" value="approve"><button type="submit" id="approve">${t('승인', 'Approve')}</button></form></div>
<form method="post" action="/member/documents/${row.dockey}/respond" id="reject-form">${csrfField(call.csrfToken)}<input type="hidden" name="decision" value="reject">
${field(v, 'reason', t('반려 사유', 'Reason to reject'), { value: str(v.form, 'reason') })}
<div class="actions"><button type="submit" class="danger" id="reject">${t('반려', 'Reject')}</button> ${back}</div></form>`;
}

export const respondPage: MemberPage = {
  path: '/member/documents/:dockey/respond',
  title: (t) => t('승인 / 반려', 'Approve / reject'),
  done: { answered: (t) => t('답했습니다. 공급자에게 메일을 보냈습니다.', 'Answered: the supplier was mailed.') },
  render,
  actions: [
    {
      path: '/member/documents/:dockey/respond',
      run: async (ctx, call, form, _req, _reply, p) => {
        const decision = str(form, 'decision');
        if (decision !== 'approve' && decision !== 'reject') throw new AppError('field_invalid', 'approve 또는 reject입니다 (approve or reject)', { field: 'decision' });
        const row = await respondAsBuyer(ctx, call.tenant, p['dockey'] ?? '', decision, str(form, 'reason'));
        return `/member/documents/${encodeURIComponent(row.dockey)}/respond?done=answered`;
      },
    },
  ],
};
