/**
 * 발행취소 from the document screen (/member/documents/{dockey}/cancel): the document's summary, the rule (only
 * before it is sent to the NTS; afterwards a 수정세금계산서), a reason and the button — the same `cancelDocument`
 * use case as REST and `document.aspx cmd=CANCEL`, so a filed document is refused with the same advice, shown on
 * the page. The document screen's action slot links here (`CANCEL_ACTION_SLOT`, for DOCUMENT_ACTION_SLOTS).
 */
import type { Ctx } from '../../../platform/context.ts';
import { findIssuedDocument } from '../../../modules/documents/document-repo.ts';
import { cancelDocument } from '../../../modules/documents/cancel-document.ts';
import type { DocumentRow } from '../../../modules/documents/document-views.ts';
import { kstDateTime } from '../../../platform/clock.ts';
import { html, won, type T } from '../../html.ts';
import { csrfField, field, str, type MemberPage, type MemberView } from '../member-kit.ts';

/** Whether the cancel action is offered for a row of the document screen (the use case decides in the end). */
export const cancellable = (row: Pick<DocumentRow, 'proc_state' | 'doc_state' | 'nts_state' | 'nts_issue_id'>): boolean =>
  row.nts_issue_id !== null && ['S', 'A', 'R'].includes(row.proc_state) && row.doc_state !== 'D' && (row.nts_state === '0' || row.nts_state === '1');

/** The document screen's action slot (docs/member-web.md: `{ label, when(row), path }`). */
export const CANCEL_ACTION_SLOT = {
  label: (t: T) => t('발행취소', 'Cancel the invoice'),
  when: cancellable,
  path: (row: Pick<DocumentRow, 'dockey'>) => `/member/documents/${encodeURIComponent(row.dockey)}/cancel`,
};

async function render(ctx: Ctx, v: MemberView) {
  const { t, call } = v;
  const row = await findIssuedDocument(ctx.db, call.tenant.subscriptionId, v.params['dockey'] ?? '');
  const summary = html`<table class="ledger" id="cancel-document"><tbody>
<tr><th>${t('승인번호', 'Approval number')}</th><td>${row.nts_issue_id ?? '-'}</td></tr>
<tr><th>${t('공급받는자', 'Buyer')}</th><td>${row.buy_name} (${row.buy_id})</td></tr>
<tr><th>${t('작성일자', 'Written')}</th><td>${String(row.write_date)}</td></tr>
<tr><th>${t('합계금액', 'Total')}</th><td class="num">${won(row.total_amt)}</td></tr></tbody></table>`;
  const back = html`<a href="/member/documents/${row.dockey}">${t('문서로 돌아가기', 'Back to the document')}</a>`;
  if (row.proc_state === 'C') {
    return html`<h1>${t('발행취소', 'Cancel the invoice')}</h1>${summary}
<p class="ok" role="status" id="cancel-done">${t(`발행취소되었습니다 (${row.cancelled_at ? kstDateTime(row.cancelled_at) : ''}). 사유: ${row.cancel_reason ?? ''}`, `Cancelled (${row.cancelled_at ? kstDateTime(row.cancelled_at) : ''}). Reason: ${row.cancel_reason ?? ''}`)}</p>
<p>${back}</p>`;
  }
  return html`<h1>${t('발행취소', 'Cancel the invoice')}</h1>${summary}
<p class="muted">${t('국세청으로 전송하기 전의 세금계산서만 발행취소할 수 있습니다. 승인번호는 그대로 남고, 국세청에 신고되지 않으며, 공급받는자에게 취소 메일을 보냅니다. 전송된 뒤에는 수정세금계산서를 발행하세요.', 'Only an invoice not yet sent to the NTS can be cancelled: it keeps its approval number, is never filed, and the buyer is mailed. Once sent, issue an amended invoice.')}</p>
<form method="post" action="/member/documents/${row.dockey}/cancel" id="cancel-form">${csrfField(call.csrfToken)}
${field(v, 'reason', t('취소 사유', 'Reason'), { required: true, value: str(v.form, 'reason') })}
<div class="actions"><button type="submit" class="danger" id="cancel-submit">${t('발행취소', 'Cancel the invoice')}</button> ${back}</div></form>
${v.errors['dockey'] ? html`<p class="alert" role="alert" id="cancel-refused">${v.errors['dockey']} <a href="/member/write?amend=${row.dockey}&reason=1">${t('수정세금계산서 작성', 'Write an amended invoice')}</a></p>` : ''}`;
}

export const cancelPage: MemberPage = {
  path: '/member/documents/:dockey/cancel',
  title: (t) => t('발행취소', 'Cancel the invoice'),
  done: { cancelled: (t) => t('발행취소했습니다. 공급받는자에게 메일을 보냈습니다.', 'Cancelled: the buyer was mailed.') },
  render,
  actions: [
    {
      path: '/member/documents/:dockey/cancel',
      run: async (ctx, call, form, _req, _reply, p) => {
        const row = await cancelDocument(ctx, call.tenant, p['dockey'] ?? '', str(form, 'reason'));
        return `/member/documents/${encodeURIComponent(row.dockey)}/cancel?done=cancelled`;
      },
    },
  ],
};
