/**
 * The document screen (/member/documents/:dockey): the standard form (the renderer of "문서보기",
 * renderInvoiceSheet), the document's history (document-history.ts), and the actions its state allows — 메일 재발송
 * (resendDocument), 인쇄 (the layout's print stylesheet, A4: only the form is printed), PDF and XML (the renderers
 * of the view page), 국세청 전송 (requestFiling), 수정세금계산서 (M2's write form, prefilled: `?amend=&reason=`), and
 * the slots of other screens (DOCUMENT_ACTION_SLOTS: 발행취소, …). A document of neither of the subscription's
 * ledgers is 404, whatever its dockey.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../../platform/context.ts';
import { kstDateTime } from '../../../platform/clock.ts';
import { AppError } from '../../../platform/errors.ts';
import { findVisibleDocument } from '../../../modules/documents/document-repo.ts';
import { documentFileName, documentOf, pdfOf, renderMetaOf, standardXmlOf } from '../../../modules/documents/document-files.ts';
import type { DocumentRow } from '../../../modules/documents/document-views.ts';
import { documentHistory } from '../../../modules/documents/document-history.ts';
import { INVOICE_CSS, renderInvoiceSheet } from '../../../modules/documents/render/index.ts';
import { resendDocument } from '../../../modules/documents/resend-document.ts';
import { NTS_STATE_NAMES, PROC_STATE_NAMES } from '../../../modules/documents/search-ledger.ts';
import { requestFiling } from '../../../modules/nts/request-filing.ts';
import type { Tenant } from '../../../modules/subscriptions/authenticate-subscription.ts';
import { html, raw, won, type T } from '../../html.ts';
import { requireMember } from '../member-http.ts';
import { csrfField, type MemberPage } from '../member-kit.ts';
import { CANCEL_ACTION_SLOT } from './cancel-page.ts';
import { RESPOND_ACTION_SLOT } from './respond-page.ts';

/** An action another screen offers on the document screen: a button (POST with CSRF) or a link (GET). */
export interface DocumentActionSlot {
  label: (t: T) => string;
  /** shown only when this is true for the document (the use case still decides) */
  when: (row: DocumentRow, ledger: 'sales' | 'purchase') => boolean;
  /** where the button goes: a page of yours (GET link) */
  path: (row: DocumentRow) => string;
}

/** The slots of other screens (M3: 발행취소 …). */
export const DOCUMENT_ACTION_SLOTS: DocumentActionSlot[] = [
  { ...CANCEL_ACTION_SLOT, when: (row, ledger) => ledger === 'sales' && CANCEL_ACTION_SLOT.when(row) },
  RESPOND_ACTION_SLOT,
];

/** 수정세금계산서 reasons in plain words (the standard's modifyCode 1–6). */
export const AMEND_REASONS: [string, string, string][] = [
  ['1', '적힌 내용이 틀렸어요 (기재사항 착오·정정)', 'Something on it was wrong (correction)'],
  ['2', '금액이 바뀌었어요 (공급가액 변동)', 'The amount changed'],
  ['3', '물건이 반품됐어요 (환입)', 'Goods were returned'],
  ['4', '계약이 취소됐어요 (계약의 해제)', 'The contract was cancelled'],
  ['5', '내국신용장이 나중에 열렸어요 (내국신용장 사후개설)', 'A local letter of credit was opened later'],
  ['6', '같은 건을 두 번 발행했어요 (착오에 의한 이중발급)', 'It was issued twice by mistake'],
];

const ledgerOf = (row: DocumentRow, tenant: Tenant): 'sales' | 'purchase' => (Number(row.subscription_id) === tenant.subscriptionId ? 'sales' : 'purchase');

/** The form's style sheet inside the member layout: without its page-wide rules (html, body, .page). */
const EMBEDDED_INVOICE_CSS = INVOICE_CSS.split('\n')
  .filter((l) => !/^(html|body|\.page)\{/.test(l))
  .join('\n')
  .replace(/@media print\{body\{background:#fff\}\.page\{max-width:none;padding:0\}/, '@media print{');

async function visible(ctx: Ctx, tenant: Tenant, dockey: string | undefined): Promise<DocumentRow> {
  return findVisibleDocument(ctx.db, tenant.subscriptionId, dockey ?? '');
}

export const documentPage: MemberPage = {
  path: '/member/documents/:dockey',
  title: (t) => t('문서', 'Document'),
  done: {
    resent: (t) => t('메일을 다시 보내도록 넣었습니다. 잠시 뒤 이력에 보입니다.', 'The mail was queued again; it shows in the history shortly.'),
    filing: (t) => t('국세청 전송을 요청했습니다.', 'Filing with the NTS was requested.'),
  },
  async render(ctx, v) {
    const { t, call } = v;
    const row = await visible(ctx, call.tenant, v.params['dockey']);
    const ledger = ledgerOf(row, call.tenant);
    const sheet = renderInvoiceSheet(documentOf(row), {
      ...renderMetaOf(row, call.lang),
      states: {
        proc: t(...(PROC_STATE_NAMES[row.proc_state] ?? [row.proc_state, row.proc_state])),
        nts: t(...(NTS_STATE_NAMES[row.nts_state] ?? [row.nts_state, row.nts_state])),
      },
    });
    const history = await documentHistory(ctx, row);
    const base = `/member/documents/${encodeURIComponent(row.dockey)}`;
    const issued = row.nts_issue_id !== null && row.proc_state !== 'T';
    const live = row.doc_state !== 'D' && row.proc_state !== 'C';
    const canResend = ledger === 'sales' && issued && live;
    const canFile = ledger === 'sales' && issued && live && (row.nts_state === '0' || row.nts_state === '4');
    const canAmend = ledger === 'sales' && issued && live;
    const canEdit = ledger === 'sales' && row.proc_state === 'T' && row.doc_state !== 'D';
    const slots = DOCUMENT_ACTION_SLOTS.filter((s) => s.when(row, ledger));
    const sheetTitle = `${sheet.title} · ${ledger === 'sales' ? row.buy_name : row.sup_name}`;
    return html`<style>${raw(EMBEDDED_INVOICE_CSS)}</style>
<div class="no-print"><p><a href="${ledger === 'sales' ? '/member/sales' : '/member/purchases'}">${ledger === 'sales' ? t('« 매출 문서함', '« Sales ledger') : t('« 매입 문서함', '« Purchase ledger')}</a></p>
<h1>${sheetTitle}</h1>
<p class="muted">${t('합계', 'Total')} ${won(row.total_amt)}${t('원', ' won')} · ${t(...(PROC_STATE_NAMES[row.proc_state] ?? [row.proc_state, row.proc_state]))} · ${t('국세청', 'NTS')} ${t(...(NTS_STATE_NAMES[row.nts_state] ?? [row.nts_state, row.nts_state]))}${row.doc_state === 'D' ? ` · ${t('수정되어 폐기된 문서', 'replaced by a later version')}` : ''}</p>
<div class="actions" id="document-actions">
<button type="button" data-print class="secondary" id="print">${t('인쇄', 'Print')}</button>
<a class="button secondary" id="pdf" href="${base}/pdf" download>${t('PDF 내려받기', 'Download PDF')}</a>
${canEdit ? html`<a class="button" id="edit-draft" href="/member/documents/new?draft=${encodeURIComponent(row.dockey)}">${t('이어서 쓰기', 'Edit the draft')}</a>` : ''}
${issued ? html`<a class="button secondary" id="xml" href="${base}/xml" download>${t('XML 내려받기', 'Download XML')}</a>` : ''}
${canResend ? html`<form method="post" action="${base}/resend">${csrfField(call.csrfToken)}<button type="submit" id="resend">${t('메일 재발송', 'Re-send mail')}</button></form>` : ''}
${canFile ? html`<form method="post" action="${base}/file" data-confirm="${t('국세청에 전송할까요? 전송한 뒤에는 발행취소할 수 없습니다.', 'File with the NTS now? A filed invoice cannot be cancelled.')}">${csrfField(call.csrfToken)}<button type="submit" id="file">${t('국세청 전송', 'File with the NTS')}</button></form>` : ''}
${slots.map((s) => html`<a class="button secondary" href="${s.path(row)}">${s.label(t)}</a>`)}
</div>
${v.errors['dockey'] ? html`<p class="field-error" role="alert">${v.errors['dockey']}</p>` : ''}
${canAmend ? html`<form class="row" method="get" action="/member/write" id="amend-form"><input type="hidden" name="amend" value="${row.dockey}">
<div class="field"><label for="amend-reason">${t('수정세금계산서 쓰기: 무엇이 바뀌었나요?', 'Write an amended invoice: what changed?')}</label>
<select id="amend-reason" name="reason">${AMEND_REASONS.map(([code, ko, en]) => html`<option value="${code}">${t(ko, en)}</option>`)}</select></div>
<div><button type="submit" class="secondary">${t('수정세금계산서 작성', 'Write the amended invoice')}</button></div></form>` : ''}
</div>
${raw(sheet.html)}
<section class="history-block no-print" aria-labelledby="history-title"><h2 id="history-title">${t('이력', 'History')}</h2>
<ol class="history" id="history">${history.map((h) => html`<li data-kind="${h.kind}"><time datetime="${h.at.toISOString()}">${kstDateTime(h.at).slice(0, 16)}</time> ${t(h.ko, h.en)}</li>`)}</ol>
<p class="muted">${t('기록되지 않는 것: 문서보기 링크의 두 번째 이후 열람, PDF·XML 내려받기와 인쇄, 받는 메일 서버 이후의 배달.', 'Not recorded: later openings of the view link, PDF / XML downloads and printing, delivery beyond the receiving mail server.')}</p></section>`;
  },
  actions: [
    {
      path: '/member/documents/:dockey/resend',
      run: async (ctx, call, _form, _req, _reply, p) => {
        const row = await visible(ctx, call.tenant, p['dockey']);
        await resendDocument(ctx, call.tenant, row.dockey);
        return `/member/documents/${encodeURIComponent(row.dockey)}?done=resent`;
      },
    },
    {
      path: '/member/documents/:dockey/file',
      run: async (ctx, call, _form, _req, _reply, p) => {
        const row = await visible(ctx, call.tenant, p['dockey']);
        const [answer] = await requestFiling(ctx, call.tenant, [row.dockey]);
        if (answer?.error) throw answer.error;
        return `/member/documents/${encodeURIComponent(row.dockey)}?done=filing`;
      },
    },
  ],
  routes(app: FastifyInstance, ctx: Ctx) {
    for (const ext of ['pdf', 'xml'] as const) {
      app.get(`/member/documents/:dockey/${ext}`, { schema: { hide: true } }, async (req: FastifyRequest, reply: FastifyReply) => {
        let call;
        try {
          call = await requireMember(ctx, req);
        } catch {
          return reply.code(303).header('location', '/member').send();
        }
        const row = await visible(ctx, call.tenant, (req.params as Record<string, string>)['dockey']);
        if (ext === 'xml' && (!row.nts_issue_id || !row.issued_at)) throw new AppError('document_state_conflict', '발행되지 않은 문서는 XML이 없습니다 (a draft has no standard XML yet)', { field: 'dockey' });
        const body = ext === 'pdf' ? await pdfOf(row, call.lang) : Buffer.from(standardXmlOf(row), 'utf8');
        return reply
          .header('content-type', ext === 'pdf' ? 'application/pdf' : 'application/xml; charset=utf-8')
          .header('content-disposition', `attachment; filename="${row.dockey}.${ext}"; filename*=UTF-8''${encodeURIComponent(documentFileName(row, ext))}`)
          .header('cache-control', 'no-store')
          .send(body);
      });
    }
  },
};
